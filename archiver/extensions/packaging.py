"""The Scrapy extension that packages the archive as WACZ when a run finishes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from archiver import config
from archiver.layout import OutputLayout
from archiver.wacz import DEFAULT_NAME, write_wacz

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class WaczPackageExtension:
    """Rewrites ``packages/archive.wacz`` (``archiver.wacz``) after every finished run.

    Settings: ``ARCHIVE_WACZ_AT_END`` (off by default: packaging copies the whole archive),
    ``ARCHIVE_OUTPUT_DIR``. Only a run that finished (not one stopped by a signal or an
    error) packages: the next finished run catches up. After the CDXJ extension in
    EXTENSIONS, so the indexes are merged first. A failure is logged and counted
    (``archiver/wacz/errors``), never fatal: the WARCs and records are safe already.
    """

    def __init__(self, crawler: Crawler, layout: OutputLayout) -> None:
        self.crawler = crawler
        self.layout = layout

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not config.getbool(crawler.settings, "ARCHIVE_WACZ_AT_END"):
            raise NotConfigured("ARCHIVE_WACZ_AT_END is False")
        extension = cls(crawler, OutputLayout.from_settings(crawler.settings))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason != "finished":
            logger.info("No WACZ written: the run ended with %r, not 'finished'", reason)
            return
        try:
            report = write_wacz(self.layout.root, self.layout.packages / DEFAULT_NAME)
        except Exception:
            logger.exception("Could not write the WACZ package; `archiver wacz` retries")
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/wacz/errors")
            return
        logger.info("Packaged the archive: %s", ", ".join(map(str, report.packages)))
