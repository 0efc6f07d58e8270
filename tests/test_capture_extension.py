"""The Scrapy extension in process: settings, the meta hand-over, get_writer(), repair stats."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archiver.capture import (
    CAPTURE_META_KEY,
    WarcCaptureExtension,
    capture_for,
    get_writer,
    open_record,
)
from archiver.items import Capture

EXTENSION = {"archiver.capture.extension.WarcCaptureExtension": 0}
HTML = b"<html><body><p>Riyadh</p></body></html>"


def crawler_for(tmp_path: Path, **settings: object) -> Crawler:
    return get_crawler(
        Spider,
        {"EXTENSIONS": EXTENSION, "ARCHIVE_OUTPUT_DIR": str(tmp_path), **settings},
    )


def extension_of(crawler: Crawler) -> WarcCaptureExtension:
    extension = crawler.get_extension(WarcCaptureExtension)
    assert extension is not None
    return extension


def downloaded(url: str, request: Request | None = None) -> tuple[HtmlResponse, Request]:
    request = request or Request(url)
    return HtmlResponse(url, body=HTML, request=request, protocol="HTTP/1.1"), request


def test_extension_is_off_when_disabled(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path, ARCHIVE_WARC_ENABLED=False)
    assert crawler.get_extension(WarcCaptureExtension) is None
    assert get_writer(crawler) is None
    with pytest.raises(NotConfigured):
        WarcCaptureExtension.from_crawler(crawler)


def test_bad_setting_fails_fast_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ARCHIVE_WARC_PREFIX"):
        crawler_for(tmp_path, ARCHIVE_WARC_PREFIX="../evil")
    with pytest.raises(ValueError, match="ARCHIVE_WARC_GZIP_LEVEL"):
        crawler_for(tmp_path, ARCHIVE_WARC_GZIP_LEVEL=12)
    with pytest.raises(ValueError, match="ARCHIVE_WARC_MAX_SIZE"):
        crawler_for(tmp_path, ARCHIVE_WARC_MAX_SIZE=0)


def test_settings_reach_the_writer(tmp_path: Path) -> None:
    crawler = crawler_for(
        tmp_path,
        ARCHIVE_WARC_PREFIX="AAWSAT",
        ARCHIVE_WARC_MAX_SIZE=5000,
        ARCHIVE_WARC_GZIP_LEVEL=9,
        ARCHIVE_WARC_OPERATOR="Archive Team <ops@example.org>",
    )
    writer = get_writer(crawler)
    assert writer is extension_of(crawler).writer
    assert writer is not None
    assert writer.directory == tmp_path / "warc"
    assert (writer.prefix, writer.max_size, writer.gzip_level) == ("AAWSAT", 5000, 9)
    assert writer.warcinfo["operator"] == "Archive Team <ops@example.org>"


def test_response_downloaded_hands_the_capture_to_the_callback(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path)
    extension = extension_of(crawler)
    response, request = downloaded("http://example.org/article")
    extension.response_downloaded(response, request, Spider("s"))
    capture = response.meta[CAPTURE_META_KEY]
    assert isinstance(capture, Capture)
    assert capture_for(response) == capture
    extension.spider_closed(Spider("s"), "finished")
    record = open_record(tmp_path / "warc", capture.warc)
    assert record.content_stream().read() == HTML
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/warc/records") == 2
    assert crawler.stats.get_value("archiver/warc/files") == 1


def test_a_copied_capture_never_passes_for_this_response(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path)
    extension = extension_of(crawler)
    first, request = downloaded("http://example.org/old")
    extension.response_downloaded(first, request, Spider("s"))
    # RedirectMiddleware copies meta into the new request; then the write fails
    redirected = request.replace(url="http://example.org/new")
    assert CAPTURE_META_KEY in redirected.meta
    extension.failed = True
    second, _ = downloaded("http://example.org/new", redirected)
    extension.response_downloaded(second, redirected, Spider("s"))
    assert CAPTURE_META_KEY not in second.meta
    assert capture_for(second) is None
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/warc/not_written") == 1
    extension.spider_closed(Spider("s"), "finished")


def test_capture_for_checks_the_url() -> None:
    response, request = downloaded("http://example.org/a")
    request.meta[CAPTURE_META_KEY] = "not a capture"
    assert capture_for(response) is None
    assert capture_for(HtmlResponse("http://example.org/b", body=HTML)) is None


def test_spider_opened_repairs_and_counts(tmp_path: Path) -> None:
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    (warc_dir / "ARCHIVER-20261125015933250-00000-a1b2c3d4.warc.gz.open").write_bytes(b"")
    crawler = crawler_for(tmp_path)
    extension_of(crawler).spider_opened(Spider("s"))
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/warc/repair/deleted") == 1
    assert not list(warc_dir.iterdir())


def test_non_http_responses_are_not_archived(tmp_path: Path) -> None:
    crawler = crawler_for(tmp_path)
    extension = extension_of(crawler)
    response, request = downloaded("data:text/html,<p>x</p>")
    extension.response_downloaded(response, request, Spider("s"))
    assert capture_for(response) is None
    extension.spider_closed(Spider("s"), "finished")
    assert not (tmp_path / "warc").exists()
