"""Named gaps: months with no article between months that have some."""

from __future__ import annotations

from collections.abc import Iterable


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def gaps(months_with_articles: Iterable[str]) -> list[str]:
    """The months without articles strictly between the first and last that have some."""
    present = sorted(set(months_with_articles))
    if not present:
        return []
    return [month for month in month_range(present[0], present[-1]) if month not in present]


def gap_runs(missing: list[str]) -> list[str]:
    """Consecutive missing months joined: ``["2012-03", "2012-04..2012-06"]``."""
    runs: list[list[str]] = []
    for month in missing:
        if runs and month_range(runs[-1][-1], month)[1:] == [month]:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [run[0] if len(run) == 1 else f"{run[0]}..{run[-1]}" for run in runs]
