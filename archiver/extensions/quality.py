"""The quality monitor: field fill rates of every run, judged against settings and history.

A layout change on the site does not fail a page: the parser still finds a headline and a
body, and writes records that lack their byline, date or tags. So each run counts, over the
records it wrote, the share that have a date, a byline, tags, a dateline, images and a text
of at least ``ARCHIVE_QUALITY_MIN_WORDS`` words, and puts them in its run report
(``quality``). A share below its floor is a WARNING naming the field with example URLs, and
the run exits ``exitcodes.QUALITY_LOW`` (6), so cron notices on the first night. The floor
of a field is the larger of its threshold in settings and what the archive's own history
says: its median over the last ``ARCHIVE_QUALITY_HISTORY_RUNS`` judged runs in ``reports/``,
times ``1 - ARCHIVE_QUALITY_HISTORY_DROP``. A run with fewer than
``ARCHIVE_QUALITY_MIN_RECORDS`` new records is reported, not judged (a nightly run adding
three articles says nothing about the layout).

Settings: ``ARCHIVE_QUALITY_ENABLED``, ``ARCHIVE_QUALITY_THRESHOLDS`` (field → share, merged
over the defaults), ``ARCHIVE_QUALITY_MIN_WORDS``, ``ARCHIVE_QUALITY_MIN_RECORDS``,
``ARCHIVE_QUALITY_HISTORY_RUNS``, ``ARCHIVE_QUALITY_HISTORY_DROP``, ``ARCHIVE_OUTPUT_DIR``.
"""

from __future__ import annotations

import json
import logging
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archiver import config
from archiver.exitcodes import QUALITY_LOW_KEY
from archiver.layout import OutputLayout
from archiver.state import get_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATS_KEY = "archiver/quality"  # the report's "quality" section, as stats hold it
LOW_FIELDS_KEY = QUALITY_LOW_KEY  # fields below their floor: exit code 6
EXAMPLES = 5  # URLs of records lacking a field, per field
FIELDS = ("published", "byline", "tags", "dateline", "images", "text")


def checks(min_words: int) -> dict[str, Callable[[Any], bool]]:
    """What "has the field" means for each monitored field of an ArticleRecord."""
    return {
        "published": lambda r: r.published is not None,
        "byline": lambda r: r.byline is not None,
        "tags": lambda r: bool(r.tags),
        "dateline": lambda r: r.dateline is not None,
        "images": lambda r: bool(r.images),
        "text": lambda r: r.word_count >= min_words,
    }


class QualityMonitorExtension:
    """Counts the fields of each record written; judges the shares when the run closes."""

    def __init__(self, crawler: Crawler, thresholds: dict[str, float], reports: Path) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.thresholds = thresholds
        self.reports = reports
        self.min_words = config.getint(settings, "ARCHIVE_QUALITY_MIN_WORDS")
        self.min_records = config.getint(settings, "ARCHIVE_QUALITY_MIN_RECORDS")
        self.history_runs = config.getint(settings, "ARCHIVE_QUALITY_HISTORY_RUNS")
        self.history_drop = config.getfloat(settings, "ARCHIVE_QUALITY_HISTORY_DROP")
        self.checks = checks(self.min_words)
        self.records = 0
        self.filled: Counter[str] = Counter()
        self.missing: dict[str, list[str]] = {name: [] for name in FIELDS}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not config.getbool(settings, "ARCHIVE_QUALITY_ENABLED"):
            raise NotConfigured("ARCHIVE_QUALITY_ENABLED is False")
        thresholds = read_thresholds(settings)
        extension = cls(crawler, thresholds, OutputLayout.from_settings(settings).reports)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_scraped(self, item: Any) -> None:
        """A record that passed every pipeline (so was written)."""
        self.records += 1
        for name, check in self.checks.items():
            if check(item):
                self.filled[name] += 1
            elif len(self.missing[name]) < EXAMPLES:
                self.missing[name].append(item.url)

    def spider_closed(self) -> None:
        summary = self.summary(history_rates(self.reports, self.run_id(), self.history_runs))
        low = [row["field"] for row in summary["below"]]
        for row in summary["below"]:
            logger.warning(
                "Quality: only %.1f%% of the %d records of this run have %s (floor %.1f%%: %s);"
                " the page layout may have changed. Records without it: %s",
                100 * row["rate"], self.records, _meaning(row["field"], self.min_words),
                100 * row["floor"], row["why"], ", ".join(row["examples"]) or "none",
            )  # fmt: skip
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(STATS_KEY, summary)
            self.crawler.stats.set_value(LOW_FIELDS_KEY, low)

    def run_id(self) -> str:
        return get_state(self.crawler).run_id

    def summary(self, history: dict[str, list[float]]) -> dict[str, Any]:
        """The report's ``quality`` section: rates, floors and the fields below them."""
        rates = {
            name: self.filled[name] / self.records if self.records else None for name in FIELDS
        }
        judged = self.records >= self.min_records
        below = []
        for name in FIELDS:
            floor, why = self.floor(name, history.get(name, []))
            rate = rates[name]
            if judged and rate is not None and rate < floor:
                below.append(
                    {"field": name, "rate": rate, "floor": floor, "why": why,
                     "examples": list(self.missing[name])}
                )  # fmt: skip
        return {
            "records": self.records,
            "judged": judged,
            "min_words": self.min_words,
            "fill_rates": rates,
            "thresholds": dict(self.thresholds),
            "history_medians": {k: statistics.median(v) for k, v in history.items() if v},
            "below": below,
        }

    def floor(self, name: str, history: list[float]) -> tuple[float, str]:
        """The share a field must reach, and where that floor comes from."""
        threshold = self.thresholds.get(name, 0.0)
        if not history:
            return threshold, f"threshold {threshold:.2f}"
        median = statistics.median(history)
        learnt = median * (1 - self.history_drop)
        if learnt > threshold:
            return learnt, f"{len(history)} earlier runs' median {median:.2f} less the allowed drop"
        return threshold, f"threshold {threshold:.2f}"


def read_thresholds(settings: Any) -> dict[str, float]:
    """``ARCHIVE_QUALITY_THRESHOLDS`` over the defaults; a bad one fails with the fix."""
    name = "ARCHIVE_QUALITY_THRESHOLDS"
    given = settings.getdict(name) if settings.get(name) is not None else {}
    merged = {**config.default(name), **given}
    for field, value in merged.items():
        if field not in FIELDS:
            raise ValueError(f"{name}: unknown field {field!r}; use one of {', '.join(FIELDS)}")
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"{name}: {field} must be a share from 0 to 1, not {value!r}")
    return {field: float(value) for field, value in merged.items()}


def history_rates(reports: Path, current: str | None, runs: int) -> dict[str, list[float]]:
    """Each field's fill rates in the last ``runs`` judged runs' reports, oldest first."""
    found: list[dict[str, Any]] = []
    for path in sorted(reports.glob("*.json")) if reports.is_dir() else []:
        if path.stem == current:
            continue
        quality = _quality_of(path)
        if quality is not None and quality.get("judged"):
            found.append(quality.get("fill_rates") or {})
    recent = found[-runs:] if runs > 0 else []
    return {
        name: [r[name] for r in recent if isinstance(r.get(name), int | float)] for name in FIELDS
    }


def _quality_of(path: Path) -> dict[str, Any] | None:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a report from another version or a broken file: no history
    quality = report.get("quality") if isinstance(report, dict) else None
    return quality if isinstance(quality, dict) else None


def _meaning(field: str, min_words: int) -> str:
    return {
        "published": "a publication date",
        "byline": "a byline",
        "tags": "tags",
        "dateline": "a dateline",
        "images": "images",
        "text": f"a text of at least {min_words} words",
    }[field]
