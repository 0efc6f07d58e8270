"""End to end: a real Scrapy crawl of a loopback server, every exchange checked in the WARCs.

The server (stdlib http.server, HTTP/1.1, 127.0.0.1 only) serves robots.txt, a gzip-encoded
page, a chunked page and a 301 redirect. Scrapy runs in a subprocess (its reactor stays out of
the test process) with only the capture extension enabled.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.recordloader import ArcWarcRecord

from archiver.capture import WarcFileWriter, iter_records, open_record
from archiver.capture.exchange import Exchange, utc_now
from archiver.capture.serialize import sha1_digest
from archiver.items import WarcPointer

REPO = Path(__file__).resolve().parents[1]
ARTICLE = (
    b"<!DOCTYPE html><html><head><title>Lebanon talks</title></head><body>"
    + b"<p>Beirut, Asharq Al-Awsat - Talks resumed.</p>" * 40
    + b"</body></html>"
)
GZIPPED = gzip.compress(ARTICLE, mtime=0)
CHUNKED = b"<html><body>" + b"<p>chunked paragraph</p>" * 50 + b"</body></html>"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}
# path -> (status, headers, body); Content-Length is added. /chunked is served apart.
RESOURCES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS),
    "/gzip": (200, {**HTML_TYPE, "Content-Encoding": "gzip"}, GZIPPED),
    "/article": (200, HTML_TYPE, ARTICLE),
    "/old": (301, {"Location": "/article", **HTML_TYPE}, b"moved"),
}


class Handler(BaseHTTPRequestHandler):
    """Each resource exercises one way a response can travel."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/chunked":
            self._chunked()
            return
        status, headers, body = RESOURCES.get(self.path, (404, HTML_TYPE, b"not found"))
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _chunked(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(CHUNKED), 200):
            piece = CHUNKED[start : start + 200]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


SPIDER = """
import dataclasses, json
import scrapy
from archiver.capture import CAPTURE_META_KEY, capture_for

class CaptureSpider(scrapy.Spider):
    name = "capture_e2e"
    custom_settings = {
        "EXTENSIONS": {"archiver.capture.extension.WarcCaptureExtension": 0},
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "LOG_LEVEL": "INFO",
        "USER_AGENT": "archiver-e2e (test)",
    }

    def __init__(self, base, stats_file, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [base + "/gzip", base + "/chunked", base + "/old"]
        self.stats_file = stats_file

    def parse(self, response):
        capture = capture_for(response)
        yield {
            "url": response.url,
            "text": response.text,
            "in_meta": CAPTURE_META_KEY in response.meta,
            "capture": dataclasses.asdict(capture) if capture else None,
        }

    def closed(self, reason):
        stats = dict(self.crawler.stats.get_stats(), closed_reason=reason)
        with open(self.stats_file, "w") as fh:
            json.dump(stats, fh, default=str)
"""


@dataclass
class Crawl:
    """What one crawl left behind."""

    output: Path
    items: list[dict[str, object]]
    stats: dict[str, object]
    log: str

    @property
    def warc_dir(self) -> Path:
        return self.output / "warc"


def run_crawl(base: str, workdir: Path) -> Crawl:
    """Run the spider in a subprocess, in a directory with no scrapy.cfg (default settings)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "spider.py").write_text(SPIDER)
    output = workdir / "output"
    command = [
        *(sys.executable, "-m", "scrapy", "runspider", "spider.py"),
        *("-a", f"base={base}", "-a", f"stats_file={workdir / 'stats.json'}"),
        *("-s", f"ARCHIVE_OUTPUT_DIR={output}", "-O", "items.jsonl"),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    items = [json.loads(line) for line in (workdir / "items.jsonl").read_text().splitlines()]
    stats = json.loads((workdir / "stats.json").read_text())
    return Crawl(output, items, stats, done.stderr)


@pytest.fixture(scope="module")
def crawl(server: str, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    workdir = tmp_path_factory.mktemp("crawl")
    # A file a killed run left behind: two whole exchanges, then half of a third.
    warc_dir = workdir / "output" / "warc"
    warc_dir.mkdir(parents=True)
    leftover = _killed_run_file(warc_dir)
    result = run_crawl(server, workdir)
    result.stats["leftover"] = leftover.name
    return result


def _killed_run_file(warc_dir: Path) -> Path:
    def exchange(n: int) -> Exchange:
        return Exchange(
            url=f"http://old.example/{n}",
            method="GET",
            request_headers=(("Host", "old.example"),),
            request_body=b"",
            protocol="HTTP/1.1",
            status=200,
            reason="OK",
            response_headers=(),
            body=b"old " * 500,
            ip_address=None,
            fetched_at=utc_now(),
        )

    with WarcFileWriter(warc_dir, prefix="OLDRUN") as writer:
        last = [writer.write_exchange(exchange(n)) for n in range(3)][-1]
    final = warc_dir / last.warc.filename
    data = final.read_bytes()
    final.unlink()
    open_file = final.with_name(final.name + ".open")
    # the kill: the last response is cut in half
    open_file.write_bytes(data[: last.warc.offset + last.warc.length // 2])
    return open_file


# --- reading the crawl's records -------------------------------------------------------------


def all_records(warc_dir: Path, prefix: str = "ARCHIVER") -> list[tuple[ArcWarcRecord, bytes]]:
    """Every record of the crawl with its raw inflated bytes (for byte-level checks)."""
    out = []
    for path in sorted(warc_dir.glob(f"{prefix}-*.warc.gz")):
        raw = path.read_bytes()
        for record, offset, length in iter_records(path):
            out.append((record, zlib.decompress(raw[offset : offset + length], 31)))
    return out


def responses_by_path(crawl: Crawl) -> dict[str, tuple[ArcWarcRecord, bytes]]:
    found = {}
    for record, raw in all_records(crawl.warc_dir):
        if record.rec_type == "response":
            uri = record.rec_headers.get_header("WARC-Target-URI")
            found[uri.split("/", 3)[3]] = (record, raw)
    return found


def http_block(raw: bytes) -> bytes:
    return raw.partition(b"\r\n\r\n")[2]


def payload(raw: bytes) -> bytes:
    return http_block(raw).partition(b"\r\n\r\n")[2][:-4]  # less the record's closing CRLFs


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_every_exchange_is_recorded_once(crawl: Crawl) -> None:
    found = responses_by_path(crawl)
    assert sorted(found) == ["article", "chunked", "gzip", "old", "robots.txt"]
    assert crawl.stats["archiver/warc/records"] == 2 * len(found)
    assert crawl.stats["archiver/warc/files"] == 1
    assert not list(crawl.warc_dir.glob("ARCHIVER-*.open"))


@pytest.mark.e2e
def test_gzip_page_is_archived_as_sent(crawl: Crawl) -> None:
    record, raw = responses_by_path(crawl)["gzip"]
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert record.http_headers.get_header("Content-Length") == str(len(GZIPPED))
    assert payload(raw) == GZIPPED  # the compressed bytes, as they came off the wire
    assert gzip.decompress(payload(raw)) == ARTICLE
    assert record.rec_headers.get_header("WARC-Payload-Digest") == sha1_digest(GZIPPED)
    assert http_block(raw).startswith(b"HTTP/1.1 200 OK\r\n")


@pytest.mark.e2e
def test_chunked_page_is_archived_dechunked_without_transfer_encoding(crawl: Crawl) -> None:
    record, raw = responses_by_path(crawl)["chunked"]
    assert record.http_headers.get_header("Transfer-Encoding") is None
    assert payload(raw) == CHUNKED
    assert record.content_stream().read() == CHUNKED


@pytest.mark.e2e
def test_redirect_and_robots_are_recorded(crawl: Crawl, server: str) -> None:
    found = responses_by_path(crawl)
    redirect, raw = found["old"]
    assert http_block(raw).startswith(b"HTTP/1.1 301 Moved Permanently\r\n")
    assert redirect.http_headers.get_header("Location") == "/article"
    robots, raw = found["robots.txt"]
    assert robots.http_headers.get_statuscode() == "200"
    assert payload(raw) == ROBOTS


@pytest.mark.e2e
def test_requests_pair_with_responses(crawl: Crawl, server: str) -> None:
    records = [record for record, _ in all_records(crawl.warc_dir)]
    assert records[0].rec_type == "warcinfo"
    by_id = {r.rec_headers.get_header("WARC-Record-ID"): r for r in records}
    responses = [r for r in records if r.rec_type == "response"]
    requests = [r for r in records if r.rec_type == "request"]
    assert len(requests) == len(responses)
    for response in responses:
        request = by_id[response.rec_headers.get_header("WARC-Concurrent-To")]
        assert request.rec_type == "request"
        assert request.rec_headers.get_header("WARC-Concurrent-To") == (
            response.rec_headers.get_header("WARC-Record-ID")
        )
        for header in ("WARC-Target-URI", "WARC-Date"):
            assert request.rec_headers.get_header(header) == response.rec_headers.get_header(header)
        for record in (request, response):
            assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    port = server.rsplit(":", 1)[1]
    gzip_request = next(
        r for r in requests if r.rec_headers.get_header("WARC-Target-URI").endswith("/gzip")
    )
    assert gzip_request.http_headers.protocol == "GET"
    assert gzip_request.http_headers.statusline == "/gzip HTTP/1.1"
    assert gzip_request.http_headers.get_header("Host") == f"127.0.0.1:{port}"
    assert gzip_request.http_headers.get_header("User-Agent") == "archiver-e2e (test)"
    assert "gzip" in gzip_request.http_headers.get_header("Accept-Encoding")


@pytest.mark.e2e
def test_callbacks_get_captures_that_point_at_their_response(crawl: Crawl, server: str) -> None:
    by_url = {str(item["url"]): item for item in crawl.items}
    assert sorted(by_url) == [server + "/article", server + "/chunked", server + "/gzip"]
    for url, item in by_url.items():
        capture = item["capture"]
        assert item["in_meta"]
        assert isinstance(capture, dict), item
        assert capture["target_uri"] == url  # after the redirect: the page, not the 301
        record = open_record(crawl.warc_dir, WarcPointer(**capture["warc"]))
        assert record.rec_headers.get_header("WARC-Target-URI") == url
        assert record.rec_headers.get_header("WARC-Payload-Digest") == capture["payload_digest"]
        assert record.rec_headers.get_header("WARC-Date") == capture["fetched_at"]
        assert record.content_stream().read().decode() == item["text"]
    assert by_url[server + "/gzip"]["text"] == ARTICLE.decode()


@pytest.mark.e2e
def test_files_pass_warcio_check(crawl: Crawl) -> None:
    for path in sorted(crawl.warc_dir.glob("*.warc.gz")):
        check = subprocess.run(
            [str(Path(sys.executable).parent / "warcio"), "check", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert check.returncode == 0, check.stdout
        with gzip.open(path) as fh:
            fh.read()


@pytest.mark.e2e
def test_leftover_of_a_killed_run_is_repaired_at_start(crawl: Crawl) -> None:
    leftover = crawl.warc_dir / str(crawl.stats["leftover"])
    assert not leftover.exists()
    repaired = leftover.with_name(leftover.name.removesuffix(".open"))
    kinds = [record.rec_type for record, _, _ in iter_records(repaired)]
    assert kinds == ["warcinfo", "request", "response", "request", "response"]
    assert crawl.stats["archiver/warc/repair/truncated"] == 1
    assert crawl.stats["archiver/warc/repair/dropped_records"] == 1
    assert "WARC repair: truncated" in crawl.log


@pytest.mark.e2e
def test_write_failure_stops_the_crawl_loudly(server: str, tmp_path: Path) -> None:
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "warc").write_text("a file where the WARC directory should be")
    crawl = run_crawl(server, tmp_path)
    assert crawl.stats["closed_reason"] == "warc_write_error"
    assert crawl.stats["archiver/warc/write_errors"] >= 1  # type: ignore[operator]
    assert "Could not write" in crawl.log and server in crawl.log
    assert all(item["capture"] is None for item in crawl.items)
