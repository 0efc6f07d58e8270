"""The ``recheck`` spider: ask the site again for pages the archive holds.

``archiver crawl --recheck`` (or ``scrapy crawl recheck``) discovers nothing: it requests
the archived pages the bounds pick (``archiver.recheck``), oldest check first, with the
same polite settings as a crawl, conditionally where the archived response had an ETag or
a Last-Modified. Each answer is one of:

- **unchanged**: a 304, or a 200 whose payload digest is the archived one. The capture
  extension wrote it as a ``revisit`` record (``archiver.capture.revisit``); no record.
- **changed**: a full capture and a new record version (``version`` + 1, ``supersedes``
  naming the record it replaces), stored by the pipelines like any record.
- **withdrawn**: 404, 410, or a redirect off the article; noted with the date, nothing of
  the article deleted.
- **bad**: a 200 that is no article (error page, empty body): reported, no new version.

The ledger (``archiver.extensions.recheck``) notes every answer; failures to get one are
retried by the next re-check.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archiver.capture.extension import capture_for
from archiver.capture.reader import open_record
from archiver.extensions.recheck import RecheckLedger
from archiver.items import ArticleRecord, WarcPointer
from archiver.layout import OutputLayout
from archiver.meta import KIND_META_KEY, REVISIT_META_KEY
from archiver.parsers import LayoutError, extract_article
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
from archiver.state import ArchivedPage
from archiver.urls import PageKind, canonical_url

logger = logging.getLogger(__name__)

PAGE_META_KEY = "archiver_recheck_page"  # the ArchivedPage a re-check request asks for
HOP_META_KEY = "archiver_recheck_hop"  # a redirect to the same article, followed once


class RecheckSpider(ArchiveSpider):
    """Re-checks archived pages; yields a new ``ArticleRecord`` version for each changed one.

    Settings: ``ARCHIVE_RECHECK_MAX_PAGES``, ``ARCHIVE_RECHECK_MIN_AGE`` (read at start).
    """

    name = "recheck"

    @property
    def ledger(self) -> RecheckLedger:
        ledger = self.crawler.get_extension(RecheckLedger)
        if ledger is None:
            raise RuntimeError("the recheck spider needs RecheckLedger in EXTENSIONS")
        return ledger

    async def start(self) -> AsyncIterator[Any]:
        bounds = RecheckBounds.from_settings(self.crawler.settings)
        cutoff = bounds.cutoff(datetime.now(UTC))
        pages = self.state.recheck_candidates(checked_before=cutoff, limit=bounds.max_pages)
        logger.info("Re-checking %d archived pages last checked before %s", len(pages), cutoff)
        self.crawler.stats.set_value("archiver/recheck/selected", len(pages))
        for page in pages:
            yield self.recheck_request(page)

    def recheck_request(self, page: ArchivedPage, url: str | None = None) -> Request:
        meta = {
            KIND_META_KEY: PageKind.ARTICLE.value,
            PAGE_META_KEY: page,
            REVISIT_META_KEY: revisit_of(page),
            "handle_httpstatus_list": HANDLED_STATUSES,
            "dont_redirect": True,  # a redirect is an answer here: read, not followed
        }
        return Request(
            url or page.url,
            callback=self.parse_recheck,
            errback=self.recheck_failed,
            headers=self.validators(page),
            meta=meta,
            dont_filter=True,
        )

    def validators(self, page: ArchivedPage) -> dict[str, str]:
        """Conditional headers from the archived response (read back from its WARC)."""
        pointer = WarcPointer(
            filename=page.warc_filename,
            offset=page.warc_offset,
            length=page.warc_length,
            record_id=page.record_id,
        )
        try:
            record = open_record(OutputLayout.from_settings(self.crawler.settings).warc, pointer)
        except (OSError, ValueError) as exc:
            logger.warning("No validators for %s (capture unreadable: %s)", page.url, exc)
            return {}
        return conditional_headers(record.http_headers.headers if record.http_headers else [])

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
        location = (response.headers.get(b"Location") or b"").decode("latin-1")
        target = urljoin(response.url, location)
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
        yield ArticleRecord.build(
            content,
            url=page.url,
            capture=capture,
            version=page.version + 1,
            supersedes=page.record_id,
        )

    def recheck_failed(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        page: ArchivedPage = request.meta[PAGE_META_KEY]
        error = failure.value
        status = error.response.status if isinstance(error, HttpError) else None
        reason = f"HTTP {status}" if status else f"{type(error).__name__}: {error}"
        self.ledger.failed(page.url, status, reason)
