"""Replay in pywb: the WARCs the writer makes are indexed and served back by a real wayback.

pywb is not a dependency of archiver; it lives in a venv of its own (it pins werkzeug, redis
2.10.6, pyOpenSSL<26.2 and brings gevent: nothing the crawler needs).
Point ARCHIVER_PYWB_VENV at it (``python3.11 -m venv V && V/bin/pip install pywb``) or put
``wb-manager`` on PATH; otherwise the test is skipped. wayback listens on 127.0.0.1 only.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.capture import Exchange, WarcFileWriter
from archiver.items import Capture
from tests.pywb_tools import fetch, make_collection, pywb_bin, running_wayback

pytestmark = pytest.mark.replay

SITE = "http://english.aawsat.example"
ARTICLE = b"<!DOCTYPE html><html><body><h1>Talks resume</h1>" + b"<p>Beirut.</p>" * 200
FETCHED = datetime(2026, 11, 25, 2, 3, 4, tzinfo=UTC)


def exchange(path: str, status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> Exchange:
    reasons = {200: "OK", 301: "Moved Permanently"}
    return Exchange(
        url=SITE + path,
        method="GET",
        request_headers=(("Host", "english.aawsat.example"), ("User-Agent", "archiver-test")),
        request_body=b"",
        protocol="HTTP/1.1",
        status=status,
        reason=reasons[status],
        response_headers=(("Content-Type", "text/html; charset=UTF-8"), *headers),
        body=body,
        ip_address="192.0.2.10",
        fetched_at=FETCHED,
    )


# As Scrapy hands them over: the gzip page still compressed, the chunked one de-chunked
# without Transfer-Encoding (and without Content-Length: Twisted drops it for chunked bodies).
EXCHANGES = {
    "/gzip": exchange("/gzip", 200, (("Content-Encoding", "gzip"),), gzip.compress(ARTICLE)),
    "/chunked": exchange("/chunked", 200, (), ARTICLE),
    "/old": exchange("/old", 301, (("Location", SITE + "/gzip"),), b""),
}


@pytest.fixture
def collection(tmp_path: Path) -> tuple[Path, Path, dict[str, Capture]]:
    """WARCs written by the writer and added to a pywb collection "archive"."""
    bin_dir = pywb_bin()
    if bin_dir is None:
        pytest.skip("pywb not found: set ARCHIVER_PYWB_VENV to a venv with pywb installed")
    with WarcFileWriter(tmp_path / "warc", max_size=2000) as writer:  # several files
        captures = {path: writer.write_exchange(ex) for path, ex in EXCHANGES.items()}
    make_collection(bin_dir, tmp_path, sorted((tmp_path / "warc").glob("*.warc.gz")))
    return bin_dir, tmp_path, captures


@pytest.fixture
def wayback(collection: tuple[Path, Path, dict[str, Capture]]) -> Iterator[str]:
    bin_dir, root, _ = collection
    with running_wayback(bin_dir, root) as base:
        yield f"{base}/archive/{FETCHED:%Y%m%d%H%M%S}id_/"


def test_pywb_index_agrees_with_the_capture_pointers(
    collection: tuple[Path, Path, dict[str, Capture]],
) -> None:
    _, root, captures = collection
    index = (root / "collections" / "archive" / "indexes" / "index.cdxj").read_text()
    rows = {}
    for line in index.splitlines():
        fields = json.loads(line.split(" ", 2)[2])
        rows[fields["url"]] = fields
    for capture in captures.values():
        row = rows[capture.target_uri]
        assert row["filename"] == capture.warc.filename
        assert (int(row["offset"]), int(row["length"])) == (
            capture.warc.offset,
            capture.warc.length,
        )
        assert "sha1:" + row["digest"] == capture.payload_digest


def test_pywb_replays_pages_and_redirects(wayback: str) -> None:
    for path in ("/gzip", "/chunked"):
        status, headers, body = fetch(wayback + SITE + path)
        assert status == 200
        if headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert body == ARTICLE
    status, headers, _ = fetch(wayback + SITE + "/old")
    assert status == 301
    assert headers["Location"].endswith(SITE + "/gzip")
