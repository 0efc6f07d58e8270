"""The ``recheck`` spider: ask the site again for pages the archive holds.

``archiver crawl --recheck`` (or ``scrapy crawl recheck``) discovers nothing: it requests
the archived pages the bounds pick (``archiver.recheck``), oldest check first, with the
same polite settings as a crawl, conditionally where the archived response had an ETag or
a Last-Modified. Each answer is one of:

- **unchanged**: a 304, or a 200 whose payload digest is the archived one. The capture
  extension wrote it as a ``revisit`` record (``archiver.capture.revisit``); no record.
- **changed**: a full capture and a new record version (``version`` + 1, ``supersedes``
  naming the record it replaces), stored by the pipelines like any record. Its page's
  requisites are fetched as a crawl fetches them, so the new version points at its images.
- **withdrawn**: 404, 410, or a redirect off the article; noted with the date, nothing of
  the article deleted.
- **bad**: a 200 that is no article (error page, empty body): reported, no new version.

Captured page requisites (images above all, stylesheets, fonts, scripts) are re-checked
the same way, under their own cap (``ARCHIVE_RECHECK_MAX_REQUISITES``): unchanged, a
revisit; changed, a full capture that becomes the requisite's current one (the old one is
kept, and records written before keep pointing at it; a stylesheet's new references are
fetched); gone or redirected, withdrawn; a 200 with an empty body, or HTML where something
else was archived (an error page for an image), bad.

The ledger (``archiver.extensions.recheck``) notes every answer; failures to get one are
retried by the next re-check.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from warcio.recordloader import ArcWarcRecord

from archiver.capture.extension import capture_for
from archiver.capture.reader import open_record
from archiver.extensions.recheck import RecheckLedger
from archiver.items import ArticleRecord, WarcPointer
from archiver.layout import OutputLayout
from archiver.meta import KIND_META_KEY, REQUISITE_META_KEY, REVISIT_META_KEY
from archiver.parsers import LayoutError, extract_article
from archiver.parsers.requisites import Requisite
from archiver.pool import WorkerCrashed
from archiver.recheck import (
    GONE_STATUSES,
    HANDLED_STATUSES,
    NOT_MODIFIED,
    REDIRECT_STATUSES,
    RecheckBounds,
    conditional_headers,
    revisit_of,
)
from archiver.spiders.archive import ArchiveSpider, _text_source
from archiver.spiders.requisites import KIND as REQUISITE_KIND
from archiver.spiders.requisites import css_text, is_css, pointer_of, with_captures
from archiver.state_rechecks import REQUISITE, ArchivedPage
from archiver.urls import PageKind, canonical_url

logger = logging.getLogger(__name__)

PAGE_META_KEY = "archiver_recheck_page"  # the ArchivedPage a re-check request asks for
HOP_META_KEY = "archiver_recheck_hop"  # a redirect to the same article, followed once
TYPE_META_KEY = "archiver_recheck_type"  # the archived response's Content-Type
RECHECK_PAGE = "recheck"  # the page kind a re-check's requisite fetches are counted under


class RecheckSpider(ArchiveSpider):
    """Re-checks archived pages and requisites; yields a new ``ArticleRecord`` version for
    each changed page.

    Settings: ``ARCHIVE_RECHECK_MAX_PAGES``, ``ARCHIVE_RECHECK_MAX_REQUISITES``,
    ``ARCHIVE_RECHECK_MIN_AGE`` (read in ``from_crawler``), ``ARCHIVE_REQUISITES_ENABLED``.
    """

    name = "recheck"
    bounds: RecheckBounds

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> RecheckSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, RecheckSpider)
        # Read here, not at start: a bad bound stops the run before it begins (exit 2).
        spider.bounds = RecheckBounds.from_settings(crawler.settings)
        return spider

    @property
    def ledger(self) -> RecheckLedger:
        ledger = self.crawler.get_extension(RecheckLedger)
        if ledger is None:
            raise RuntimeError("the recheck spider needs RecheckLedger in EXTENSIONS")
        return ledger

    async def start(self) -> AsyncIterator[Any]:
        self.ledger.recover()  # a killed run's last, unnoted answers: not asked again
        cutoff = self.bounds.cutoff(datetime.now(UTC))
        rechecks = self.state.rechecks
        pages = rechecks.candidates(checked_before=cutoff, limit=self.bounds.max_pages)
        requisites: list[ArchivedPage] = []
        if self.requisites is not None and self.requisites.enabled:
            limit = self.bounds.max_requisites
            requisites = rechecks.requisite_candidates(checked_before=cutoff, limit=limit)
        logger.info(
            "Re-checking %d archived pages and %d requisites last checked before %s",
            len(pages),
            len(requisites),
            cutoff,
        )
        self.crawler.stats.set_value("archiver/recheck/selected", len(pages))
        self.crawler.stats.set_value("archiver/recheck/requisites/selected", len(requisites))
        for page in [*pages, *requisites]:
            yield self.recheck_request(page)

    def recheck_request(self, page: ArchivedPage, url: str | None = None) -> Request:
        """The request asking again for ``page``: conditional where its archived response
        allows (ETag, Last-Modified), an unchanged answer written as a revisit of it."""
        original = self.original(page)
        headers = original.http_headers.headers if original and original.http_headers else []
        revisit = revisit_of(page, original)
        meta: dict[str, Any] = {
            KIND_META_KEY: PageKind.ARTICLE.value,
            PAGE_META_KEY: page,
            REVISIT_META_KEY: revisit,
            "handle_httpstatus_list": HANDLED_STATUSES,
            "dont_redirect": True,  # a redirect is an answer here: read, not followed
        }
        callback: Callable[[Response], Any] = self.parse_recheck
        if page.kind == REQUISITE:
            # A requisite request: ARCHIVE_REQUISITE_HOSTS pass the scope middleware.
            meta |= {KIND_META_KEY: REQUISITE_KIND, REQUISITE_META_KEY: RECHECK_PAGE}
            meta[TYPE_META_KEY] = {k.lower(): v for k, v in headers}.get("content-type")
            callback = self.parse_requisite_recheck
        return Request(
            url or revisit.target_uri,
            callback=callback,
            errback=self.recheck_failed,
            headers=conditional_headers(headers),
            meta=meta,
            dont_filter=True,
        )

    def original(self, page: ArchivedPage) -> ArcWarcRecord | None:
        """The archived response record (its validators, URI and date), or None."""
        pointer = WarcPointer(
            filename=page.warc_filename,
            offset=page.warc_offset,
            length=page.warc_length,
            record_id=page.record_id,
        )
        try:
            return open_record(OutputLayout.from_settings(self.crawler.settings).warc, pointer)
        except (OSError, ValueError) as exc:
            logger.warning("No validators for %s (capture unreadable: %s)", page.url, exc)
            return None

    async def parse_recheck(self, response: Response) -> AsyncIterator[ArticleRecord | Request]:
        page: ArchivedPage = response.meta[PAGE_META_KEY]
        status = response.status
        if status in GONE_STATUSES:
            self.ledger.withdrawn(page.url, status, f"HTTP {status}")
        elif status in REDIRECT_STATUSES:
            if (hop := self.redirected(response, page)) is not None:
                yield hop
        elif (capture := capture_for(response)) is None:
            self.ledger.failed(page.url, status, "no WARC capture for the response")
        elif status == NOT_MODIFIED or capture.payload_digest == page.payload_digest:
            self.ledger.unchanged(page.url, status)
        else:
            async for record in self.new_version(response, page):
                yield record

    def redirected(self, response: Response, page: ArchivedPage) -> Request | None:
        """A redirect to the article itself (another form of its URL) is followed once;
        one anywhere else means the article is gone from its place: withdrawn."""
        target = _location(response)
        try:
            same = canonical_url(target) == page.url
        except ValueError:
            same = False
        if same and not response.meta.get(HOP_META_KEY):
            request = self.recheck_request(page, target)
            request.meta[HOP_META_KEY] = True
            return request
        self.ledger.withdrawn(page.url, response.status, f"redirected to {target}")
        return None

    async def new_version(
        self, response: Response, page: ArchivedPage
    ) -> AsyncIterator[ArticleRecord]:
        """A changed page: its record, the next version of the archived one; a page that
        is no article changes nothing."""
        capture = capture_for(response)
        assert capture is not None
        try:
            source = _text_source(response)
            content = await self.workers.run(extract_article, response.body, *source)
        except LayoutError as exc:
            self.ledger.bad(page.url, response.status, f"layout not recognised: {exc}")
            return
        except WorkerCrashed as exc:
            self.ledger.failed(page.url, response.status, str(exc))
            return
        self.crawler.stats.inc_value("archiver/recheck/changed")
        # Its requisites as a crawl fetches them: a new image is captured, a known one is
        # pointed at (and re-checked on its own schedule).
        captures = await self.page_requisites(response, PageKind.ARTICLE)
        content = with_captures(content, captures, self.state)
        yield ArticleRecord.build(
            content,
            url=page.url,
            capture=capture,
            version=page.version + 1,
            supersedes=page.record_id,
        )

    async def parse_requisite_recheck(self, response: Response) -> None:
        """A requisite's answer: unchanged, changed (its new capture becomes current; a
        stylesheet's new references are fetched), withdrawn, or bad."""
        page: ArchivedPage = response.meta[PAGE_META_KEY]
        status, ledger = response.status, self.ledger
        if status in GONE_STATUSES:
            ledger.withdrawn(page.url, status, f"HTTP {status}", REQUISITE)
        elif status in REDIRECT_STATUSES:
            ledger.withdrawn(page.url, status, f"redirected to {_location(response)}", REQUISITE)
        elif (capture := capture_for(response)) is None or "dataloss" in response.flags:
            ledger.failed(page.url, status, "no whole WARC capture for the response", REQUISITE)
        elif status == NOT_MODIFIED or capture.payload_digest == page.payload_digest:
            ledger.unchanged(page.url, status, REQUISITE)
        elif (why := bad_requisite_answer(response, response.meta.get(TYPE_META_KEY))) is not None:
            ledger.bad(page.url, status, why, REQUISITE)
        else:
            ledger.requisite_changed(
                page, {**pointer_of(capture), "fetched_at": capture.fetched_at}
            )
            stylesheet = is_css(Requisite(page.url, "other"), response)
            if stylesheet and self.requisites is not None:
                await self.requisites.follow(css_text(response), response.url, RECHECK_PAGE, 1)

    def recheck_failed(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        page: ArchivedPage = request.meta[PAGE_META_KEY]
        error = failure.value
        status = error.response.status if isinstance(error, HttpError) else None
        reason = f"HTTP {status}" if status else f"{type(error).__name__}: {error}"
        self.ledger.failed(page.url, status, reason, page.kind)


def _location(response: Response) -> str:
    """Where a redirect points, as an absolute URL."""
    location = (response.headers.get(b"Location") or b"").decode("latin-1")
    return urljoin(response.url, location)


def bad_requisite_answer(response: Response, archived_type: str | None) -> str | None:
    """Why a 200 with a new payload is no new version of the requisite archived, or None:
    an empty body, or HTML where something else was archived (a server's error page)."""
    if not response.body:
        return "empty body"
    new_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    if archived_type and "html" in new_type.lower() and "html" not in archived_type.lower():
        return f"{new_type} where {archived_type} was archived"
    return None
