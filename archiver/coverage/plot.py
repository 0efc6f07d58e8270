"""The coverage plot: archived articles per month, stacked by section (matplotlib, PNG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display: before pyplot is imported

import matplotlib.pyplot as plt

from archiver.coverage.counts import Coverage
from archiver.coverage.gaps import month_range


def plot(coverage: Coverage, path: Path) -> None:
    """Write the stacked bar chart of archived articles per month to ``path`` (PNG)."""
    present = coverage.months()
    months = month_range(present[0], present[-1]) if present else []
    figure, axes = plt.subplots(figsize=(12, 4.5), dpi=100)
    bottom = [0] * len(months)
    for section in coverage.sections():
        heights = [_archived(coverage, month, section) for month in months]
        if any(heights):
            axes.bar(range(len(months)), heights, bottom=bottom, width=1.0, label=section)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    seen = [_seen(coverage, month) for month in months]
    if any(seen):
        axes.step(range(len(months)), seen, where="mid", color="black", lw=0.8, label="seen")
    ticks = [i for i, month in enumerate(months) if month.endswith("-01")] or [0]
    axes.set_xticks(ticks, [months[i][:4] for i in ticks] if months else [""])
    axes.set_ylabel("articles per month")
    axes.set_title("Archived articles per month, by section")
    axes.legend(fontsize="small", ncols=2, loc="upper left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    plt.close(figure)


def _archived(coverage: Coverage, month: str, section: str) -> int:
    cell = coverage.cells.get((month, section))
    return cell["archived"] if cell else 0


def _seen(coverage: Coverage, month: str) -> int:
    return sum(counts["seen"] for (m, _), counts in coverage.cells.items() if m == month)
