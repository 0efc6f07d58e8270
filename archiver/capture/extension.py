"""The Scrapy extension that writes every HTTP exchange of the crawl to WARC.

It listens to ``response_downloaded``, which the downloader sends right after the download
handler returns and before any downloader middleware's ``process_response``: robots.txt,
sitemaps, redirects and retries are all seen, with the body still as the server encoded it.

With worker processes (``ARCHIVE_WORKERS``), the records are encoded (digests, gzip) in a
worker and appended here when it answers; ``WarcCaptureWaitMiddleware`` holds the response
until then, so nothing downstream (a callback, a retry, a redirect) sees a response whose
capture is not in the file yet, and the crawl cannot close with a capture in flight.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from archiver import config
from archiver.capture.exchange import Exchange
from archiver.capture.records import exchange_from_scrapy
from archiver.capture.recovery import RepairResult, repair_directory
from archiver.capture.revisit import RevisitOf, encode_revisit, revisit_profile
from archiver.capture.serialize import ExchangeRecords, encode_exchange
from archiver.capture.writer import WarcFileWriter
from archiver.items import Capture
from archiver.layout import OutputLayout
from archiver.meta import CAPTURE_META_KEY, REVISIT_META_KEY
from archiver.outcomes import WARC_ERRORS_KEY, WARC_REPAIR_ERROR, WARC_WRITE_ERROR
from archiver.pool import WorkerCrashed, WorkerPool
from archiver.pool.crawler import get_workers

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

ARCHIVED_SCHEMES = frozenset({"http", "https"})
WAIT_MIDDLEWARE = "archiver.capture.middleware.WarcCaptureWaitMiddleware"


class WarcCaptureExtension:
    """Writes each downloaded response, and the request that fetched it, to WARC.

    Settings read in ``from_crawler``:

    - ``ARCHIVE_WARC_ENABLED``: False switches the extension off.
    - ``ARCHIVE_OUTPUT_DIR``: files go to ``<dir>/warc/``.
    - ``ARCHIVE_WARC_PREFIX``: first part of every file name.
    - ``ARCHIVE_WARC_MAX_SIZE``: a file rolls over past this many bytes.
    - ``ARCHIVE_WARC_GZIP_LEVEL``: zlib level of each record's gzip member.
    - ``ARCHIVE_WARC_OPERATOR``, ``ARCHIVE_WARC_DESCRIPTION`` (optional): warcinfo fields.
    - ``USER_AGENT``, ``ROBOTSTXT_OBEY``: recorded in warcinfo as the crawl's policy.

    The response's ``Capture`` goes to ``request.meta[CAPTURE_META_KEY]`` (the spider reads it
    as ``response.meta[CAPTURE_META_KEY]``, or better ``capture_for(response)``); while a
    worker encodes it, an ``asyncio.Future`` of it is there instead, which
    ``WarcCaptureWaitMiddleware`` awaits and replaces. A failed write is logged with the URL,
    counted, and stops the crawl: an archive with silent holes is worse than a stopped crawl
    that resumes. A worker that dies with a capture in hand costs nothing: the exchange is
    encoded here instead.

    Stats: ``archiver/warc/records``, ``/bytes``, ``/files``, ``/write_errors``,
    ``/not_written`` (after a failure), ``/repair/<outcome>``, ``/repair/dropped_records``,
    ``/repair/dropped_bytes``.
    """

    def __init__(
        self, crawler: Crawler, writer: WarcFileWriter, workers: WorkerPool | None = None
    ) -> None:
        self.crawler = crawler
        self.writer = writer
        self.workers = workers  # None: every exchange is encoded on the reactor thread
        self.failed = False  # after a failed write nothing more is written
        self._closing: Any = None  # keeps the close_spider Deferred alive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not config.getbool(settings, "ARCHIVE_WARC_ENABLED"):
            raise NotConfigured("ARCHIVE_WARC_ENABLED is False")
        writer = WarcFileWriter(  # a bad value raises ValueError naming the setting
            OutputLayout.from_settings(settings).warc,
            prefix=config.get(settings, "ARCHIVE_WARC_PREFIX"),
            max_size=config.getint(settings, "ARCHIVE_WARC_MAX_SIZE"),
            warcinfo=_warcinfo_fields(settings),
            gzip_level=config.getint(settings, "ARCHIVE_WARC_GZIP_LEVEL"),
        )
        # Workers only with the middleware that waits for their captures.
        waits = settings.getwithbase("DOWNLOADER_MIDDLEWARES").get(WAIT_MIDDLEWARE) is not None
        extension = cls(crawler, writer, get_workers(crawler) if waits else None)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        """Repair what a killed run left before the first new record is written."""
        try:
            results = repair_directory(self.writer.directory)
        except (OSError, RuntimeError) as exc:
            logger.error("Could not repair WARC files in %s: %s", self.writer.directory, exc)
            raise CloseSpider(WARC_REPAIR_ERROR) from exc
        self._count_repairs(results)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        """Write the exchange; hand its Capture (or a Future of it) to the callback through
        request.meta."""
        # A request copied from another (redirect, retry) carries that one's capture in its
        # meta: drop it first, so a capture in meta always belongs to this very response.
        request.meta.pop(CAPTURE_META_KEY, None)
        if urlsplit(response.url).scheme not in ARCHIVED_SCHEMES:
            return  # data: or file: responses are no HTTP exchange
        if self.failed:
            self._inc("archiver/warc/not_written")
            return
        exchange = exchange_from_scrapy(request, response)
        if (records := self._revisit(request, exchange)) is not None:
            # A re-check that found the archived payload (small: headers only, no worker).
            if (capture := self._write(request, exchange, records)) is not None:
                request.meta[CAPTURE_META_KEY] = capture
            return
        if self.workers is not None and self.workers.active:
            pending: asyncio.Future[Capture | None] = asyncio.get_running_loop().create_future()
            encoding = self.workers.submit(
                encode_exchange, exchange, gzip_level=self.writer.gzip_level
            )
            encoding.add_done_callback(partial(self._encoded, request, exchange, pending))
            request.meta[CAPTURE_META_KEY] = pending
            return
        if (capture := self._write(request, exchange, None)) is not None:
            request.meta[CAPTURE_META_KEY] = capture

    def _revisit(self, request: Request, exchange: Exchange) -> ExchangeRecords | None:
        """A revisit record for a re-check (``REVISIT_META_KEY``) that found the payload it
        re-asks for unchanged; None: the exchange is written whole."""
        original = request.meta.get(REVISIT_META_KEY)
        if not isinstance(original, RevisitOf):
            return None
        profile = revisit_profile(exchange, original)
        if profile is None:
            return None
        self._inc("archiver/warc/revisits")
        return encode_revisit(exchange, original, profile, gzip_level=self.writer.gzip_level)

    def _encoded(
        self,
        request: Request,
        exchange: Exchange,
        pending: asyncio.Future[Capture | None],
        encoding: asyncio.Future[ExchangeRecords],
    ) -> None:
        """A worker answered (in the order the exchanges were sent): append the records. A
        worker that died (WorkerCrashed) or failed leaves the encoding to this process."""
        records = None
        if not encoding.cancelled():
            if (error := encoding.exception()) is None:
                records = encoding.result()
            elif not isinstance(error, WorkerCrashed):
                logger.warning("A worker failed encoding %s: %s", exchange.url, error)
        capture = None
        if self.failed:
            self._inc("archiver/warc/not_written")
        else:
            capture = self._write(request, exchange, records)
        if not pending.done():
            pending.set_result(capture)

    def _write(
        self, request: Request, exchange: Exchange, records: ExchangeRecords | None
    ) -> Capture | None:
        """Append the exchange (its records if encoded already); None if the write failed."""
        try:
            if records is None:
                capture = self.writer.write_exchange(exchange)
            else:
                capture = self.writer.append(records)
        except Exception as exc:  # any failure here is an output fault, not just OSError
            self._fail(request, exc)
            return None
        self._count_write()
        return capture

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close (fsync and rename) the file being written."""
        try:
            self.writer.close()
        except OSError as exc:
            logger.error("Could not close WARC file in %s: %s", self.writer.directory, exc)
            self._inc(WARC_ERRORS_KEY)

    def _fail(self, request: Request, exc: Exception) -> None:
        logger.error(
            "Could not write %s to WARC (%s); stopping the crawl",
            request.url,
            exc,
            exc_info=not isinstance(exc, OSError),
        )
        self._inc(WARC_ERRORS_KEY)
        if not self.failed:
            self.failed = True
            engine = self.crawler.engine
            self._closing = deferred_from_coro(engine.close_spider_async(reason=WARC_WRITE_ERROR))
            self._closing.addErrback(
                lambda failure: logger.error("Could not stop the crawl: %s", failure.value)
            )

    def _count_write(self) -> None:
        stats, totals = self.crawler.stats, self.writer.stats
        if stats is None:
            return
        stats.inc_value("archiver/warc/records", 2)
        stats.set_value("archiver/warc/bytes", totals.bytes_written)
        stats.set_value("archiver/warc/files", totals.files_opened)

    def _count_repairs(self, results: list[RepairResult]) -> None:
        for result in results:
            self._inc(f"archiver/warc/repair/{result.outcome}")
            self._inc("archiver/warc/repair/dropped_records", result.dropped_records)
            self._inc("archiver/warc/repair/dropped_bytes", result.dropped_bytes)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)


def _warcinfo_fields(settings: Any) -> dict[str, str]:
    fields = {
        "http-header-user-agent": str(settings.get("USER_AGENT") or ""),
        # "classic": the 1994 robots exclusion standard is obeyed (WARC 1.1, warcinfo fields).
        "robots": "classic" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
    }
    for name in ("operator", "description"):
        if value := settings.get(f"ARCHIVE_WARC_{name.upper()}"):
            fields[name] = str(value)
    return {name: value for name, value in fields.items() if value}


def get_writer(crawler: Crawler) -> WarcFileWriter | None:
    """The crawl's WARC writer, for a pipeline that must ``sync()`` before it commits.

    Found through ``crawler.get_extension()`` (Scrapy >= 2.12), so nothing is hung on the
    crawler; None when the extension is off. Callable from a pipeline's ``from_crawler``.
    """
    extension = crawler.get_extension(WarcCaptureExtension)
    return extension.writer if extension is not None else None


def capture_for(response: Response) -> Capture | None:
    """The Capture of this response, or None if it was not written (or is another's)."""
    try:
        capture = response.meta.get(CAPTURE_META_KEY)
    except AttributeError:  # a response not tied to a request has no meta
        return None
    if isinstance(capture, Capture) and capture.target_uri == response.url:
        return capture
    return None
