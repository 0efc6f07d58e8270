"""Retry with exponential backoff and jitter, honouring Retry-After.

Scrapy's RetryMiddleware sends a retry at once and ignores Retry-After: against a site that
is struggling (5xx) or asking us to slow down (429), that is the least polite thing to do.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from archiver import config

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# Statuses whose Retry-After says when to come back (RFC 9110 §10.2.3; RFC 6585 §4).
RETRY_AFTER_STATUSES = frozenset({429, 503})
_STEP = 0.25  # seconds: how often a wait checks whether the crawl is stopping


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (same settings, same ``retry/*`` stats), but each retry waits
    first, without blocking the reactor.

    The n-th retry of a request waits ``min(RETRY_BACKOFF_MAX, RETRY_BACKOFF_BASE * 2**(n-1))``
    seconds, times a random factor from 1 to 1.5 (jitter, so that retries of many pages spread
    out). A 429 or 503 with ``Retry-After`` (delta-seconds or an HTTP date) waits at least that
    long; one asking for more than ``RETRY_AFTER_MAX`` seconds is not retried this run: the
    response goes on to the spider's errback, which records the failure for the next run.

    A wait ends early when the crawl stops (SIGTERM, a write error): the request is then not
    retried, and its last response or error goes to the errback as a failure.

    Settings: ``RETRY_ENABLED``, ``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``,
    ``RETRY_PRIORITY_ADJUST``, ``RETRY_GIVE_UP_LOG_LEVEL`` (Scrapy's), ``RETRY_BACKOFF_BASE``
    (seconds, default 5), ``RETRY_BACKOFF_MAX`` (seconds, default 60), ``RETRY_AFTER_MAX``
    (seconds, default 600).

    Stats: ``archiver/retry/waits``, ``archiver/retry/wait_seconds`` (asked for),
    ``archiver/retry/retry_after`` (waits set by a Retry-After), ``archiver/retry/
    retry_after_too_long``, ``archiver/retry/abandoned`` (waits cut short by the crawl's end).
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = config.getfloat(settings, "RETRY_BACKOFF_BASE")
        self.backoff_max = config.getfloat(settings, "RETRY_BACKOFF_MAX")
        self.retry_after_max = config.getfloat(settings, "RETRY_AFTER_MAX")
        for name in ("RETRY_BACKOFF_BASE", "RETRY_BACKOFF_MAX", "RETRY_AFTER_MAX"):
            if settings.getfloat(name, 0.0) < 0:
                raise ValueError(f"{name} must be a number of seconds >= 0; set -s {name}=5")

    # Coroutines where Scrapy's are plain methods: Scrapy >= 2.13 awaits either, and a wait
    # must not block the reactor.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        floor = retry_after(response) if response.status in RETRY_AFTER_STATUSES else None
        if floor is not None and floor > self.retry_after_max:
            self._inc("archiver/retry/retry_after_too_long")
            logger.warning(
                "Not retrying %s this run: HTTP %d asks to wait %.0f s, more than"
                " RETRY_AFTER_MAX (%.0f s)",
                request.url,
                response.status,
                floor,
                self.retry_after_max,
            )
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        reason = f"HTTP {response.status}"
        return retry if await self._wait(retry, reason, floor) else response

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        reason = f"{type(exception).__name__}: {exception}"
        return retry if await self._wait(retry, reason, None) else None

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1, 2, ...), jitter included."""
        base = min(self.backoff_max, self.backoff_base * 2.0 ** max(0, attempt - 1))
        return base * random.uniform(1.0, 1.5)

    async def _wait(self, retry: Request, reason: str, floor: float | None) -> bool:
        """Wait before ``retry``; False if the crawl began to stop meanwhile."""
        attempt = int(retry.meta.get("retry_times", 1))
        delay = self.backoff(attempt)
        if floor is not None:
            delay = max(delay, floor)
            self._inc("archiver/retry/retry_after")
        self._inc("archiver/retry/waits")
        if self.crawler.stats is not None:  # a float: inc_value is typed for int steps
            waited = self.crawler.stats.get_value("archiver/retry/wait_seconds", 0.0)
            self.crawler.stats.set_value("archiver/retry/wait_seconds", round(waited + delay, 3))
        logger.info("Retrying %s in %.1f s (retry %d): %s", retry.url, delay, attempt, reason)
        deadline = time.monotonic() + delay
        while (left := deadline - time.monotonic()) > 0:  # bounded by the deadline
            if self._stopping():
                self._inc("archiver/retry/abandoned")
                logger.info("Not retrying %s: the crawl is stopping", retry.url)
                return False
            await sleep(min(_STEP, left))
        return not self._stopping()

    def _stopping(self) -> bool:
        """The engine is stopping (SIGTERM) or closing the spider (a write error, a limit)."""
        engine = self.crawler.engine
        if engine is None or not engine.running:
            return True
        # No public flag says "closing": the engine's slot gets a `closing` Deferred, then
        # waits for every request in progress, ours included, before it closes anything.
        slot = getattr(engine, "_slot", None)
        return getattr(slot, "closing", None) is not None

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


def retry_after(response: Response) -> float | None:
    """Seconds the response's Retry-After asks for (delta-seconds or an HTTP date; a date in
    the past is 0), or None without a readable one."""
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": still GMT, as every HTTP date is (RFC 9110 §5.6.7)
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - time.time())
