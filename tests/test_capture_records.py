"""An Exchange rebuilt from Scrapy objects: the wire view of the request and the response."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from archiver.capture import CAPTURE_META_KEY
from archiver.capture.records import exchange_from_scrapy, host_header

FIXED = datetime(2026, 11, 25, 1, 59, 33, 250000, tzinfo=UTC)
HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Beirut</p></body></html>"


def test_exchange_from_scrapy_rebuilds_the_wire_view() -> None:
    request = Request(
        "http://127.0.0.1:8123/news/item?p=2#frag",
        headers={"User-Agent": "archiver-test", "Accept-Encoding": "gzip, deflate"},
    )
    response = Response(
        "http://127.0.0.1:8123/news/item?p=2",
        status=200,
        headers={
            "Content-Type": "text/html",
            "Transfer-Encoding": "chunked",
            "Set-Cookie": ["a=1", "b=2"],
        },
        body=HTML,
        ip_address=ipaddress.ip_address("127.0.0.1"),
        protocol="HTTP/1.1",
        request=request,
    )
    exchange = exchange_from_scrapy(request, response, fetched_at=FIXED)
    assert exchange.url == "http://127.0.0.1:8123/news/item?p=2"
    assert exchange.request_path() == "/news/item?p=2"
    assert exchange.request_headers[0] == ("Host", "127.0.0.1:8123")
    assert ("User-Agent", "archiver-test") in exchange.request_headers
    assert exchange.reason == "OK"
    assert exchange.ip_address == "127.0.0.1"
    assert [name for name, _ in exchange.response_headers] == [
        "Content-Type",
        "Set-Cookie",
        "Set-Cookie",
    ]
    assert exchange.truncated is None


def test_exchange_from_scrapy_edge_cases() -> None:
    request = Request("https://example.org:443/form", method="POST", body=b"q=1")
    response = HtmlResponse(
        "https://example.org:443/form", status=599, body=b"", flags=["dataloss"], request=request
    )
    exchange = exchange_from_scrapy(request, response)
    assert exchange.request_headers[0] == ("Host", "example.org")
    assert exchange.request_headers[-1] == ("Content-Length", "3")
    assert exchange.reason == ""
    assert exchange.protocol == "HTTP/1.1"  # unknown: Twisted's handler always speaks 1.1
    assert exchange.ip_address is None
    assert exchange.truncated == "disconnect"
    assert exchange.fetched_at.tzinfo is not None


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://example.org/", "example.org"),
        ("http://example.org:80/", "example.org"),
        ("https://example.org:8443/", "example.org:8443"),
        ("http://user:pw@example.org:8080/", "example.org:8080"),
        ("http://[::1]:8080/", "[::1]:8080"),
        ("http://[::1]/", "[::1]"),
    ],
)
def test_host_header_matches_what_twisted_sends(url: str, host: str) -> None:
    assert host_header(url) == host


def test_capture_meta_key_is_stable() -> None:
    assert CAPTURE_META_KEY == "archiver_capture"
