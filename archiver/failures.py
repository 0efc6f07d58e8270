"""The failure ledger: every page that gave no record, logged, counted and remembered.

A page can fail to be fetched (an HTTP error, a network failure after retries), be fetched
but give no record (cut short, layout not recognised, record invalid), or lose its parse to
a dead worker process. Each is logged at WARNING with its URL, counted in stats
(``archiver/failed/<kind>``, ``archiver/skipped/<kind>``, ...) and written to the state
database's ``failures`` table, which the run report lists and the next run retries. A page
read whole clears its entry. The spider, the pipelines and the robots.txt middleware all
record through this one module, so the rules cannot drift apart.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.httperror import HttpError

from archiver.exceptions import ForbiddenByRobots, RobotsUnavailable
from archiver.meta import KIND_META_KEY
from archiver.state import CrawlState, get_state
from archiver.urls import PageKind, canonical_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

# Failure kinds the next run fetches again: pages not fetched, and pages fetched but giving
# no record ("parse": cut short, layout not recognised, record invalid).
RETRIED_FAILURES = ("listing", "article", "sitemap", "parse")
# A failed page requisite is retried by archiver.spiders.requisites, and fails no page.
REQUISITE_FAILURE = "requisite"
REQUISITE_STATS = "archiver/requisites/"  # stats: <page kind>/fetched, /bytes, /failed, ...
# A re-check (archiver crawl --recheck) that got no answer, or no article: not in
# RETRIED_FAILURES (a crawl would only find it archived); the next re-check asks again.
RECHECK_FAILURE = "recheck"


class FailureLedger:
    """Records the crawl's failures in its state database, with logs and stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @property
    def state(self) -> CrawlState:
        return get_state(self.crawler)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def fetch_failed(self, failure: Failure) -> None:
        """A page not fetched (after retries), recorded under the URL first requested with
        its HTTP status and reason. A page robots.txt forbids is the site's choice, and a
        sitemap guessed where there is none is no page: neither is a failure."""
        request: Request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get(KIND_META_KEY, "other")
        error = failure.value
        status = error.response.status if isinstance(error, HttpError) else None
        if isinstance(error, ForbiddenByRobots):
            self._inc("archiver/robots/forbidden")
            logger.info("Not archived, forbidden by robots.txt: %s", request.url)
            return
        if kind == PageKind.SITEMAP and status in (404, 410):
            self._inc("archiver/sitemaps/absent")
            logger.info("No sitemap at %s (HTTP %s)", request.url, status)
            return
        # After redirects the failed request is the chain's last; the next run asks the first.
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        reason = f"HTTP {status}" if status else f"{type(error).__name__}: {error}"
        if status and url != request.url:
            reason += f" at {request.url}"
        self._inc(f"archiver/failed/{kind}")
        # robots.txt unavailable: its middleware gave the one WARNING for the whole site.
        log = logger.info if isinstance(error, RobotsUnavailable) else logger.warning
        log("Failed to archive %s %s: %s", kind, url, reason)
        self.state.record_failure(url, kind=kind, status=status, reason=reason)

    def skipped(self, response: Response, reason: str) -> None:
        """A fetched page that yields no record: logged, counted, kept for the report."""
        kind = response.meta.get(KIND_META_KEY, "other")
        self._inc(f"archiver/skipped/{kind}")
        logger.warning("No record from %s %s: %s", kind, response.url, reason)
        self.state.record_failure(
            canonical_url(response.url), kind="parse", status=response.status, reason=reason
        )

    def truncated(self, url: str, status: int) -> None:
        """An article whose body came short of its Content-Length (kept only with
        ``DOWNLOAD_FAIL_ON_DATALOSS=False``, captured with WARC-Truncated): no record."""
        self._inc("archiver/articles/truncated")
        reason = "body shorter than its Content-Length (captured with WARC-Truncated)"
        logger.warning("No record from article %s: %s", url, reason)
        self.state.record_failure(url, kind="article", status=status, reason=reason)

    def worker_crashed(self, response: Response, exc: Exception) -> None:
        """A page whose worker process died: a failure of its kind (a crash is no verdict on
        the page), logged, counted and recorded, so the next run fetches it again."""
        kind = response.meta.get(KIND_META_KEY, "other")
        self._inc(f"archiver/failed/{kind}")
        self._inc("archiver/workers/crashed_pages")
        logger.warning("Failed to archive %s %s: %s", kind, response.url, exc)
        self.state.record_failure(
            canonical_url(response.url), kind=kind, status=response.status, reason=str(exc)
        )

    def invalid_record(self, url: str, reason: str) -> None:
        """A record the schema refuses: counted and recorded (the pipeline drops it)."""
        self._inc("archiver/records/invalid")
        self.state.record_failure(
            url, kind="parse", status=None, reason=f"invalid record: {reason}"
        )

    def requisite_failed(self, url: str, page_kind: str, status: int | None, reason: str) -> None:
        """A page requisite not captured (404, cut at DOWNLOAD_MAXSIZE, a network error):
        kind ``requisite``, reported and retried by the next run, but no page failed."""
        self._inc(f"{REQUISITE_STATS}{page_kind}/failed")
        logger.warning("Failed to capture requisite %s (of a %s page): %s", url, page_kind, reason)
        self.state.record_failure(url, kind=REQUISITE_FAILURE, status=status, reason=reason)

    def recheck_failed(self, url: str, status: int | None, reason: str) -> None:
        """A re-check that gave no answer or no article: reported (the run exits 1); the
        article's last good version stays current; the next re-check asks again."""
        self.state.record_failure(url, kind=RECHECK_FAILURE, status=status, reason=reason)

    def robots_unreachable(self, url: str, status: int | None, reason: str) -> None:
        """A robots.txt that could not be had: its site is refused this run, retried next."""
        self.state.record_failure(url, kind="robots", status=status, reason=reason)

    def succeeded(self, response: Response) -> None:
        """A listing, sitemap or root read whole: forget its failure in an earlier run, so
        later runs stop retrying it (an article's is forgotten when its record commits)."""
        first = (response.meta.get("redirect_urls") or [response.url])[0]
        for url in {first, canonical_url(response.url)}:
            self.state.clear_failure(url)

    def cleared(self, url: str) -> None:
        """``url`` was had this time (robots.txt): forget its earlier failure."""
        self.state.clear_failure(url)
