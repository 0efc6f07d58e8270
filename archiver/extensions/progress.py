"""A periodic progress line for long runs: rates, totals, queue size and an estimate."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archiver import config

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

PAGES_KEY = "downloader/response_count"
ARTICLES_KEY = "archiver/records/written"


class ProgressExtension:
    """Logs, every ``ARCHIVE_PROGRESS_INTERVAL`` seconds (default 60; 0 switches it off),
    pages and articles per minute since the last line, the totals, the scheduler's queue
    size and how long that queue takes at the current rate (pages found later add to it)."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.last = (time.monotonic(), 0, 0)  # time, pages, articles at the last line
        self.timer = task.LoopingCall(self.log_progress)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = config.getfloat(crawler.settings, "ARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("ARCHIVE_PROGRESS_INTERVAL is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.last = (time.monotonic(), 0, 0)
        self.timer.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.timer.running:
            self.timer.stop()

    def log_progress(self) -> None:
        stats = self.crawler.stats
        pages = int(stats.get_value(PAGES_KEY, 0)) if stats else 0
        articles = int(stats.get_value(ARTICLES_KEY, 0)) if stats else 0
        now, last_pages, last_articles = self.last
        minutes = max(time.monotonic() - now, 1e-6) / 60
        self.last = (time.monotonic(), pages, articles)
        page_rate = (pages - last_pages) / minutes
        queued = self.queue_size()
        logger.info(
            "Progress: %.1f pages/min, %.1f articles/min; %d pages, %d new articles in all; "
            "%s queued; %s",
            page_rate,
            (articles - last_articles) / minutes,
            pages,
            articles,
            "?" if queued is None else queued,
            _estimate(queued, page_rate),
        )

    def queue_size(self) -> int | None:
        engine = getattr(self.crawler, "engine", None)
        scheduler = getattr(engine, "scheduler", None)
        try:
            return len(scheduler)  # type: ignore[arg-type]
        except TypeError:  # no scheduler yet, or one without a length
            return None


def _estimate(queued: int | None, page_rate: float) -> str:
    if not queued or page_rate <= 0:
        return "no estimate yet"
    return f"the queue takes ~{queued / page_rate:.0f} min at this rate (more may be found)"
