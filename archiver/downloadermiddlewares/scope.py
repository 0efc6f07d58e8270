"""Keep the crawl on one site: exactly the spider's scheme, host and port.

Scrapy's OffsiteMiddleware matches host names only (any port, any subdomain) and lets
``dont_filter`` requests through, which include redirects of start requests. An archive of
one site must never fetch anything else, so this middleware checks every request that
reaches the downloader, redirects and robots.txt included, against ``spider.site``
(``scheme://host:port``): another host, another loopback address, another port, a
link-local or private address, ``localhost`` for ``127.0.0.1``, or any scheme but the
site's is refused here, before a connection is made. So is an absurdly long URL.

Page requisites (``archiver.spiders.requisites``) may also come from the origins named in
``ARCHIVE_REQUISITE_HOSTS``: a request marked as a requisite (its meta, kept by redirects
and retries) may reach them, and so may robots.txt there; nothing else may.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from archiver.meta import REQUISITE_META_KEY
from archiver.urls import site_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

REFUSED_KEY = "archiver/scope/refused"  # stats: requests refused, out of scope
TOO_LONG_KEY = "archiver/scope/too_long"  # stats: requests refused, URL over URLLENGTH_LIMIT


class ScopeMiddleware:
    """Refuse (IgnoreRequest, counted, one WARNING per foreign site) every request outside
    the spider's ``site``, and every request whose URL is longer than ``URLLENGTH_LIMIT``
    (Scrapy's setting, default 2083; 0: no limit). A spider without a ``site`` attribute is
    not restricted by site."""

    def __init__(self, crawler: Crawler, max_length: int) -> None:
        self.crawler = crawler
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        self.max_length = max_length
        self._warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler, crawler.settings.getint("URLLENGTH_LIMIT"))

    def process_request(self, request: Request) -> None:
        if self.max_length and len(request.url) > self.max_length:
            self.stats.inc_value(TOO_LONG_KEY)
            self._warn_once(
                "too long",
                "Refused a URL of %d characters (URLLENGTH_LIMIT %d): %.200s...",
                len(request.url),
                self.max_length,
                request.url,
            )
            raise IgnoreRequest(f"URL longer than {self.max_length} characters")
        site = getattr(self.crawler.spider, "site", None)
        if site is None or site_key(request.url) == site_key(site):
            return
        if _requisite_allowed(self.crawler.spider, request):
            return
        self.stats.inc_value(REFUSED_KEY)
        self._warn_once(
            site_key(request.url) or request.url[:200],
            "Refused out-of-scope URL %.200s (the crawl stays on %s)",
            request.url,
            site,
        )
        raise IgnoreRequest(f"out of scope: {request.url[:200]}")

    def _warn_once(self, key: str, message: str, *args: object) -> None:
        if key not in self._warned:
            self._warned.add(key)
            logger.warning(message, *args)


def _requisite_allowed(spider: object, request: Request) -> bool:
    """A requisite (or robots.txt) on an origin of ARCHIVE_REQUISITE_HOSTS."""
    requisites = getattr(spider, "requisites", None)
    if requisites is None or site_key(request.url) not in requisites.scopes:
        return False
    return REQUISITE_META_KEY in request.meta or urlsplit(request.url).path == "/robots.txt"
