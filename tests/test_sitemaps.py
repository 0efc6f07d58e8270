"""``read_sitemap``: sitemaps read, hostile ones refused unexpanded (issue #5, case 13).

The crawl end to end (a WARNING, a stat, a reported failure, nothing fetched) is in
tests/test_faults_content.py."""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator

import pytest

from archiver.sitemaps import NotASitemap, SitemapError, read_sitemap
from replica.faults import compress

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
CAP = 32 * 1024 * 1024


def urlset(*locs: str, prolog: str = "") -> str:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<urlset {NS}>{entries}</urlset>'


def billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return urlset(
        "http://a/&lol9;", "http://a/ok", prolog=f"<!DOCTYPE urlset [{''.join(entities)}]>"
    )


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback port nobody should connect to (a would-be XXE target)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        yield server


def connections(server: socket.socket) -> int:
    count = 0
    for _ in range(100):  # bounded: at most 100 pending connections counted
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1
    return count


def test_urlset_and_index() -> None:
    links = read_sitemap(urlset("http://a/x", "http://a/y").encode(), max_size=CAP)
    assert (links.kind, links.locs) == ("urlset", ["http://a/x", "http://a/y"])
    index = f"<sitemapindex {NS}><sitemap><loc>http://a/s1.xml</loc></sitemap></sitemapindex>"
    links = read_sitemap(index.encode(), max_size=CAP)
    assert (links.kind, links.locs) == ("sitemapindex", ["http://a/s1.xml"])


def test_gzipped_sitemap() -> None:
    body = gzip.compress(urlset("http://a/x").encode())
    assert read_sitemap(body, max_size=CAP).locs == ["http://a/x"]


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "http://127.0.0.1:{port}/secret", "/etc/hostname"]
)
def test_external_entities_are_refused_unfetched(listener: socket.socket, target: str) -> None:
    port = listener.getsockname()[1]
    prolog = f'<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "{target.format(port=port)}">]>'
    body = urlset("http://a/&xxe;", "http://a/ok", prolog=prolog).encode()
    with pytest.raises(SitemapError, match="declares a DTD") as raised:
        read_sitemap(body, max_size=CAP)
    assert not isinstance(raised.value, NotASitemap)
    assert connections(listener) == 0


def test_external_entity_hidden_from_the_byte_scan_is_not_resolved(
    listener: socket.socket,
) -> None:
    """In UTF-16 the byte scan sees no ``<!DOCTYPE``; the parser still neither fetches the
    entity nor keeps the sitemap."""
    port = listener.getsockname()[1]
    prolog = f'<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>'
    text = urlset("http://a/&xxe;", prolog=prolog).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(SitemapError, match="DTD"):
        read_sitemap(text.encode("utf-16"), max_size=CAP)
    assert connections(listener) == 0


def test_entity_expansion_is_refused() -> None:
    with pytest.raises(SitemapError, match="declares a DTD"):
        read_sitemap(billion_laughs().encode(), max_size=CAP)


def test_lowercase_doctype_is_refused_too() -> None:
    body = urlset("http://a/x", prolog='<!doctype urlset [<!entity e "x">]>').encode()
    with pytest.raises(SitemapError, match="declares a DTD"):
        read_sitemap(body, max_size=CAP)


def test_compressed_bomb_is_not_expanded_past_the_cap() -> None:
    bomb = compress("gzip", 200 * 1024 * 1024)  # ~200 KB that would expand to 200 MiB
    assert len(bomb) < 1_000_000
    with pytest.raises(SitemapError, match=r"expands past 1048576 bytes"):
        read_sitemap(bomb, max_size=1024 * 1024)


def test_corrupt_gzip() -> None:
    with pytest.raises(SitemapError, match="does not gunzip"):
        read_sitemap(b"\x1f\x8b\x08\x00broken", max_size=CAP)


@pytest.mark.parametrize(
    "body", [b"", b"   ", b"<html><body><p>Not found</p></body></html>", b"plain text"]
)
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(NotASitemap):
        read_sitemap(body, max_size=CAP)
