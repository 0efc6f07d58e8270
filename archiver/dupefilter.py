"""A request dupefilter whose seen-set lives on disk, so memory stays flat on long crawls.

Scrapy's RFPDupeFilter keeps every request fingerprint of the run in a Python set. Here they
go to a throwaway SQLite table under ``<ARCHIVE_OUTPUT_DIR>/frontier/``, one file per run,
deleted when the run closes (and, if a killed run left one, when the next run starts: each
run re-discovers from the site root, and the state database says what is archived).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from archiver.layout import OutputLayout
from archiver.state import get_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.utils.request import RequestFingerprinterProtocol


class DiskDupeFilter(RFPDupeFilter):
    """RFPDupeFilter with the seen-set in SQLite. Settings: ``ARCHIVE_OUTPUT_DIR``,
    ``DUPEFILTER_DEBUG``."""

    def __init__(
        self, path: Path, *, debug: bool, fingerprinter: RequestFingerprinterProtocol
    ) -> None:
        super().__init__(None, debug, fingerprinter=fingerprinter)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob("seen-*.sqlite3*"):  # left by a killed run
            stale.unlink()
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        # A scratch table: no journal, no fsync; it is rebuilt from nothing every run. One
        # exclusive lock and one open transaction for the whole run: an insert then costs
        # ~2 µs instead of ~18 µs (a lock/unlock round of syscalls per autocommit insert);
        # pages past SQLite's cache (2 MB) spill to the file, so memory stays bounded.
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA locking_mode=EXCLUSIVE")
        self._db.execute("CREATE TABLE seen (fingerprint BLOB PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("BEGIN")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskDupeFilter:
        run_id = get_state(crawler).run_id
        return cls(
            OutputLayout.from_settings(crawler.settings).frontier / f"seen-{run_id}.sqlite3",
            debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    def request_seen(self, request: Request) -> bool:
        fingerprint = self._fingerprint(request)
        cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (fingerprint,))
        return cursor.rowcount == 0

    def close(self, reason: str) -> None:
        self._db.close()
        self.path.unlink(missing_ok=True)
        super().close(reason)
