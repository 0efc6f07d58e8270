"""The body of ``archiver export``: run it, print what it did, say so in the exit code.

Exit codes: 0 every record exported; 1 exported, but some lines were refused (each printed
with its file and line, and listed in ``_export.json``); 2 nothing exported (a bad argument,
no dataset: the message says what to change).
"""

from __future__ import annotations

import sys
from pathlib import Path

from archiver.export.runner import ExportRefused, export
from archiver.layout import OutputLayout

SHOWN_BAD_LINES = 50  # printed; export.json lists them all


def run_export(output: Path, fmt: str, to: Path | None, all_versions: bool) -> int:
    destination = to or OutputLayout(output).export_dir(fmt)
    try:
        report = export(output, fmt, destination, all_versions=all_versions)
    except ExportRefused as exc:
        print(f"archiver export: {exc}", file=sys.stderr)
        return 2
    print(f"{report.rows} rows written to {report.directory} ({fmt})")
    if report.superseded:
        print(
            f"{report.superseded} older versions of articles left out (--all-versions keeps them)"
        )
    for bad in report.bad[:SHOWN_BAD_LINES]:
        print(f"refused: {bad}", file=sys.stderr)
    if len(report.bad) > SHOWN_BAD_LINES:
        print(f"... {len(report.bad)} refused lines in all, see _export.json", file=sys.stderr)
    if report.bad:
        print(f"{len(report.bad)} lines refused: no row for them", file=sys.stderr)
    return 1 if report.bad else 0
