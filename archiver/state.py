"""The crawl-state database (SQLite in the output directory): what is archived, what failed.

One file, ``<ARCHIVE_OUTPUT_DIR>/state.sqlite3``, outlives every run: a later run asks it
which articles are already archived (so it neither re-fetches nor re-writes them), which
pages failed (so it retries them) and which category walks once reached their last page (so
an incremental run can stop paging at the first page with nothing new).

An article row is written only in the same commit that follows a WARC sync and a JSONL
fsync (see ``archiver.pipelines.JsonlStorePipeline``): a row here means its record and its
capture are on disk. What re-checks read and write is ``CrawlState.rechecks``
(``archiver.state_rechecks``).
"""

from __future__ import annotations

import secrets
import sqlite3
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver.layout import OutputLayout
from archiver.state_rechecks import RecheckState
from archiver.state_tables import (
    LISTING_UPSERT,
    POINTER_FIELDS,
    RECHECK_COUNTS,
    REQUISITE_CAPTURE,
    SCHEMA,
    SITEMAP_UPSERT,
    now,
    transaction,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


@dataclass(frozen=True, slots=True)
class Failure:
    """A page that could not be archived, as the run report lists it."""

    url: str
    kind: str
    status: int | None
    reason: str
    attempts: int


class CrawlState:
    """A thin, typed face on the state database; every write commits at once."""

    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id  # this run's id, stamped on every row it writes
        # Records passed to storage but not yet committed: bounded by the commit batch, so
        # the run's seen-set stays on disk (the articles table) and memory stays flat.
        self.uncommitted: set[str] = set()
        self._db = sqlite3.connect(path, isolation_level=None)
        # WAL: readers never block the writer; FULL: a commit survives power loss.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        # One transaction: page 1 is written once, not once per table (a new database's
        # WAL stays ~30 KB, as before the re-check tables; the full-disk tests rely on it).
        self._db.executescript(f"BEGIN;{SCHEMA}COMMIT;")
        self.rechecks = RecheckState(self._db, run_id)  # archiver crawl --recheck's tables

    def close(self) -> None:
        self._db.close()

    def is_archived(self, url: str) -> bool:
        row = self._db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone()
        return row is not None

    def archived_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def add_articles(self, records: Iterable[tuple[dict[str, Any], str]]) -> None:
        """Mark (record as written, jsonl file name) pairs archived and clear their failures,
        in one transaction."""
        pairs = list(records)
        rows = [_article_row(record, jsonl_file, self.run_id) for record, jsonl_file in pairs]
        newer = [
            (row, record["version"], record["supersedes"])
            for row, (record, _) in zip(rows, pairs, strict=True)
            if record.get("version", 1) > 1
        ]
        with transaction(self._db):
            self._db.executemany(
                "INSERT OR IGNORE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            self._db.executemany("DELETE FROM failures WHERE url = ?", [(r[0],) for r in rows])
            self.rechecks.add_versions(newer)
        self.uncommitted.difference_update(str(r[0]) for r in rows)

    def is_archived_or_pending(self, url: str) -> bool:
        """Archived by any run, or written by this one and awaiting its commit."""
        return url in self.uncommitted or self.is_archived(url)

    def jsonl_files(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT DISTINCT jsonl_file FROM articles")}

    def jsonl_file_of(self, url: str) -> str | None:
        """The JSONL file holding the article's record, or None if it is not archived."""
        row = self._db.execute("SELECT jsonl_file FROM articles WHERE url = ?", (url,)).fetchone()
        return None if row is None else str(row[0])

    def record_failure(self, url: str, *, kind: str, status: int | None, reason: str) -> None:
        self._db.execute(
            "INSERT INTO failures (url, kind, status, reason, run_id, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
            " kind = excluded.kind, status = excluded.status, reason = excluded.reason,"
            " run_id = excluded.run_id, last_seen = excluded.last_seen,"
            " attempts = failures.attempts + 1",
            (url, kind, status, reason, self.run_id, now()),
        )

    def clear_failure(self, url: str) -> None:
        self._db.execute("DELETE FROM failures WHERE url = ?", (url,))

    def failures(
        self, *, kinds: Iterable[str] | None = None, run_id: str | None = None
    ) -> Iterator[Failure]:
        """Pages still failed, of the given kinds; ``run_id``: only those that failed (last)
        in that run."""
        query = "SELECT url, kind, status, reason, attempts, run_id FROM failures ORDER BY url"
        for url, kind, status, reason, attempts, failed_in in self._db.execute(query).fetchall():
            if run_id is not None and failed_in != run_id:
                continue
            if kinds is None or kind in kinds:
                yield Failure(url, kind, status, reason, attempts)

    def add_discovered(self, rows: Iterable[tuple[str, str, str | None, str | None]]) -> None:
        """Note (url, "listing" or "sitemap", date, section or lastmod) of articles a listing
        or sitemap linked, in one transaction (``archiver.discovery`` builds the rows); what
        is known already is kept where the new row has nothing."""
        listing = [(u, d, s, self.run_id, now()) for u, src, d, s in rows if src == "listing"]
        sitemap = [(u, d, self.run_id, now()) for u, src, d, _ in rows if src == "sitemap"]
        with transaction(self._db):
            self._db.executemany(LISTING_UPSERT, listing)
            self._db.executemany(SITEMAP_UPSERT, sitemap)

    def walk_completed(self, listing: str) -> bool:
        row = self._db.execute("SELECT 1 FROM walks WHERE listing = ?", (listing,)).fetchone()
        return row is not None

    def mark_walk_completed(self, listing: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO walks VALUES (?, ?, ?)", (listing, self.run_id, now())
        )

    # --- page requisites (archiver.spiders.requisites) --------------------------------------

    def requisite_capture(self, url: str) -> dict[str, Any] | None:
        """The capture pointer of a requisite fetched by any run (the record's
        ``images[].capture``), or None if it was never captured."""
        return _requisite_capture(self._db, url)

    def add_requisite(
        self, url: str, status: int, capture: dict[str, Any], *, followed: bool = True
    ) -> None:
        """A requisite captured (``capture`` as ``requisite_capture`` gives it): never
        fetched again; its failure in an earlier run is forgotten. ``followed`` False: a
        stylesheet whose references are yet to be fetched (``mark_requisite_followed``)."""
        with transaction(self._db):
            self._db.execute(
                "INSERT OR REPLACE INTO requisites VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    url,
                    status,
                    capture["filename"],
                    capture["offset"],
                    capture["length"],
                    capture["record_id"],
                    capture["payload_digest"],
                    self.run_id,
                    int(followed),
                ),
            )
            self._db.execute("DELETE FROM failures WHERE url = ?", (url,))

    def requisite_followed(self, url: str) -> bool:
        row = self._db.execute("SELECT followed FROM requisites WHERE url = ?", (url,)).fetchone()
        return row is None or bool(row[0])

    def mark_requisite_followed(self, url: str) -> None:
        self._db.execute("UPDATE requisites SET followed = 1 WHERE url = ?", (url,))

    def claim_requisite(self, url: str, warc_filename: str, warc_offset: int) -> None:
        """A requisite about to be fetched, and where the WARC output stands: a run killed
        before ``add_requisite`` or ``release_requisite`` leaves the claim for the next run
        to look its capture up (``requisite_claims``), so nothing is captured twice."""
        self._db.execute(
            "INSERT OR REPLACE INTO requisites VALUES (?, 0, ?, ?, 0, '', '', ?, 0)",
            (url, warc_filename, warc_offset, self.run_id),
        )

    def release_requisite(self, url: str) -> None:
        self._db.execute("DELETE FROM requisites WHERE url = ? AND status = 0", (url,))

    def requisite_claims(self) -> list[tuple[str, str, int]]:
        """(url, WARC file name, offset) of each claim an earlier run left."""
        rows = self._db.execute(
            "SELECT url, warc_filename, warc_offset FROM requisites"
            " WHERE status = 0 AND run_id != ?",
            (self.run_id,),
        ).fetchall()
        return [(str(url), str(name), int(offset)) for url, name, offset in rows]

    def failed_in_this_run(self, url: str) -> bool:
        """True if ``url`` failed in this very run (so it is not asked for again until the
        next run)."""
        row = self._db.execute("SELECT run_id FROM failures WHERE url = ?", (url,)).fetchone()
        return row is not None and row[0] == self.run_id

    def requisite_count(self) -> int:
        query = "SELECT count(*) FROM requisites WHERE status != 0"
        return int(self._db.execute(query).fetchone()[0])


def _article_row(record: dict[str, Any], jsonl_file: str, run_id: str) -> tuple[object, ...]:
    warc = record["warc"]
    return (
        record["url"],
        record["post_id"],
        jsonl_file,
        warc["filename"],
        warc["offset"],
        warc["length"],
        warc["record_id"],
        record["payload_digest"],
        record["fetched_at"],
        run_id,
    )


class StateReader:
    """An output's state database opened read-only, for a job beside the crawl (a re-parse):
    it never writes, never creates the file, and reads a state older than a table as empty."""

    def __init__(self, path: Path) -> None:
        self._db = None
        if path.exists():
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def requisite_capture(self, url: str) -> dict[str, Any] | None:
        """As ``CrawlState.requisite_capture``; None also for a state from before requisites."""
        if self._db is None:
            return None
        try:
            return _requisite_capture(self._db, url)
        except sqlite3.OperationalError:  # no requisites table yet
            return None

    def recheck_counts(self) -> dict[str, int]:
        """Archived articles re-checked at least once and found changed (a later version);
        zeros for a state from before re-checks. (Withdrawn ones: ``archiver.coverage``.)"""
        counts = {"rechecked": 0, "changed": 0}
        if self._db is None:
            return counts
        try:
            row = self._db.execute(RECHECK_COUNTS).fetchone()
        except sqlite3.OperationalError:  # no checks or versions table yet
            return counts
        return dict(zip(counts, map(int, row), strict=True))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _requisite_capture(db: sqlite3.Connection, url: str) -> dict[str, Any] | None:
    row = db.execute(REQUISITE_CAPTURE, (url,)).fetchone()
    return None if row is None else dict(zip(POINTER_FIELDS, row, strict=True))


def new_run_id() -> str:
    """A sortable, unique run id: 17-digit UTC timestamp and a random token."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
    return f"{stamp}-{secrets.token_hex(4)}"


_STATES: weakref.WeakKeyDictionary[Crawler, CrawlState] = weakref.WeakKeyDictionary()


def get_state(crawler: Crawler) -> CrawlState:
    """The crawl's one CrawlState, opened on first use under ARCHIVE_OUTPUT_DIR."""
    state = _STATES.get(crawler)
    if state is None:
        layout = OutputLayout.from_settings(crawler.settings)
        layout.root.mkdir(parents=True, exist_ok=True)
        state = _STATES[crawler] = CrawlState(layout.state_db, new_run_id())
    return state
