"""Scrapy's DepthMiddleware, made visible: a link dropped by ``DEPTH_LIMIT`` is a WARNING."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.depth import DepthMiddleware as ScrapyDepthMiddleware

logger = logging.getLogger(__name__)

IGNORED_KEY = "depth/request_ignored_count"  # Scrapy's stats key, read by the run report


class DepthMiddleware(ScrapyDepthMiddleware):
    """Scrapy's DepthMiddleware (settings ``DEPTH_LIMIT``, ``DEPTH_PRIORITY``,
    ``DEPTH_STATS_VERBOSE``); the first link it drops is logged at WARNING (Scrapy: DEBUG),
    as the sign of a crawler trap, and all are counted in ``depth/request_ignored_count``.

    The spider gives the next page of a listing ``depth_reset``: pagination is bounded per
    walk (``ARCHIVE_MAX_LISTING_PAGES``), so depth counts the other link hops only.
    """

    _warned = False

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        processed = super().get_processed_request(request, response)
        if processed is None and not self._warned:
            self._warned = True
            logger.warning(
                "Not following %s: deeper than DEPTH_LIMIT %d from %s (a crawler trap? "
                "further links this deep are dropped and counted in %s)",
                request.url,
                self.maxdepth,
                response.url if response is not None else "a start request",
                IGNORED_KEY,
            )
        return processed
