"""The replica's fault modes, seen from a plain HTTP client (the crawl's tests use them)."""

from __future__ import annotations

import gzip
import http.client
import time
import zlib
from collections.abc import Iterator

import brotli
import pytest

from replica import ReplicaServer, build_site
from replica import faults as F

ARTICLE = "/theaawsat/business/bahrains-budget-for-2005-a-closer-look"


@pytest.fixture(scope="module")
def site_path() -> str:
    site = build_site(0, 5)
    return sorted(site.listing_reachable_urls())[0]


@pytest.fixture
def server() -> Iterator[ReplicaServer]:
    with ReplicaServer(build_site(0, 5)) as running:
        yield running


class Got:
    """A response read to its end (or to the error that ended it), connection closed."""

    def __init__(self, server: ReplicaServer, path: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            self.status = response.status
            self.headers = response.headers
            self.body = response.read()
        finally:
            connection.close()

    def getheader(self, name: str) -> str | None:
        return self.headers.get(name)


def get(server: ReplicaServer, path: str) -> Got:
    return Got(server, path)


def test_status_times_then_the_page(server: ReplicaServer, site_path: str) -> None:
    server.faults[site_path] = F.status(503, times=2)
    assert [get(server, site_path).status for _ in range(3)] == [503, 503, 200]
    assert [entry["status"] for entry in server.requests] == [503, 503, 200]


def test_too_many_requests_carries_retry_after(server: ReplicaServer, site_path: str) -> None:
    server.faults[site_path] = F.too_many_requests(7)
    first = get(server, site_path)
    assert (first.status, first.getheader("Retry-After")) == (429, "7")
    assert get(server, site_path).status == 200


def test_reset_then_the_page(server: ReplicaServer, site_path: str) -> None:
    server.faults[site_path] = F.reset()
    with pytest.raises(ConnectionResetError):
        get(server, site_path)
    assert get(server, site_path).status == 200


def test_short_body_ends_before_its_content_length(server: ReplicaServer, site_path: str) -> None:
    server.faults[site_path] = F.short_body(fraction=0.5)
    with pytest.raises(http.client.IncompleteRead) as raised:
        get(server, site_path)
    assert 0 < len(raised.value.partial) < len(get(server, site_path).body)


def test_drip_spreads_the_body_over_time(server: ReplicaServer, site_path: str) -> None:
    server.faults[site_path] = F.drip(0.5, pieces=5)
    started = time.monotonic()
    body = get(server, site_path).body
    assert time.monotonic() - started >= 0.4
    assert body.startswith(b"<!DOCTYPE") or b"<html" in body[:200]


def test_huge_streams_the_declared_size(server: ReplicaServer) -> None:
    server.faults["/big"] = F.huge(3_000_000)
    response = get(server, "/big")
    assert response.getheader("Content-Length") == "3000000"
    assert len(response.body) == 3_000_000


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_bombs_are_small_and_expand(server: ReplicaServer, encoding: str) -> None:
    server.faults["/bomb"] = F.bomb(encoding, 20_000_000)
    response = get(server, "/bomb")
    body = response.body
    assert response.getheader("Content-Encoding") == encoding
    assert len(body) < 200_000
    expanded = {
        "gzip": gzip.decompress,
        "deflate": zlib.decompress,
        "br": brotli.decompress,
    }[encoding](body)
    assert len(expanded) >= 20_000_000


def test_redirect_and_sequence(server: ReplicaServer, site_path: str) -> None:
    server.faults["/loop"] = F.redirect("/loop", code=301)
    response = get(server, "/loop")
    assert (response.status, response.getheader("Location")) == (301, "/loop")
    server.faults[site_path] = F.sequence(F.status(500), None, F.status(502))
    assert [get(server, site_path).status for _ in range(4)] == [500, 200, 502, 200]
