"""Redirects that stay on the site: Scrapy's redirect middlewares, refusing to leave it.

Scrapy's RedirectMiddleware follows a 3xx to any http(s) URL (it already declines other
schemes: a redirect to ``file:``, ``data:`` or ``ftp:`` comes back as the 3xx response) and
the new request skips the duplicate filter when its source did. Here a redirect out of the
spider's ``site`` (another host, port or scheme) is not followed either: the 3xx response
goes back to the spider, whose errback records the page that redirected as failed ("HTTP
302"), so the run report names the page on the site, not the foreign URL.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware,
)
from scrapy.downloadermiddlewares.redirect import (
    RedirectMiddleware as ScrapyRedirectMiddleware,
)
from scrapy.http import Response

from archiver.urls import site_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REFUSED_REDIRECTS_KEY = "archiver/scope/redirects_refused"  # stats: redirects not followed


class _ScopedRedirect:
    """Mixed into Scrapy's redirect middlewares: their result, unless it leaves the site."""

    crawler: Crawler

    def _in_scope(self, request: Request, response: Response, result: Request | Response) -> bool:
        site = getattr(self.crawler.spider, "site", None)
        if isinstance(result, Request):
            target: str | None = result.url
        else:  # Scrapy declined it: count a 3xx whose Location is not http(s)
            location = response.headers.get(b"Location") if 300 <= response.status < 400 else None
            target = urljoin(request.url, location.decode("latin-1")) if location else None
            if target is None or urlsplit(target).scheme in ("http", "https"):
                return True
        if site is not None and target is not None and site_key(target) == site_key(site):
            return True
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(REFUSED_REDIRECTS_KEY)
        logger.warning(
            "Not following the redirect of %s to %.200s: outside the crawl's site %s",
            request.url,
            target,
            site,
        )
        return False


class RedirectMiddleware(_ScopedRedirect, ScrapyRedirectMiddleware):
    """Scrapy's RedirectMiddleware (``REDIRECT_*`` settings) that never leaves the spider's
    ``site``: an out-of-scope or non-http(s) Location is counted
    (``archiver/scope/redirects_refused``), logged at WARNING, and the 3xx response returned."""

    def process_response(  # type: ignore[override]  # Scrapy 2.19: no spider argument
        self, request: Request, response: Response
    ) -> Request | Response:
        result = super().process_response(request, response)
        return result if self._in_scope(request, response, result) else response


# Scrapy looks for a <meta http-equiv=refresh> in a page's first 4,096 characters, after
# detecting its encoding and decoding it (~55 us a page). In an ASCII-compatible encoding
# those characters take at most 4 bytes each, and the word "refresh" in them is the same
# ASCII bytes: a page whose first 16 KiB hold no "refresh" (ASCII case-insensitive, as
# browsers match http-equiv) and no NUL byte (UTF-16/32 text has one in every ASCII
# character) declares no refresh there, which takes ~12 us to know (a case-insensitive
# regular expression takes 20 times longer than lower() and two substring searches).
_REFRESH_SCAN = 4 * 4096


def may_refresh(body: bytes) -> bool:
    """False if Scrapy's meta-refresh scan cannot find a refresh in this page."""
    head = body[:_REFRESH_SCAN]
    return b"\x00" in head or b"refresh" in head.lower()


class MetaRefreshMiddleware(_ScopedRedirect, ScrapyMetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware (``METAREFRESH_*`` settings) that never leaves the
    spider's ``site``, like ``RedirectMiddleware`` here, and skips its scan on a page that
    cannot hold a refresh (``may_refresh``)."""

    def process_response(  # type: ignore[override]  # Scrapy 2.19: no spider argument
        self, request: Request, response: Response
    ) -> Request | Response:
        if not may_refresh(response.body):
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request) and not self._in_scope(request, response, result):
            return response
        return result
