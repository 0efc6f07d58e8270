"""``archiver export OUTPUT --format parquet|csv [--to DIR] [--all-versions]``: the dataset
as files researchers open, from the output's JSONL.

The export is written beside ``DIR`` (``DIR.partial-<token>``) and moved into place whole
when done, with an ``_export.json`` manifest (format, rows, bad lines, schema versions): a
reader never sees half an export, and a re-export replaces an earlier one. A ``DIR`` that
exists, is not empty and holds no manifest is no earlier export: it is refused, not replaced.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver.export.batches import Converted, batches
from archiver.export.columns import Columns, load_columns
from archiver.export.csv import write_csv
from archiver.export.parquet import write_parquet
from archiver.export.records import (
    BadLine,
    Located,
    RecordIndex,
    iter_chosen,
    jsonl_files,
    scan,
)
from archiver.files import write_json_atomically
from archiver.layout import OutputLayout
from archiver.progressbar import Progress

logger = logging.getLogger(__name__)

MANIFEST = "_export.json"  # "_": readers of a Parquet directory skip it
WRITERS: dict[str, Callable[[Iterator[Converted], Columns, Path], None]] = {
    "parquet": write_parquet,
    "csv": write_csv,
}


class ExportRefused(ValueError):
    """The export cannot start; the message says what to change."""


@dataclass
class ExportReport:
    """What an export read and wrote."""

    directory: Path
    format: str
    rows: int = 0
    records: int = 0  # good JSONL lines read
    superseded: int = 0  # older versions of articles, not exported
    bad: list[BadLine] = field(default_factory=list)


def export(
    output: Path, fmt: str, destination: Path, *, all_versions: bool = False
) -> ExportReport:
    """Export the records under ``output/jsonl`` to ``destination`` in ``fmt``.

    One pass writes every good record; only if it found older versions of some articles
    (and ``all_versions`` is off) does a second pass write the newest of each instead."""
    files = _sources(output)
    _check_destination(destination)
    columns = load_columns()
    index = RecordIndex(files=files)
    names = frozenset(columns.names)
    records = scan(index, columns=columns, names=names)
    report = _write(records, fmt, columns, destination, total=None)
    if index.superseded and not all_versions:
        report = _write(iter_chosen(index), fmt, columns, destination, total=len(index.newest))
    report.records, report.superseded = index.records, 0 if all_versions else index.superseded
    report.bad = [*index.bad, *report.bad]
    _write_manifest(destination, report, columns, all_versions)
    return report


def _write(
    records: Iterator[Located], fmt: str, columns: Columns, destination: Path, total: int | None
) -> ExportReport:
    """Write the records into a fresh directory, then move it to ``destination``."""
    report = ExportReport(directory=destination, format=fmt)
    partial = destination.with_name(f"{destination.name}.partial-{secrets.token_hex(4)}")
    partial.mkdir(parents=True)
    try:
        with Progress(f"{fmt} export", total=total) as progress:
            converted = batches(records, columns, report.bad)
            WRITERS[fmt](_counted(converted, report, progress), columns, partial)
        _replace(partial, destination)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return report


def _sources(output: Path) -> list[Path]:
    directory = OutputLayout(output).jsonl
    if not directory.is_dir():
        raise ExportRefused(f"{directory} does not exist: name the output root of a crawl")
    return jsonl_files(directory)


def _check_destination(destination: Path) -> None:
    if destination.is_file():
        raise ExportRefused(f"{destination} is a file: name a directory for the export")
    earlier = (destination / MANIFEST).is_file()
    if destination.is_dir() and any(destination.iterdir()) and not earlier:
        raise ExportRefused(
            f"{destination} holds files but no {MANIFEST} (it is no earlier export):"
            " name a new or empty directory"
        )


def _counted(
    converted: Iterator[Converted], report: ExportReport, progress: Progress
) -> Iterator[Converted]:
    for batch, records in converted:
        report.rows += batch.num_rows
        progress.advance(batch.num_rows)
        yield batch, records


def _write_manifest(
    directory: Path, report: ExportReport, columns: Columns, all_versions: bool
) -> None:
    manifest: dict[str, Any] = {
        "format": report.format,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rows": report.rows,
        "records_read": report.records,
        "superseded": report.superseded,
        "all_versions": all_versions,
        "bad_lines": [str(bad) for bad in report.bad],
        "schema_versions": sorted(columns.versions),
        "columns": {f.name: str(f.type) for f in columns.schema},
    }
    write_json_atomically(directory / MANIFEST, manifest)


def _replace(partial: Path, destination: Path) -> None:
    """Move the finished export into place; an earlier export there is removed after."""
    old = None
    if destination.exists():
        old = destination.with_name(f"{destination.name}.old-{secrets.token_hex(4)}")
        destination.rename(old)
    partial.rename(destination)
    if old is not None:
        shutil.rmtree(old)
