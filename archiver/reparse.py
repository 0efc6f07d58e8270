"""Re-extract every article record from an output directory's WARCs, offline.

A better parser can rebuild the whole dataset from the evidence without touching the site:
each article response record (HTTP 200 at an article URL) is decoded exactly as the crawl
decoded it (Content-Encoding as Scrapy's middleware does, then ``archiver.decoding.page_text``)
and parsed with the current parser. Records keep their ``warc`` pointer, digest and capture
time, so an unchanged parser reproduces the crawl's records field for field; versions too,
by the re-check's rule (``archiver crawl --recheck``): an article's first capture that parses
is version 1, and each later capture of another payload that parses is the next version,
``supersedes`` naming the record before (a re-check writes an unchanged page as a revisit,
which is no response; a capture repeating the payload before it is counted a duplicate).
An image's ``capture`` is the one the state holds now: after a re-check replaced an image,
records of earlier versions point at the new capture, not the one they were written with.

A capture that gives no record is skipped, logged and listed in the report, never fatal: a
page the layout check refuses (``check_complete``, then the parser), and a body that cannot
be decoded (a compression bomb past ``MAX_BODY``, a corrupt stream); the crawl made no
record from those either.

The parsing (with the record's validation) runs in ``workers`` processes of the crawl's kind
of pool (``archiver.pool``) while this one reads the WARCs and writes the JSONL, in batches
of ``BATCH`` pages, at most ``AHEAD`` batches per worker in flight (memory stays bounded on
any archive); records come out in capture order whatever the number of workers, so the
output is the same as with ``workers=0``.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.utils._compression import _inflate, _unbrotli, _unzstd
from scrapy.utils.gz import gunzip
from warcio.recordloader import ArcWarcRecord

from archiver.capture.reader import iter_responses
from archiver.extensions.garbage import fewer_collections
from archiver.items import ArticleRecord, Capture, WarcPointer
from archiver.jsonl import JsonlWriter
from archiver.layout import OutputLayout
from archiver.parsers import LayoutError, extract_article
from archiver.pool import WorkerPool
from archiver.progressbar import Progress
from archiver.schema import validate_record
from archiver.state import StateReader, new_run_id
from archiver.urls import PageKind, canonical_url, page_kind

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024 * 1024  # a decoded body larger than this is refused (gzip bombs)
BATCH = 32  # pages sent to a worker at once: fewer hand-offs
AHEAD = 4  # batches in flight per worker: enough to keep it busy, few pages in memory
# Content-Encodings undone as Scrapy's HttpCompressionMiddleware undoes them (its own
# functions: Scrapy is pinned), each capped at MAX_BODY.
_DECODERS: dict[str, Callable[..., bytes]] = {
    "gzip": gunzip,
    "x-gzip": gunzip,
    "deflate": _inflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}


@dataclass
class ReparseReport:
    """What a re-parse read and wrote."""

    jsonl: Path | None = None
    records: int = 0
    versions: int = 0  # of those, versions 2, 3, ... (re-captures of a changed page)
    duplicates: int = 0
    layout_errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    undecodable: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


def default_workers() -> int:
    """Worker processes for a re-parse: one per CPU (this process mostly waits on them)."""
    return os.cpu_count() or 1


def reparse(output: Path, destination: Path, *, workers: int | None = None) -> ReparseReport:
    """Parse the article captures under ``output/warc`` into a new JSONL file in
    ``destination``; return what was done. ``workers``: processes that parse (None: one
    per CPU; 0: all in this process)."""
    report = ReparseReport()
    writer = JsonlWriter(destination, f"REPARSE-{new_run_id()}")
    count = default_workers() if workers is None else workers
    captures = StateReader(OutputLayout(output).state_db)
    try:
        with fewer_collections(), Progress("reparse: captures") as progress:
            pages = _new_payloads(output, report)
            asyncio.run(
                _write_all(pages, count, writer, report, captures=captures, progress=progress)
            )
    except BaseException:
        writer.abandon()  # its .open file stays: never shipped as if whole
        raise
    finally:
        captures.close()
    writer.close()
    report.jsonl = writer.final_path if report.records else None
    return report


async def _write_all(
    pages: Iterable[_Capture],
    workers: int,
    writer: JsonlWriter,
    report: ReparseReport,
    *,
    captures: StateReader,
    progress: Progress,
) -> None:
    versions = _Versions()
    async for url, (kind, value) in _parsed(pages, workers):
        progress.advance()
        if kind == "layout":
            report.layout_errors.append((url, value))
            logger.warning("No record from %s: layout not recognised: %s", url, value)
            continue
        if not versions.number(value):
            report.duplicates += 1
            continue
        writer.write(image_captures(value, captures))
        report.records += 1
        report.versions += value["version"] > 1


class _Versions:
    """Numbers each article's records in capture order, as the crawl and its re-checks do."""

    def __init__(self) -> None:
        self.current: dict[str, tuple[str, str, int]] = {}  # url → digest, record id, version

    def number(self, record: dict[str, Any]) -> bool:
        """Set the record's ``version`` and ``supersedes``; False for the payload of the
        current version again (no new version)."""
        url, digest = record["url"], record["payload_digest"]
        current = self.current.get(url)
        if current is not None and current[0] == digest:
            return False
        version, supersedes = (current[2] + 1, current[1]) if current else (1, None)
        record["version"], record["supersedes"] = version, supersedes
        self.current[url] = (digest, record["warc"]["record_id"], version)
        return True


_Capture = tuple[str, Capture, "_Page"]  # the article's canonical URL, its capture, its page
_Parsed = tuple[str, Any]  # ("ok", the record as JSON data) or ("layout", the reason)


def _new_payloads(output: Path, report: ReparseReport) -> Iterator[_Capture]:
    """Every article capture whose payload is not its URL's capture before, in file order
    (a repeat is counted as a duplicate, unparsed)."""
    last: dict[str, str] = {}
    for path in sorted(OutputLayout(output).warc.glob("*.warc.gz")):
        for url, capture, page in _article_responses(path, report):
            if last.get(url) == capture.payload_digest:
                report.duplicates += 1
                continue
            last[url] = capture.payload_digest
            yield url, capture, page


async def _parsed(captures: Iterable[_Capture], workers: int) -> AsyncIterator[tuple[str, _Parsed]]:
    """Each capture's URL and parse, in the captures' order, batch by batch, with at most
    ``AHEAD`` batches per worker in flight. A record that breaks the schema raises
    RecordInvalid, in a worker as in this process."""
    pool = WorkerPool(workers, preload=(__name__,), name="--workers")
    pool.start()
    try:
        await pool.wait_ready()
        pending: collections.deque[tuple[list[str], asyncio.Future[list[_Parsed]]]]
        pending = collections.deque()
        batch: list[_Capture] = []
        for capture in captures:
            batch.append(capture)
            # Reading the WARCs runs here, between the loop's turns: give it one per page, so
            # the pipes keep feeding the workers (a batch is larger than a pipe holds).
            await asyncio.sleep(0)
            if len(batch) < BATCH:
                continue
            pending.append(_submitted(pool, batch))
            batch = []
            if len(pending) >= max(1, workers) * AHEAD:
                for item in await _finished(pending.popleft()):
                    yield item
        if batch:
            pending.append(_submitted(pool, batch))
        while pending:
            for item in await _finished(pending.popleft()):
                yield item
    finally:
        pool.close()


def _submitted(
    pool: WorkerPool, batch: list[_Capture]
) -> tuple[list[str], asyncio.Future[list[_Parsed]]]:
    urls = [capture[0] for capture in batch]
    return urls, asyncio.ensure_future(pool.run(_parse_batch, batch))


async def _finished(
    entry: tuple[list[str], asyncio.Future[list[_Parsed]]],
) -> list[tuple[str, _Parsed]]:
    urls, future = entry
    return list(zip(urls, await future, strict=True))


def _parse_batch(batch: list[_Capture]) -> list[_Parsed]:
    """What a worker process runs: one parse per page of the batch."""
    return [_parse(capture) for capture in batch]


def _parse(job: _Capture) -> _Parsed:
    url, capture, page = job
    try:
        content = extract_article(page.body, page.content_type, page.url)
    except LayoutError as exc:
        return "layout", str(exc)
    record = ArticleRecord.build(content, url=url, capture=capture).to_dict()
    validate_record(record)
    return "ok", record


def image_captures(record: dict[str, Any], captures: StateReader) -> dict[str, Any]:
    """The record with each image's ``capture`` as the crawl recorded it."""
    for image in record.get("images", []):
        image["capture"] = captures.requisite_capture(image["url"])
    return record


@dataclass(frozen=True, slots=True)
class _Page:
    """An article response as the spider's callback would see it: the capture's target URL,
    the body with its Content-Encoding undone, and the Content-Type header."""

    url: str
    body: bytes
    content_type: str | None


def _article_responses(path: Path, report: ReparseReport) -> Iterator[tuple[str, Capture, _Page]]:
    for record, offset, length in iter_responses(path):
        target = record.rec_headers.get_header("WARC-Target-URI")
        url = canonical_url(target)
        if page_kind(url) is not PageKind.ARTICLE or record.http_headers.get_statuscode() != "200":
            continue
        pointer = WarcPointer(
            filename=path.name,
            offset=offset,
            length=length,
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
        )
        capture = Capture(
            warc=pointer,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            fetched_at=record.rec_headers.get_header("WARC-Date"),
            target_uri=target,
        )
        body = record.raw_stream.read()  # the payload as received (still content-encoded)
        try:
            page = _page(target, record, body)
        # Any decoder's error: past MAX_BODY (a bomb), or a corrupt stream (zlib.error,
        # brotli.error, ZstdError, OSError): one bad capture never stops the re-parse.
        except Exception as exc:
            report.undecodable.append((url, f"{type(exc).__name__}: {exc}"))
            logger.warning("No record from %s: body not decodable: %s", url, exc)
            continue
        yield url, capture, page


def _page(url: str, record: ArcWarcRecord, body: bytes) -> _Page:
    """The page as Scrapy's HttpCompressionMiddleware would have handed it on (no Scrapy
    Response is built: at hundreds of pages a second its header handling shows)."""
    header = record.http_headers.get_header("Content-Encoding", "")
    for encoding in reversed([token.strip().lower() for token in header.split(",")]):
        if encoding in ("", "identity"):
            continue
        decode = _DECODERS.get(encoding)
        if decode is None:
            raise ValueError(f"Content-Encoding {encoding!r} is not one Scrapy decodes")
        body = decode(body, max_size=MAX_BODY)
    return _Page(url, body, _content_type(record.http_headers.headers))


def _content_type(headers: list[tuple[str, str]]) -> str | None:
    """The Content-Type header as Scrapy's ``Headers.to_unicode_dict()`` gives it: its
    values joined with "," when it was sent more than once; None when absent."""
    values = [value for name, value in headers if name.lower() == "content-type"]
    return ",".join(values) if values else None
