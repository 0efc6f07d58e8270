"""Redirect loops and over-long redirect chains end as reported failures, never silently.

Scrapy's RedirectMiddleware drops a request past ``REDIRECT_MAX_TIMES`` with a DEBUG line,
and a loop (A → B → A) never reaches that limit: the request for A again is filtered as a
duplicate by the scheduler, at DEBUG too, so the page is lost without a word. Here both end
as an ``IgnoreRequest`` subclass that reaches the request's errback (the spider's
``on_error`` records it for the run report and the next run) with the chain in its message.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from scrapy.exceptions import IgnoreRequest

from archiver.downloadermiddlewares.redirect import RedirectMiddleware

if TYPE_CHECKING:
    from scrapy import Request

logger = logging.getLogger(__name__)


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already in the request's redirect chain."""


class TooManyRedirects(IgnoreRequest):
    """A redirect chain longer than ``REDIRECT_MAX_TIMES``."""


class BoundedRedirectMiddleware(RedirectMiddleware):
    """The site-bound RedirectMiddleware (settings ``REDIRECT_ENABLED``,
    ``REDIRECT_MAX_TIMES``, ``REDIRECT_PRIORITY_ADJUST``), with loops and over-long chains
    logged at WARNING, counted (``archiver/redirects/loop``, ``archiver/redirects/
    max_reached``) and raised as ``RedirectLoop`` / ``TooManyRedirects``."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        path = " → ".join([*chain, redirected.url])
        if urldefrag(redirected.url)[0] in {urldefrag(url)[0] for url in chain}:
            self._inc("archiver/redirects/loop")
            logger.warning("Redirect loop, not followed: %s", path)
            raise RedirectLoop(f"redirect loop: {path}")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest:  # Scrapy's "max redirections reached", logged at DEBUG
            self._inc("archiver/redirects/max_reached")
            limit = self.max_redirect_times
            logger.warning("More than %d redirects (REDIRECT_MAX_TIMES): %s", limit, path)
            raise TooManyRedirects(f"more than {limit} redirects: {path}") from None

    def _inc(self, key: str) -> None:
        stats = getattr(self.crawler, "stats", None)
        if stats is not None:
            stats.inc_value(key)
