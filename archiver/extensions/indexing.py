"""The Scrapy extension that keeps the CDXJ indexes (``archiver.indexes``) up to date.

Each WARC file is indexed once the writer has closed and renamed it, in a thread beside the
reactor (reading back a 1 GB file takes seconds); the merged index is rebuilt when the crawl
ends. At the start, after the WARC extension's repair, every closed file without an index (a
killed run's, an older archive's) gets one.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from archiver import config, indexes
from archiver.capture.extension import get_writer
from archiver.layout import OutputLayout

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class CdxjIndexExtension:
    """Writes ``indexes/NAME.cdxj`` for every closed WARC and ``indexes/index.cdxj``.

    Settings: ``ARCHIVE_CDXJ_ENABLED`` (False switches it off), ``ARCHIVE_OUTPUT_DIR``. Off
    too when the WARC extension is. Placed after it in EXTENSIONS: Scrapy calls signal
    handlers in the order they connected, so the repair runs before ``spider_opened`` here
    and the last file is closed before ``spider_closed`` here.

    Stats: ``archiver/cdxj/files`` (indexes written), ``archiver/cdxj/errors``.
    """

    def __init__(self, crawler: Crawler, layout: OutputLayout) -> None:
        self.crawler = crawler
        self.layout = layout
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdxj")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not config.getbool(crawler.settings, "ARCHIVE_CDXJ_ENABLED"):
            raise NotConfigured("ARCHIVE_CDXJ_ENABLED is False")
        if not config.getbool(crawler.settings, "ARCHIVE_WARC_ENABLED"):
            raise NotConfigured("no WARC writer (ARCHIVE_WARC_ENABLED is False)")
        extension = cls(crawler, OutputLayout.from_settings(crawler.settings))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        # The writer is reachable only once every extension is built: hook it here, before
        # the first response.
        writer = get_writer(self.crawler)
        if writer is not None:
            writer.on_close = self.file_closed
        indexes.remove_leftovers(self.layout.indexes)  # this run holds the output's lock
        self._ensure()

    def file_closed(self, path: Path) -> None:
        """The writer closed a file: index it in the background."""
        self._pool.submit(self._index, path)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Wait for the indexes of the files closed during the run, then merge."""
        self._pool.shutdown(wait=True)
        self._ensure()

    def _index(self, path: Path) -> None:
        try:
            indexes.index_warc(path, self.layout.indexes)
        except Exception:  # an index can be rebuilt (`archiver index`): never stop the crawl
            logger.exception("Could not index %s; `archiver index` rebuilds it", path)
            self._inc("archiver/cdxj/errors")
        else:
            self._inc("archiver/cdxj/files")

    def _ensure(self) -> None:
        try:
            report = indexes.ensure_indexes(self.layout)
        except Exception:
            logger.exception("Could not update the CDXJ indexes in %s", self.layout.indexes)
            self._inc("archiver/cdxj/errors")
            return
        self._inc("archiver/cdxj/files", len(report.built))

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None and count:
            self.crawler.stats.inc_value(key, count)
