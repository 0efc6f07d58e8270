"""robots.txt as RFC 9309 reads it: missing means allowed, unreachable means not now.

Scrapy's RobotsTxtMiddleware parses whatever body came back, so a 404 or 503 error page
counts as a robots.txt with no rules, and a robots.txt it could not fetch at all (a timeout,
a refused connection) allows everything too. RFC 9309 §2.3.1.3-4 says otherwise for the
second case: when robots.txt is unreachable (5xx, or no answer) a crawler must assume it
may be forbidden everything. An archival crawl can afford to wait for the next run.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from archiver.exceptions import ForbiddenByRobots, RobotsUnavailable
from archiver.failures import FailureLedger

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


class SiteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware (same settings: ``ROBOTSTXT_OBEY``, ``ROBOTSTXT_PARSER``,
    ``ROBOTSTXT_USER_AGENT``; robots.txt is retried as any request is), except that:

    - a 4xx robots.txt (404, 410...) allows everything, whatever its body says;
    - a 5xx or 429 (after retries), or a network failure (timeout, refused, reset), refuses
      every request to that site for the rest of the run with ``RobotsUnavailable``: one
      WARNING, each refusal counted (``archiver/robots/refused``), and a failure of kind
      ``robots`` recorded, so the run exits 1 and the next run tries again;
    - a disallowed request raises ``ForbiddenByRobots`` (Scrapy counts ``robotstxt/forbidden``).

    Stats: ``archiver/robots/absent`` (4xx), ``archiver/robots/unavailable``,
    ``archiver/robots/refused``, and Scrapy's ``robotstxt/*``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._robots_urls: dict[str, str] = {}  # netloc → its robots.txt URL
        self._unavailable: dict[str, str] = {}  # netloc → why robots.txt could not be had

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parts = urlparse_cached(request)
        self._robots_urls.setdefault(parts.netloc, f"{parts.scheme}://{parts.netloc}/robots.txt")
        return await super().robot_parser(request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        reason = self._unavailable.get(urlparse_cached(request).netloc)
        if reason is not None:
            self._stats.inc_value("archiver/robots/refused")
            raise RobotsUnavailable(f"not fetched this run: robots.txt unavailable ({reason})")
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise ForbiddenByRobots(str(exc)) from None

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        if status >= 500 or status == 429:
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{status}")
            self._unreachable(netloc, f"HTTP {status}", status)
            return
        FailureLedger(self.crawler).cleared(self._robots_url(netloc))
        if 400 <= status < 500:
            # RFC 9309 §2.3.1.3: "unavailable" — no rules at all, whatever the error page says.
            self._stats.inc_value("archiver/robots/absent")
            logger.info("No robots.txt at %s (HTTP %d): everything allowed", netloc, status)
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused before any answer (scope, redirects)
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._unreachable(netloc, f"{type(exc).__name__}: {exc}", None)

    def _unreachable(self, netloc: str, reason: str, status: int | None) -> None:
        """Refuse the whole site for this run and record why, for the report and next run."""
        url = self._robots_url(netloc)
        self._unavailable[netloc] = reason
        self._stats.inc_value("archiver/robots/unavailable")
        logger.warning(
            "Could not get %s (%s): nothing on %s is fetched this run; the next run tries again",
            url,
            reason,
            netloc,
        )
        FailureLedger(self.crawler).robots_unreachable(url, status, reason)
        # Scrapy's own path for "no parser": wake the requests waiting for this robots.txt.
        super()._robots_error(RobotsUnavailable(reason), netloc)

    def _robots_url(self, netloc: str) -> str:
        return self._robots_urls.get(netloc, f"http://{netloc}/robots.txt")
