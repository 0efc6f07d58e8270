"""Item pipelines: validate each record, drop duplicates, store it durably as JSON Lines.

Order (settings.ITEM_PIPELINES): ValidatePipeline → DeduplicatePipeline → JsonlStorePipeline.
The store commits in batches: WARC sync, JSONL fsync, then the state database marks the
batch's articles archived. A run killed between commits loses no capture: the next run
repairs the leftover files and keeps every line whose capture is whole.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from archiver import config
from archiver.capture import get_writer
from archiver.capture.reader import open_record
from archiver.capture.recovery import repair_directory
from archiver.failures import FailureLedger
from archiver.items import ArticleRecord, WarcPointer
from archiver.jsonl import JsonlWriter, repair_leftovers
from archiver.layout import OutputLayout
from archiver.outcomes import (
    JSONL_ERRORS_KEY,
    JSONL_WRITE_ERROR,
    STATE_ERRORS_KEY,
    STATE_WRITE_ERROR,
)
from archiver.schema import RecordInvalid, validate_record
from archiver.state import CrawlState, get_state

logger = logging.getLogger(__name__)

_WRITE_ERRORS = (OSError, sqlite3.Error)


class ValidatePipeline:
    """Drops (and counts) a record that does not match the JSON Schema of its schema version
    (``archiver.schema``). Reads no settings."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleRecord) -> ArticleRecord:
        try:
            validate_record(item.to_dict())
        except RecordInvalid as exc:
            FailureLedger(self.crawler).invalid_record(item.url, str(exc))
            raise DropItem(f"Invalid record for {item.url}: {exc}") from exc
        return item


class DeduplicatePipeline:
    """Drops a record whose article is already archived, by this run or an earlier one
    (two URLs that redirect to one article); a re-check's new version (``version`` > 1)
    passes unless that version is archived or pending already. Reads no settings."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeduplicatePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleRecord) -> ArticleRecord:
        state = get_state(self.crawler)
        if item.version > 1:
            pending = item.url in state.uncommitted
            duplicate = pending or state.rechecks.current_version(item.url) >= item.version
        else:
            duplicate = state.is_archived_or_pending(item.url)
        if duplicate:
            self.crawler.stats.inc_value("archiver/records/duplicate")
            raise DropItem(f"Duplicate record for {item.url}", log_level="INFO")
        state.uncommitted.add(item.url)
        return item


class JsonlStorePipeline:
    """Writes records to ``<ARCHIVE_OUTPUT_DIR>/jsonl/<run id>.jsonl`` and commits them.

    Settings: ``ARCHIVE_OUTPUT_DIR``, ``ARCHIVE_COMMIT_ITEMS`` (records per commit),
    ``ARCHIVE_COMMIT_SECONDS`` (longest time a record waits for its commit).

    A write error (a full disk) stops the crawl with finish_reason ``jsonl_write_error`` (or
    ``state_write_error`` when the state database cannot commit) and leaves the file
    ``.open`` for the next run to repair: its lines are on disk, so the repair keeps those
    whose capture opens and marks them archived then.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.output = OutputLayout.from_settings(settings)
        self.commit_items = max(1, config.getint(settings, "ARCHIVE_COMMIT_ITEMS"))
        self.commit_seconds = config.getfloat(settings, "ARCHIVE_COMMIT_SECONDS")
        self.writer: JsonlWriter | None = None
        self.pending: list[dict[str, Any]] = []
        self.last_commit = time.monotonic()
        self.timer = task.LoopingCall(self.commit_if_due)
        self.failed = False  # after a write error nothing more is written or committed
        self._closing: Any = None  # keeps the close_spider Deferred alive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlStorePipeline:
        return cls(crawler)

    @property
    def state(self) -> CrawlState:
        return get_state(self.crawler)

    def open_spider(self) -> None:
        self.recover()
        self.writer = JsonlWriter(self.output.jsonl, f"ARCHIVER-{self.state.run_id}")
        self.timer.start(max(self.commit_seconds, 0.5), now=False)

    def process_item(self, item: ArticleRecord) -> ArticleRecord:
        assert self.writer is not None
        if self.failed:
            raise DropItem(f"Not stored after a JSONL write error: {item.url}")
        record = item.to_dict()
        try:
            self.writer.write(record)
            self.pending.append(record)
            if len(self.pending) >= self.commit_items:
                self.commit()
        except _WRITE_ERRORS as exc:
            self.fail(exc)
            raise DropItem(f"Could not store {item.url}: {exc}") from exc
        self.crawler.stats.inc_value("archiver/records/written")
        return item

    def close_spider(self) -> None:
        if self.timer.running:
            self.timer.stop()
        if self.writer is None:
            return
        try:
            if not self.failed:
                self.commit()
                self.writer.close()
        except _WRITE_ERRORS as exc:
            self.fail(exc, stop=False)  # the crawl is closing already
        if self.failed:
            self.writer.abandon()

    def commit_if_due(self) -> None:
        if self.failed or not self.pending:
            return
        if time.monotonic() - self.last_commit >= self.commit_seconds:
            try:
                self.commit()
            except _WRITE_ERRORS as exc:
                self.fail(exc)

    def fail(self, exc: OSError | sqlite3.Error, *, stop: bool = True) -> None:
        """A write error (a full disk): log it, count it, stop the crawl. Nothing uncommitted
        is marked archived; the next run repairs the ``.open`` file and fetches the rest."""
        if isinstance(exc, sqlite3.Error):
            # SQLITE_FULL ("database or disk is full") or an I/O error: its own reason and count.
            key, reason, where = STATE_ERRORS_KEY, STATE_WRITE_ERROR, "the state database"
        else:
            key, reason, where = JSONL_ERRORS_KEY, JSONL_WRITE_ERROR, str(self.output.jsonl)
        self.crawler.stats.inc_value(key)
        logger.error("Could not write to %s (%s); stopping the crawl", where, exc)
        already, self.failed = self.failed, True
        if stop and not already:
            engine = self.crawler.engine
            self._closing = deferred_from_coro(engine.close_spider_async(reason=reason))

    def commit(self) -> None:
        """Captures first, then records, then the state: each step only vouches for the
        ones before it."""
        self.last_commit = time.monotonic()
        if not self.pending or self.writer is None:
            return
        warc_writer = get_writer(self.crawler)
        if warc_writer is not None:
            warc_writer.sync()
        self.writer.sync()
        self.state.add_articles((record, self.writer.filename) for record in self.pending)
        self.pending.clear()

    # --- recovery after an interrupted run -------------------------------------------------

    def recover(self) -> None:
        """Repair what a killed run left: WARC files first (records point into them), then
        JSONL files, then tell the state about records that were written but not committed."""
        repair_directory(self.output.warc)
        repairs = repair_leftovers(self.output.jsonl, self.vouch_for)
        for repair in repairs:
            uncommitted = [r for r in repair.kept if not self.state.is_archived(r["url"])]
            self.state.add_articles((record, repair.path.name) for record in uncommitted)

    def vouch_for(self, jsonl_name: str, record: dict[str, Any]) -> bool:
        """Keep a leftover line if the state already has it from this very file, or if the
        state has no record of its article yet and its capture opens."""
        holder = self.state.jsonl_file_of(record.get("url", ""))
        if holder is not None:
            return holder == jsonl_name
        return self.capture_opens(record)

    def capture_opens(self, record: dict[str, Any]) -> bool:
        try:
            pointer = WarcPointer(**record["warc"])
            warc_record = open_record(self.output.warc, pointer)
            return bool(warc_record.rec_headers.get_header("WARC-Record-ID") == pointer.record_id)
        except (OSError, KeyError, TypeError, ValueError) as exc:
            logger.info("Dropping a leftover record whose capture does not open: %s", exc)
            return False
