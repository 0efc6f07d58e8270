"""The JSON Schemas of the written record (``article-v2.json``; ``article-v1.json`` for
reading old data) and the validator.

``validate_record`` is on the pipeline's hot path (every record of the crawl and of a
re-parse), so it runs in two tiers. A validator compiled to Python code by fastjsonschema
accepts a valid record in ~30 µs; jsonschema's generic Draft 2020-12 validator (~400 µs)
is the authority. Any record the compiled one refuses goes to jsonschema, which decides and
names every problem. So the verdict is jsonschema's whenever the compiled validator refuses,
and the compiled one must never accept what jsonschema refuses (``tests/test_validate_fast.py``
checks that on mutated records, keyword by keyword):

- the formats (``uri``, ``date``, ``date-time``) are checked by jsonschema's own
  ``FormatChecker``, handed to fastjsonschema as custom formats: the same code decides;
- fastjsonschema reads a pattern's ``$`` as ``\\Z`` (end of string) where Python's ``re`` lets
  it match before a final newline: stricter, so such strings fall through to jsonschema;
- ``type`` differs only for tuples (fastjsonschema takes them as arrays, jsonschema does
  not), which JSON values never are: records are plain JSON data (``ArticleRecord.to_dict``
  builds lists).

Beyond the schema it checks the invariants a schema cannot state (``section`` is the
first category, ``word_count`` counts ``text``, ``supersedes`` is null exactly for version 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator

from archiver.items import SCHEMA_VERSION

SCHEMA_FILES = {1: "article-v1.json", 2: "article-v2.json"}  # docs/schema.md: what changed
SCHEMA_FILE = SCHEMA_FILES[SCHEMA_VERSION]  # what the crawl and the re-parse write


class RecordInvalid(ValueError):
    """A record does not match its schema; the message lists every problem with its path."""

    def __init__(self, problems: list[str], schema_file: str = SCHEMA_FILE) -> None:
        self.problems = problems
        super().__init__(
            f"record does not match {schema_file} ({len(problems)} problem(s)): "
            + "; ".join(problems)
        )


@cache
def load_schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of records of ``version``, as data."""
    name = SCHEMA_FILES[version]
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _version_of(record: Any) -> int:
    """The record's own ``schema_version`` when it names a known one, else the current."""
    version = record.get("schema_version") if isinstance(record, dict) else None
    return version if type(version) is int and version in SCHEMA_FILES else SCHEMA_VERSION


@cache
def _validator(version: int = SCHEMA_VERSION) -> Draft202012Validator:
    schema = load_schema(version)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _formats(schema: Any) -> set[str]:
    """Every ``format`` keyword used anywhere in the schema."""
    if isinstance(schema, dict):
        found = {schema["format"]} if isinstance(schema.get("format"), str) else set()
        return found.union(*(_formats(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_formats(value) for value in schema))
    return set()


@cache
def _compiled(version: int = SCHEMA_VERSION) -> Callable[[Any], Any]:
    """The schema compiled by fastjsonschema, its formats checked by jsonschema's checker."""
    checker = _validator(version).format_checker
    assert checker is not None
    schema = load_schema(version)
    formats = {
        name: (lambda value, name=name: checker.conforms(value, name)) for name in _formats(schema)
    }
    return fastjsonschema.compile(schema, formats=formats)


def fast_accepts(record: Any) -> bool:
    """True if the compiled validator accepts the record (then jsonschema does too)."""
    try:
        _compiled(_version_of(record))(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def schema_problems(record: Any) -> list[str]:
    """Every way the record breaks the JSON Schema, by jsonschema, with its path."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(record)'}: {error.message}"
        for error in sorted(
            _validator(_version_of(record)).iter_errors(record), key=lambda e: e.json_path
        )
    ]


def validate_record(record: dict[str, Any]) -> None:
    """Raise RecordInvalid naming each field that breaks the record's schema (the version
    its ``schema_version`` names: old data stays readable); return None if valid."""
    problems = [] if fast_accepts(record) else schema_problems(record)
    if not problems:
        problems = _invariant_problems(record)
    if problems:
        raise RecordInvalid(problems, SCHEMA_FILES[_version_of(record)])


def _invariant_problems(record: dict[str, Any]) -> list[str]:
    problems = []
    first = record["categories"][0] if record["categories"] else None
    if record["section"] != first:
        problems.append(f"section: {record['section']!r} is not the first category {first!r}")
    if record["word_count"] != len(record["text"].split()):
        problems.append(f"word_count: {record['word_count']} does not count the text")
    if (record.get("version", 1) == 1) != (record.get("supersedes") is None):  # v1: neither
        problems.append("supersedes: null exactly when version is 1")
    return problems


__all__ = [
    "SCHEMA_FILE",
    "SCHEMA_FILES",
    "RecordInvalid",
    "fast_accepts",
    "load_schema",
    "validate_record",
]
