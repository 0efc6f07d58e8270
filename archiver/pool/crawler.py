"""The crawl's one worker pool: ``ARCHIVE_WORKERS`` processes, shared by the spider's parses
and the WARC capture's encoding, started at ``spider_opened`` and closed at
``spider_closed`` (after the engine waited for every callback and capture)."""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

from scrapy import signals

from archiver import config
from archiver.pool.pool import WorkerPool

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# The modules of the crawl's jobs: the page parsers and the WARC record encoding.
PRELOAD = ("archiver.parsers.extract", "archiver.capture.serialize")
_POOLS: weakref.WeakKeyDictionary[Crawler, WorkerPool] = weakref.WeakKeyDictionary()


def get_workers(crawler: Crawler) -> WorkerPool:
    """The crawl's pool, made on first use."""
    pool = _POOLS.get(crawler)
    if pool is None:
        pool = _POOLS[crawler] = WorkerPool(_worker_count(crawler), preload=PRELOAD)
        crawler.signals.connect(pool.start, signal=signals.spider_opened)
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
    return pool


def _worker_count(crawler: Crawler) -> int:
    """``ARCHIVE_WORKERS``, or the older name ``ARCHIVE_PARSE_WORKERS`` where a command line
    still sets it (with a WARNING): a cron line is not silently left without its workers."""
    settings = crawler.settings
    old = settings.getpriority("ARCHIVE_PARSE_WORKERS")
    if old is None:
        return config.getint(settings, "ARCHIVE_WORKERS")
    logger.warning("ARCHIVE_PARSE_WORKERS is now called ARCHIVE_WORKERS: please rename it")
    if old > (settings.getpriority("ARCHIVE_WORKERS") or 0):
        return settings.getint("ARCHIVE_PARSE_WORKERS")
    return config.getint(settings, "ARCHIVE_WORKERS")
