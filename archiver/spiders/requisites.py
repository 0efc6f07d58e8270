"""Fetching each archived page's requisites (images, stylesheets, fonts, scripts) once.

The spider hands every HTML page it archives to ``PageRequisites.fetch``, which fetches the
page's requisites (``archiver.parsers.requisites``) straight through the downloader
(``engine.download_async``: every downloader middleware applies, scope, robots.txt, retries,
DOWNLOAD_MAXSIZE and the WARC capture included) and awaits them, so a page's requisites
are captured right after the page and a run cut short leaves whole pages. Stylesheets are
read in turn (``@import``, ``url()``), down to ``ARCHIVE_REQUISITE_DEPTH`` hops.

Once per archive: a requisite captured by any run is in the state (``requisites`` table)
and never asked for again; one being fetched for another page is awaited, not fetched
twice. A failed one (404, cut at DOWNLOAD_MAXSIZE, a network error) is logged, counted and
recorded as a failure of kind ``requisite``, asked for no more this run, and retried by the
next (``retry_requests``, scheduled before the articles); it never holds back its page's
record (``capture`` None).

Exactly once across ``kill -9``: before each fetch a claim records where the WARC output
stands; the next run looks for a capture past that point (``archiver.capture.find``) and
records it instead of fetching again. A stylesheet is marked followed only once its own
requisites are in; if a kill came first, the next run reads it back from the WARC.

Settings: ``ARCHIVE_REQUISITES_ENABLED``, ``ARCHIVE_REQUISITE_HOSTS``,
``ARCHIVE_REQUISITE_DEPTH``. Stats: ``archiver/requisites/<page kind>/fetched``, ``/bytes``,
``/failed``, ``/offsite``, ``/robots_forbidden``; ``archiver/requisites/offsite_host/<scheme://
host:port>``, ``archiver/requisites/claims_found`` (captures a killed run left unrecorded).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from archiver import config
from archiver.capture.extension import capture_for, get_writer
from archiver.capture.find import captured_body, find_response
from archiver.capture.naming import WARC_SUFFIX
from archiver.capture.writer import WarcFileWriter
from archiver.exceptions import ForbiddenByRobots
from archiver.failures import REQUISITE_FAILURE, REQUISITE_STATS, FailureLedger
from archiver.files import open_path
from archiver.items import ArticleContent, Capture, ImageCapture
from archiver.meta import KIND_META_KEY, REQUISITE_META_KEY
from archiver.outcomes import STATE_ERRORS_KEY, STATE_WRITE_ERROR
from archiver.parsers.requisites import Requisite, css_requisites
from archiver.state import CrawlState, get_state
from archiver.urls import site_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

KIND = REQUISITE_FAILURE  # the request's page kind (archiver_kind) and its failures' kind
PRIORITY = 30  # retried requisites: before the articles (20) whose pages need them
STATS = REQUISITE_STATS
CSS_TYPES = ("text/css",)


class PageRequisites:
    """The crawl's fetcher of page requisites (``enabled`` False: fetches nothing)."""

    def __init__(
        self, crawler: Crawler, site: str, *, enabled: bool, hosts: list[str], depth: int
    ) -> None:
        self.crawler = crawler
        self.scopes = {site_key(site)} | {key for host in hosts for key in origins(host)}
        self.enabled = enabled
        self.max_depth = depth
        self.inflight: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        self.retrying: set[str] = set()  # failed before: this run's retry request has them
        self.claims_resolved = False
        self.stopping = False  # a state write failed: the crawl is being stopped
        self._closing: Any = None  # keeps the close_spider Deferred alive

    @classmethod
    def from_crawler(cls, crawler: Crawler, site: str) -> PageRequisites:
        settings = crawler.settings
        hosts = config.get(settings, "ARCHIVE_REQUISITE_HOSTS")
        if isinstance(hosts, str):  # -s ARCHIVE_REQUISITE_HOSTS=a,b
            hosts = [h for h in hosts.split(",") if h.strip()]
        return cls(
            crawler,
            site,
            enabled=config.getbool(settings, "ARCHIVE_REQUISITES_ENABLED"),
            hosts=[str(h).strip() for h in hosts],
            depth=config.getint(settings, "ARCHIVE_REQUISITE_DEPTH"),
        )

    def hostnames(self) -> list[str]:
        """The host names of the other origins requisites may come from."""
        return sorted({urlsplit(key).hostname or "" for key in self.scopes} - {""})

    @property
    def state(self) -> CrawlState:
        return get_state(self.crawler)

    async def fetch(self, requisites: list[Requisite], page: str) -> dict[str, dict[str, Any]]:
        """Fetch (once) what a page of kind ``page`` needs; the capture pointers of those
        captured, by URL (this run's or an earlier one's)."""
        if not self.enabled:
            return {}
        if not self.claims_resolved:
            self.resolve_claims()
        wanted = [r for r in requisites if self.in_scope(r.url, page)]
        captures = await asyncio.gather(*(self.one(r, page, 1) for r in wanted))
        return {r.url: c for r, c in zip(wanted, captures, strict=True) if c is not None}

    def in_scope(self, url: str, page: str) -> bool:
        """On the site or an allowed host; an off-site requisite is counted, by host."""
        key = site_key(url)
        if key in self.scopes:
            return True
        self._inc(f"{STATS}{page}/offsite")
        self._inc(f"{STATS}offsite_host/{key or 'invalid'}")
        return False

    async def one(self, requisite: Requisite, page: str, depth: int) -> dict[str, Any] | None:
        """The capture of one requisite: from the state, from a fetch in flight, or fetched."""
        url = requisite.url
        if (pending := self.inflight.get(url)) is not None:
            return await asyncio.shield(pending)
        if (known := self.state.requisite_capture(url)) is not None:
            if not self.state.requisite_followed(url):
                await self.follow_captured(url, known, page)
            return known
        if url in self.retrying or self.state.failed_in_this_run(url):
            return None
        future = self.inflight[url] = asyncio.get_running_loop().create_future()
        capture = None
        try:  # whatever happens, those awaiting it are answered
            self.claim(url)
            capture = await self.download(requisite, page, depth)
        except sqlite3.Error as exc:  # the state database cannot be written (a full disk)
            self.state_failed(exc)
        finally:
            del self.inflight[url]
            future.set_result(capture)
        return capture

    async def download(self, requisite: Requisite, page: str, depth: int) -> dict[str, Any] | None:
        request = self.request(requisite.url, page)
        engine = self.crawler.engine
        assert engine is not None
        try:
            response = await engine.download_async(request)
        except ForbiddenByRobots:  # the site's choice, not a failure: never retried
            self._inc(f"{STATS}{page}/robots_forbidden")
            self.state.release_requisite(requisite.url)
            return None
        except Exception as exc:  # refused (scope), cut at DOWNLOAD_MAXSIZE, network
            self.failed(requisite.url, page, None, _reason(exc))
            return None
        return await self.received(requisite, response, page, depth)

    async def received(
        self, requisite: Requisite, response: Response, page: str, depth: int
    ) -> dict[str, Any] | None:
        """A requisite's final response: recorded if captured whole, its own requisites
        fetched if it is a stylesheet."""
        capture = capture_for(response)
        if response.status != 200 or capture is None or "dataloss" in response.flags:
            reason = f"HTTP {response.status}" if response.status != 200 else "not captured"
            self.failed(requisite.url, page, response.status, reason)
            return None
        pointer = pointer_of(capture)
        self._inc(f"{STATS}{page}/fetched")
        self._inc(f"{STATS}{page}/bytes", len(response.body))
        if not is_css(requisite, response) or depth >= self.max_depth:
            self.state.add_requisite(requisite.url, response.status, pointer)
            return pointer
        # Recorded before its references are in: a run killed meanwhile leaves it marked
        # unfollowed, and the next run reads it back from the WARC to fetch the rest.
        self.state.add_requisite(requisite.url, response.status, pointer, followed=False)
        await self.follow(css_text(response), response.url, page, depth)
        self.state.mark_requisite_followed(requisite.url)
        return pointer

    async def follow(self, css: str, url: str, page: str, depth: int) -> None:
        """Fetch what a stylesheet at ``url`` references (``depth``: its own hops)."""
        children = [r for r in css_requisites(css, url) if self.in_scope(r.url, page)]
        await asyncio.gather(*(self.one(child, page, depth + 1) for child in children))

    async def follow_captured(self, url: str, pointer: dict[str, Any], page: str) -> None:
        """A captured requisite whose references a killed run did not finish: read it back
        from the WARC and fetch them (a stylesheet), or just mark it followed."""
        future = self.inflight[url] = asyncio.get_running_loop().create_future()
        try:
            writer = get_writer(self.crawler)
            if writer is not None:
                content_type, body = captured_body(writer.directory, pointer)
                if content_type.lower().startswith(CSS_TYPES):
                    await self.follow(body.decode("utf-8", "replace"), url, page, 1)
            self.state.mark_requisite_followed(url)
        finally:
            del self.inflight[url]
            future.set_result(pointer)

    def failed(self, url: str, page: str, status: int | None, reason: str) -> None:
        FailureLedger(self.crawler).requisite_failed(url, page, status, reason)
        self.state.release_requisite(url)

    def state_failed(self, exc: sqlite3.Error) -> None:
        """Stop the crawl as the store does when the state cannot commit: a requisite
        captured but not recorded would be fetched again, and nothing more can be."""
        self._inc(STATE_ERRORS_KEY)
        if self.stopping:
            return
        self.stopping = True
        logger.error("Could not write to the state database (%s); stopping the crawl", exc)
        engine = self.crawler.engine
        assert engine is not None
        self._closing = deferred_from_coro(engine.close_spider_async(reason=STATE_WRITE_ERROR))

    # --- exactly once across a kill -------------------------------------------------------

    def claim(self, url: str) -> None:
        """Note where the WARC output stands before ``url`` is fetched (see ``resolve_claims``)."""
        writer = get_writer(self.crawler)
        if writer is not None:
            self.state.claim_requisite(url, *warc_position(writer))

    def resolve_claims(self) -> None:
        """Requisites an earlier run was fetching when it was killed: a capture written after
        the claimed point is recorded as theirs (not fetched again), else the claim goes
        (fetched again). Runs once, after the WARC repair, before the first requisite."""
        self.claims_resolved = True
        writer = get_writer(self.crawler)
        for url, filename, offset in self.state.requisite_claims():
            found = find_response(writer.directory, url, filename, offset) if writer else None
            if found is None:
                self.state.release_requisite(url)
            else:
                self.state.add_requisite(url, 200, found, followed=False)
                self._inc(f"{STATS}claims_found")

    def request(self, url: str, page: str, **kwargs: Any) -> Request:
        meta = {KIND_META_KEY: KIND, REQUISITE_META_KEY: page}
        return Request(url, meta=meta, priority=PRIORITY, dont_filter=True, **kwargs)

    # --- the next run: requisites that failed before --------------------------------------

    def retry_requests(self) -> Iterator[Request]:
        """Scheduled requests for the requisites that failed in an earlier run."""
        if not self.enabled:
            return
        for failure in self.state.failures(kinds=(KIND,)):
            if self.in_scope(failure.url, "retried"):
                self.retrying.add(failure.url)
                self.claim(failure.url)
                yield self.request(
                    failure.url, "retried", callback=self.parse_retried, errback=self.retry_failed
                )

    async def parse_retried(self, response: Response) -> None:
        first = (response.meta.get("redirect_urls") or [response.url])[0]
        self.retrying.discard(first)
        await self.received(Requisite(first, "other"), response, "retried", 1)

    def retry_failed(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        response = getattr(error, "response", None)
        status = response.status if response is not None else None
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        self.retrying.discard(first)
        self.failed(first, "retried", status, f"HTTP {status}" if status else repr(error))

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)


def with_captures(
    content: ArticleContent, captures: dict[str, dict[str, Any]], state: CrawlState
) -> ArticleContent:
    """The article's content with each image's ``capture``: fetched for this page, or by an
    earlier run (the state), else None."""
    images = []
    for image in content.images:
        pointer = captures.get(image.url) or state.requisite_capture(image.url)
        capture = ImageCapture(**pointer) if pointer is not None else None
        images.append(dataclasses.replace(image, capture=capture))
    return dataclasses.replace(content, images=images)


def pointer_of(capture: Capture) -> dict[str, Any]:
    """A requisite's capture as the state keeps it and a record's ``images[].capture``."""
    return {
        "filename": capture.warc.filename,
        "offset": capture.warc.offset,
        "length": capture.warc.length,
        "record_id": capture.warc.record_id,
        "payload_digest": capture.payload_digest,
    }


def origins(host: str) -> set[str]:
    """The scope keys (``scheme://host:port``) an ARCHIVE_REQUISITE_HOSTS entry allows: an
    origin as written, or a bare host on http and https at their default ports."""
    if "://" in host:
        key = site_key(host)
        if not key:
            raise ValueError(
                f"ARCHIVE_REQUISITE_HOSTS: {host!r} is no origin; write it as "
                "'https://host[:port]' or a bare host name"
            )
        return {key}
    return {site_key(f"http://{host}/"), site_key(f"https://{host}/")} - {""}


def warc_position(writer: WarcFileWriter) -> tuple[str, int]:
    """(file name, size) of the WARC file being written, or of the last one closed."""
    if writer.current_name is not None:
        path = open_path(writer.directory / writer.current_name)
        return writer.current_name, path.stat().st_size
    closed = sorted(writer.directory.glob(f"*{WARC_SUFFIX}"))
    return (closed[-1].name, closed[-1].stat().st_size) if closed else ("", 0)


def _reason(exc: Exception) -> str:
    if isinstance(exc, DownloadCancelledError):  # Scrapy logged the size already
        return "download cancelled: larger than DOWNLOAD_MAXSIZE"
    return f"{type(exc).__name__}: {exc}"


def is_css(requisite: Requisite, response: Response) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    return content_type.startswith(CSS_TYPES) or (
        requisite.kind == "stylesheet" and not content_type.startswith(("image/", "font/"))
    )


def css_text(response: Response) -> str:
    if isinstance(response, TextResponse):
        return response.text
    return response.body.decode("utf-8", "replace")
