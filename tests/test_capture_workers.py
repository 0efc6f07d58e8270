"""WARC records encoded in a worker process (``ARCHIVE_WORKERS``): the same records as encoded
in the crawl process, the response held until its capture is written, and nothing lost when
the worker dies with captures in hand."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archiver.capture import CAPTURE_META_KEY, WarcCaptureExtension, capture_for, open_record
from archiver.capture.extension import WAIT_MIDDLEWARE
from archiver.capture.middleware import WarcCaptureWaitMiddleware
from archiver.capture.records import exchange_from_scrapy
from archiver.capture.serialize import encode_exchange
from archiver.items import Capture
from archiver.pool.crawler import get_workers
from archiver.pool.protocol import Job

BODY = b"<html><body>" + b"<p>Riyadh, Jeddah and Dammam.</p>" * 400 + b"</body></html>"


def crawler_for(tmp_path: Path, workers: int, *, wait: bool = True) -> Crawler:
    settings: dict[str, object] = {
        "EXTENSIONS": {"archiver.capture.extension.WarcCaptureExtension": 0},
        "ARCHIVE_OUTPUT_DIR": str(tmp_path),
        "ARCHIVE_WORKERS": workers,
    }
    if wait:
        settings["DOWNLOADER_MIDDLEWARES"] = {WAIT_MIDDLEWARE: 950}
    return get_crawler(Spider, settings)


def downloaded(n: int) -> tuple[HtmlResponse, Request]:
    url = f"http://127.0.0.1:1/news/article-{n}"
    request = Request(url)
    body = BODY.replace(b"Riyadh", f"Riyadh {n}".encode())
    return HtmlResponse(url, body=body, request=request, protocol="HTTP/1.1"), request


async def capture_pages(
    crawler: Crawler, count: int, *, kill_worker: bool = False
) -> list[Capture]:
    """Pages through response_downloaded and the wait middleware; their Captures."""
    extension = crawler.get_extension(WarcCaptureExtension)
    assert extension is not None
    pool = get_workers(crawler)
    pool.start()
    await pool.wait_ready()
    middleware = WarcCaptureWaitMiddleware()
    pages = [downloaded(n) for n in range(count)]
    try:
        for response, request in pages:
            extension.response_downloaded(response, request, Spider("s"))
            assert isinstance(request.meta[CAPTURE_META_KEY], asyncio.Future)
        if kill_worker:  # its captures are in flight: sent, not answered
            pool._procs[0].process.kill()
        for response, request in pages:
            assert await middleware.process_response(request, response) is response
    finally:
        pool.close()
        extension.writer.close()
    captures = [capture_for(response) for response, _ in pages]
    assert all(isinstance(capture, Capture) for capture in captures)
    return [capture for capture in captures if capture is not None]


def stored_bodies(tmp_path: Path, captures: list[Capture]) -> list[bytes]:
    bodies = []
    for capture in captures:
        record = open_record(tmp_path / "warc", capture.warc)
        assert record.rec_headers.get_header("WARC-Target-URI") == capture.target_uri
        bodies.append(record.content_stream().read())
    return bodies


def test_a_worker_encodes_the_records_the_crawl_process_would() -> None:
    response, request = downloaded(0)
    exchange = exchange_from_scrapy(request, response)
    answer = Job(encode_exchange, (exchange,), {"gzip_level": 6}).run()  # as a worker runs it
    records = answer.value
    here = encode_exchange(
        exchange, gzip_level=6, new_id=iter([records.request_id, records.response_id]).__next__
    )
    assert not answer.failed
    assert records == here  # byte for byte, given the same record ids


def test_captures_encoded_in_a_worker_are_written_before_the_response_goes_on(
    tmp_path: Path,
) -> None:
    crawler = crawler_for(tmp_path, workers=1)
    captures = asyncio.run(capture_pages(crawler, 12))
    expected = [downloaded(n)[0].body for n in range(12)]
    assert stored_bodies(tmp_path, captures) == expected
    assert crawler.stats.get_value("archiver/warc/records") == 24


def test_a_worker_dying_with_captures_in_hand_loses_none(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path, workers=1)
    captures = asyncio.run(capture_pages(crawler, 20, kill_worker=True))
    assert get_workers(crawler).restarts == 1  # the worker died: its captures were encoded here
    expected = [downloaded(n)[0].body for n in range(20)]
    assert stored_bodies(tmp_path, captures) == expected
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    assert gzip.decompress(warc.read_bytes()).count(b"WARC-Type: response") == 20


def test_without_the_wait_middleware_captures_are_encoded_in_process(tmp_path: Path) -> None:
    """Workers hand captures over only through the middleware that waits for them."""
    crawler = crawler_for(tmp_path, workers=1, wait=False)
    extension = crawler.get_extension(WarcCaptureExtension)
    assert extension is not None and extension.workers is None
    response, request = downloaded(0)
    extension.response_downloaded(response, request, Spider("s"))
    extension.writer.close()
    capture = capture_for(response)
    assert capture is not None
    assert stored_bodies(tmp_path, [capture]) == [response.body]
