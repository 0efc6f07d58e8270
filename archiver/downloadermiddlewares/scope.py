"""Keep the crawl on one site: exactly the spider's scheme, host and port.

Scrapy's OffsiteMiddleware matches host names only (any port, any subdomain) and lets
``dont_filter`` requests through, which include redirects of start requests. An archive of
one site must never fetch anything else, so this middleware checks every request that
reaches the downloader, redirects included, against ``spider.site`` (``scheme://host:port``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from archiver.urls import site_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class ScopeMiddleware:
    """Refuse (and count) requests outside the spider's ``site``. Reads no settings; a spider
    without a ``site`` attribute is not restricted."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        self._warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site = getattr(self.crawler.spider, "site", None)
        if site is None or site_key(request.url) == site_key(site):
            return
        self.stats.inc_value("archiver/scope/refused")
        key = site_key(request.url)
        if key not in self._warned:
            self._warned.add(key)
            logger.warning("Refused out-of-scope URL %s (the crawl stays on %s)", request.url, site)
        raise IgnoreRequest(f"out of scope: {request.url}")
