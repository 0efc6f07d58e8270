"""The JSON Schema of the written record (``article-v1.json``) and a cached validator.

``validate_record`` is on the pipeline's hot path: the validator is built once per process.
Beyond the schema it checks the two invariants a schema cannot state (``section`` is the
first category, ``word_count`` counts ``text``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILE = "article-v1.json"


class RecordInvalid(ValueError):
    """A record does not match schema v1; the message lists every problem with its path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"record does not match {SCHEMA_FILE} ({len(problems)} problem(s)): "
            + "; ".join(problems)
        )


@cache
def load_schema() -> dict[str, Any]:
    """The record's JSON Schema (draft 2020-12) as data."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate_record(record: dict[str, Any]) -> None:
    """Raise RecordInvalid naming each field that breaks schema v1; return None if valid."""
    problems = [
        f"{'/'.join(map(str, error.absolute_path)) or '(record)'}: {error.message}"
        for error in sorted(_validator().iter_errors(record), key=lambda e: e.json_path)
    ]
    if not problems:
        problems = _invariant_problems(record)
    if problems:
        raise RecordInvalid(problems)


def _invariant_problems(record: dict[str, Any]) -> list[str]:
    problems = []
    first = record["categories"][0] if record["categories"] else None
    if record["section"] != first:
        problems.append(f"section: {record['section']!r} is not the first category {first!r}")
    if record["word_count"] != len(record["text"].split()):
        problems.append(f"word_count: {record['word_count']} does not count the text")
    return problems


__all__ = ["SCHEMA_FILE", "RecordInvalid", "load_schema", "validate_record"]
