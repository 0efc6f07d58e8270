"""The records an export reads: every JSONL line checked, bad ones reported by file and line.

A line is refused (and reported, never silently dropped) when it is cut short or not JSON,
not a JSON object, or carries a ``schema_version`` no schema file describes, or a field no
schema version has. Of several records of one URL (re-captures), the newest by
``fetched_at`` is the article's current version; ``all_versions`` keeps every one.

One pass suffices while every URL has one record (the rule until re-captures exist):
``scan`` streams the good records and keeps only a small tuple per URL; should it find
several records of one URL, ``iter_chosen`` streams the newest of each in a second pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from archiver.export.columns import Columns

Location = tuple[int, int]  # (index of the file in RecordIndex.files, 1-based line number)
Located = tuple[Path, int, dict[str, Any]]  # (file, line, record)


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line no row was made from, and why."""

    path: Path
    line: int  # 1-based
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class RecordIndex:
    """What a scan found: the files, each URL's newest record, the bad lines."""

    files: list[Path]
    records: int = 0  # good lines
    bad: list[BadLine] = field(default_factory=list)
    newest: dict[str, tuple[str, Location]] = field(
        default_factory=dict
    )  # url → (fetched_at, where)

    @property
    def superseded(self) -> int:
        """Good records that are not their article's newest (older versions)."""
        return self.records - len(self.newest)

    def chosen(self) -> set[Location]:
        return {where for _, where in self.newest.values()}


def jsonl_files(directory: Path) -> list[Path]:
    """The closed JSONL files of a dataset directory, in name (so run) order."""
    return sorted(directory.glob("*.jsonl"))


def scan(
    index: RecordIndex,
    *,
    columns: Columns,
    names: frozenset[str],
    tick: Callable[[int], None] | None = None,
) -> Iterator[Located]:
    """Every good record of the index's files as (file, line, record); bad lines go to
    ``index.bad``, and each URL's newest record is noted in ``index.newest``."""
    for number, path in enumerate(index.files):
        for line_no, record in _checked_lines(path, columns, names, index.bad):
            index.records += 1
            if tick is not None:
                tick(1)
            stamp = str(record.get("fetched_at") or "")
            known = index.newest.get(record["url"])
            if known is None or stamp >= known[0]:  # a tie: the later line wins
                index.newest[record["url"]] = (stamp, (number, line_no))
            yield path, line_no, record


def iter_chosen(index: RecordIndex) -> Iterator[Located]:
    """After a scan: (file, line, record) of each URL's newest record, file by file."""
    chosen = index.chosen()
    for number, path in enumerate(index.files):
        with path.open("rb") as lines:
            for line_no, raw in enumerate(lines, start=1):
                if (number, line_no) in chosen:
                    yield path, line_no, orjson.loads(raw)


def _checked_lines(
    path: Path, columns: Columns, names: frozenset[str], bad: list[BadLine]
) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open("rb") as lines:
        for line_no, raw in enumerate(lines, start=1):
            record, reason = _check(raw, columns, names)
            if reason is None:
                yield line_no, record
            else:
                bad.append(BadLine(path, line_no, reason))


def _check(raw: bytes, columns: Columns, names: frozenset[str]) -> tuple[Any, str | None]:
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        cut = "" if raw.endswith(b"\n") else " (no newline at its end: cut short?)"
        return None, f"not JSON{cut}: {exc}"
    if not isinstance(record, dict):
        return None, f"not a JSON object but {type(record).__name__}"
    version = record.get("schema_version")
    if version not in columns.versions or isinstance(version, bool):
        known = ", ".join(map(str, sorted(columns.versions)))
        return None, f"schema_version {version!r} is unknown (known: {known}): update archiver"
    if version not in columns.readable:
        return None, columns.why_unreadable(version)
    if not isinstance(record.get("url"), str):
        return None, "no url"
    unknown = record.keys() - names
    if unknown:
        return None, f"field(s) {', '.join(sorted(unknown))} in no schema version"
    return record, None
