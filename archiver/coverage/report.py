"""``archiver coverage OUTPUT``: the coverage report, as JSON and as a Markdown page with
its plot, under the output's ``reports/`` (``coverage.json``, ``coverage.md``,
``coverage.png``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archiver.coverage.counts import MEASURES, UNKNOWN_MONTH, Coverage, measure
from archiver.coverage.gaps import gap_runs, gaps
from archiver.coverage.plot import plot
from archiver.files import write_atomically
from archiver.layout import OutputLayout


def summary(coverage: Coverage) -> dict[str, Any]:
    """The report as JSON data."""
    cells = [
        {"month": month, "section": section, **{name: counts[name] for name in MEASURES}}
        for (month, section), counts in sorted(coverage.cells.items())
    ]
    by_section = {
        section: gap_runs(gaps(m for (m, s) in coverage.cells if s == section and _dated(m)))
        for section in coverage.sections()
    }
    months = coverage.months()
    return {
        "totals": dict(coverage.totals()),
        "discovery": dict(sorted(coverage.discovery.items())),
        "months": {"first": months[0] if months else None, "last": months[-1] if months else None},
        "gaps": gap_runs(gaps(months)),
        "section_gaps": {section: runs for section, runs in by_section.items() if runs},
        "unreadable_lines": coverage.unreadable_lines,
        "cells": cells,
    }


def _dated(month: str) -> bool:
    return month != UNKNOWN_MONTH


def write_report(output: Path) -> dict[str, Any]:
    """Measure ``output`` and write its three report files; the summary."""
    layout = OutputLayout(output)
    coverage = measure(output)
    data = summary(coverage)
    plot(coverage, layout.coverage_plot)
    write_atomically(layout.coverage_json, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_atomically(layout.coverage_page, markdown(data, layout.coverage_plot.name))
    return data


def markdown(data: dict[str, Any], plot_name: str) -> str:
    """The report as a Markdown page."""
    totals, discovery = data["totals"], data["discovery"]
    names = [name.replace("_", " ") for name in MEASURES]  # the per-cell table's columns
    lines = [
        "# Coverage",
        "",
        f"![archived articles per month, by section]({plot_name})",
        "",
        "| " + " | ".join(MEASURES) + " |",
        "|" + "---|" * len(MEASURES),
        "| " + " | ".join(str(totals[name]) for name in MEASURES) + " |",
        "",
        "Seen in: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in discovery.items()),
        "",
        f"Months: {data['months']['first']} to {data['months']['last']}.",
        "Gaps (no article at all): " + (", ".join(data["gaps"]) or "none"),
        "",
        "## By month and section (" + " / ".join(names) + ")",
        "",
        "| month | section | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for cell in data["cells"]:
        values = " | ".join(str(cell[name]) for name in MEASURES)
        lines.append(f"| {cell['month']} | {cell['section']} | {values} |")
    lines += ["", "## Gaps by section", ""]
    for section, runs in data["section_gaps"].items():
        lines.append(f"- {section}: {', '.join(runs)}")
    return "\n".join(lines) + "\n"


def run_coverage(output: Path) -> int:
    """The body of ``archiver coverage``: exit 2 if ``output`` is no output root."""
    layout = OutputLayout(output)
    if not layout.jsonl.is_dir() and not layout.state_db.is_file():
        print(f"archiver coverage: {output} has no jsonl/ nor state: name an output root")
        return 2
    data = write_report(output)
    totals = data["totals"]
    print(", ".join(f"{name} {totals[name]}" for name in MEASURES))
    print(f"gaps: {', '.join(data['gaps']) or 'none'}")
    print(f"written: {layout.coverage_json}, {layout.coverage_page}, {layout.coverage_plot}")
    return 0
