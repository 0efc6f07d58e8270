"""The output directory's layout: the one place that names its files and folders.

An output root (``ARCHIVE_OUTPUT_DIR``) outlives every run and holds:

| path | what |
|---|---|
| ``warc/`` | WARC files, ``NAME.warc.gz`` (``.open`` while written) |
| ``jsonl/`` | the dataset, one ``.jsonl`` file per run (``.open`` while written) |
| ``state.sqlite3`` | the crawl state: what is archived, what failed, walks |
| ``frontier/`` | a run's scratch files (the seen-set of its requests) |
| ``reports/`` | one ``<run id>.json`` report per run |
| ``indexes/`` | CDXJ indexes of the WARC files |
| ``packages/`` | WACZ packages made from the archive |
| ``exports/`` | ``archiver export``'s Parquet and CSV (``exports/parquet``, ``exports/csv``) |
| ``DATASET.md`` | the dataset card (``archiver card``) |
| ``.lock`` | held by the run writing to the root |

Pure: no Scrapy. Components build it with ``OutputLayout.from_settings(crawler.settings)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver import config

STATE_FILENAME = "state.sqlite3"
CARD_FILENAME = "DATASET.md"
LOCK_FILENAME = ".lock"


@dataclass(frozen=True, slots=True)
class OutputLayout:
    """Where each part of an archive lives under its output root."""

    root: Path

    @classmethod
    def from_settings(cls, settings: Any) -> OutputLayout:
        """The layout under ``ARCHIVE_OUTPUT_DIR``."""
        return cls(Path(config.get(settings, "ARCHIVE_OUTPUT_DIR")))

    @property
    def warc(self) -> Path:
        return self.root / "warc"

    @property
    def jsonl(self) -> Path:
        return self.root / "jsonl"

    @property
    def state_db(self) -> Path:
        return self.root / STATE_FILENAME

    @property
    def frontier(self) -> Path:
        return self.root / "frontier"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def indexes(self) -> Path:
        return self.root / "indexes"

    @property
    def packages(self) -> Path:
        return self.root / "packages"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    def export_dir(self, fmt: str) -> Path:
        """Where ``archiver export --format fmt`` writes by default."""
        return self.exports / fmt

    @property
    def card(self) -> Path:
        return self.root / CARD_FILENAME

    @property
    def coverage_json(self) -> Path:
        return self.reports / "coverage.json"

    @property
    def coverage_page(self) -> Path:
        return self.reports / "coverage.md"

    @property
    def coverage_plot(self) -> Path:
        return self.reports / "coverage.png"

    @property
    def lock(self) -> Path:
        return self.root / LOCK_FILENAME
