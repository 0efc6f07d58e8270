"""The replica over HTTP on 127.0.0.1: redirects, gzip, chunked framing, HEAD, keep-alive,
robots.txt and sitemaps per profile, 404s, the request log, lifecycle and the command line."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from replica import Profile, ReplicaServer, Response, Router, Site, build_site
from replica.__main__ import main

Reply = tuple[int, dict[str, str], bytes]
SEED_PATH = "/theaawsat/news-middle-east/defections-from-syrian-army-on-the-rise-free-syrian-army"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplicaServer]:
    with ReplicaServer(build_site()) as running:
        yield running


def _connect(base: str) -> http.client.HTTPConnection:
    parts = urlsplit(base)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)


def _ask(
    conn: http.client.HTTPConnection, path: str, method: str, headers: dict[str, str]
) -> Reply:
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def fetch(
    base: str, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> Reply:
    conn = _connect(base)
    try:
        return _ask(conn, path, method, headers or {})
    finally:
        conn.close()


def raw_get(base: str, path: str, version: str = "HTTP/1.1") -> tuple[bytes, bytes]:
    """Status line and headers, and the body exactly as sent (no de-chunking)."""
    parts = urlsplit(base)
    request = f"GET {path} {version}\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    data = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        for _ in range(100_000):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def dechunk(body: bytes) -> bytes:
    """Strict HTTP/1.1 chunked decoding: sizes, CRLFs and the final zero chunk."""
    out, rest = b"", body
    for _ in range(100_000):
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert rest == b"\r\n", "no CRLF after the last chunk"
            return out
        assert rest[size : size + 2] == b"\r\n", "chunk not followed by CRLF"
        out, rest = out + rest[:size], rest[size + 2 :]
    raise AssertionError("chunked body did not end")


def test_pages_and_not_found(server: ReplicaServer) -> None:
    status, headers, body = fetch(server.base_url, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=UTF-8"
    assert b'id="top-menu"' in body
    status, _, body = fetch(server.base_url, "/no/such/page/here")
    assert status == 404 and b"No Results Found" in body and b"error404" in body
    assert fetch(server.base_url, "/category/opinion/page/999")[0] == 404
    assert fetch(server.base_url, "/category/no-such-category")[0] == 404


def test_trailing_slash_redirects_to_the_slashless_url(server: ReplicaServer) -> None:
    base = server.base_url
    for path, location in [
        (SEED_PATH + "/", SEED_PATH),
        ("/category/opinion/", "/category/opinion"),
        ("/category/opinion/page/2/", "/category/opinion/page/2"),
        ("/tag/syria/?x=1", "/tag/syria?x=1"),
        ("/category/opinion/page/1", "/category/opinion"),
    ]:
        status, headers, body = fetch(base, path)
        assert (status, headers["location"], body) == (301, base + location, b""), path
        assert fetch(base, location)[0] == 200
    assert fetch(base, "/robots.txt/")[0] == 404


def test_query_variants_serve_the_same_document(server: ReplicaServer) -> None:
    _, _, canonical = fetch(server.base_url, SEED_PATH)
    for query in ("?share=facebook&nb=1", "?replytocom=5", "?relatedposts_hit=1"):
        assert fetch(server.base_url, SEED_PATH + query)[2] == canonical
    site = server.site
    post = site.by_path[SEED_PATH]
    status, headers, _ = fetch(server.base_url, f"/?p={post.post_id}")
    assert (status, headers["location"]) == (301, server.base_url + SEED_PATH)


def test_gzip_when_the_client_accepts_it(server: ReplicaServer) -> None:
    _, plain_headers, plain = fetch(server.base_url, "/category/business")
    status, headers, packed = fetch(
        server.base_url, "/category/business", headers={"Accept-Encoding": "gzip, deflate"}
    )
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed) == plain
    assert "content-encoding" not in plain_headers and plain_headers["vary"] == "Accept-Encoding"
    refused = fetch(server.base_url, "/category/business", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused[1]


@pytest.mark.parametrize(("mode", "expect_gzip"), [("always", True), ("never", False)])
def test_gzip_always_and_never(mode: Any, expect_gzip: bool) -> None:
    site = build_site(1, 20, Profile(gzip=mode))
    with ReplicaServer(site) as running:
        asked = fetch(running.base_url, "/", headers={"Accept-Encoding": "gzip"})
        unasked = fetch(running.base_url, "/", headers={"Accept-Encoding": "identity"})
    for _, headers, body in (asked, unasked) if mode == "always" else (asked,):
        assert ("content-encoding" in headers) == expect_gzip
        assert body[:2] == (b"\x1f\x8b" if expect_gzip else b"<!")


def test_some_responses_are_chunked_and_well_framed(server: ReplicaServer) -> None:
    router = Router(server.site, server.base_url)
    paths = router.paths()[:40]
    chunked = []
    for path in paths:
        head, body = raw_get(server.base_url, path)
        if b"transfer-encoding: chunked" in head.lower():
            assert b"content-length" not in head.lower()
            assert dechunk(body) == router(path).body, path
            chunked.append(path)
        else:
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
            assert length == len(body) == len(router(path).body), path
    assert 0 < len(chunked) < len(paths)


def test_http10_clients_get_a_content_length(server: ReplicaServer) -> None:
    for path in Router(server.site, server.base_url).paths()[:20]:
        head, body = raw_get(server.base_url, path, version="HTTP/1.0")
        assert b"chunked" not in head.lower() and len(body) > 0


def test_head_and_keep_alive_on_one_connection(server: ReplicaServer) -> None:
    conn = _connect(server.base_url)
    try:
        status, head_headers, head_body = _ask(conn, "/category/features", "HEAD", {})
        first_socket = conn.sock
        status_get, get_headers, get_body = _ask(conn, "/category/features", "GET", {})
        for path in ("/", "/robots.txt", SEED_PATH, "/category/opinion/", "/missing"):
            _ask(conn, path, "GET", {})
        assert conn.sock is first_socket  # the connection was kept alive throughout
    finally:
        conn.close()
    assert (status, head_body) == (200, b"") and status_get == 200
    head_headers.pop("date"), get_headers.pop("date")
    assert head_headers == get_headers and len(get_body) > 1000


def test_robots_txt_disallows_search_and_names_the_sitemap(server: ReplicaServer) -> None:
    status, headers, body = fetch(server.base_url, "/robots.txt")
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert "User-agent: *" in text and "Disallow: /wp-admin/" in text
    assert "Disallow: /?s=" in text and "Disallow: /search/" in text
    assert f"Sitemap: {server.base_url}/wp-sitemap.xml" in text


def _sitemap_locs(router: Router, path: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", router(path).body.decode())


@pytest.mark.parametrize("family", ["none", "wp-core", "yoast", "robots-only"])
def test_sitemaps_per_profile(family: Any) -> None:
    site = build_site(2, 60, Profile(sitemaps=family))
    base = "http://127.0.0.1:8765"
    router = Router(site, base)
    robots = router("/robots.txt").body.decode()
    advertised = re.findall(r"^Sitemap: (\S+)$", robots, re.M)
    redirect = router("/sitemap.xml")
    if family == "none":
        assert not advertised and site.sitemap_urls() == []
        assert {router(p).status for p in ("/wp-sitemap.xml", "/sitemap_index.xml")} == {404}
        assert redirect.status == 404
        return
    index = advertised[0].removeprefix(base)
    expected_index = {"wp-core": "/wp-sitemap.xml", "yoast": "/sitemap_index.xml"}
    assert index == expected_index.get(family, "/sitemaps/index.xml")
    assert redirect.status == (404 if family == "robots-only" else 301)
    files = [loc.removeprefix(base) for loc in _sitemap_locs(router, index)]
    assert len(files) == 2  # 60 posts, 50 per file
    urls = [loc.removeprefix(base) for f in files for loc in _sitemap_locs(router, f)]
    assert urls == site.sitemap_urls() and sorted(urls) == sorted(site.by_path)


def test_request_log_in_memory_and_on_disk(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with ReplicaServer(build_site(0, 20), request_log=log) as running:
        fetch(running.base_url, "/robots.txt")
        fetch(running.base_url, "/category/opinion/?x=1", headers={"X-Test": "yes"})
        fetch(running.base_url, "/nope", method="HEAD")
        logged = running.requests
    assert [(r["method"], r["path"], r["status"]) for r in logged] == [
        ("GET", "/robots.txt", 200),
        ("GET", "/category/opinion/?x=1", 301),
        ("HEAD", "/nope", 404),
    ]
    assert logged[1]["headers"]["X-Test"] == "yes" and isinstance(logged[0]["time"], float)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines == logged


def test_start_stop_and_restart_on_the_same_port() -> None:
    site = build_site(0, 10)
    running = ReplicaServer(site).start()
    try:
        port = running.port
        assert port > 0 and running.base_url == f"http://127.0.0.1:{port}"
        assert fetch(running.base_url, "/")[0] == 200
    finally:
        running.stop()
    running.stop()  # a second stop is harmless
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    with ReplicaServer(site, port=port) as again:
        assert fetch(again.base_url, "/")[0] == 200
    with pytest.raises(RuntimeError, match="start"):
        _ = ReplicaServer(site).base_url


def test_stop_closes_idle_keep_alive_connections() -> None:
    running = ReplicaServer(build_site(0, 10)).start()
    conn = _connect(running.base_url)
    try:
        assert _ask(conn, "/", "GET", {})[0] == 200
        started = time.monotonic()
        running.stop()
        assert time.monotonic() - started < 3
        with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
            _ask(conn, "/", "GET", {})
    finally:
        conn.close()
        running.stop()


def test_grow_while_serving() -> None:
    with ReplicaServer(build_site(4, 30)) as running:
        before = fetch(running.base_url, running.site.articles[0].path)[2]
        grown = running.grow(36)
        newest = grown.articles[-1]
        assert len(grown.articles) == 36 and running.site is grown
        assert fetch(running.base_url, newest.path)[0] == 200
        listing = fetch(running.base_url, f"/category/{newest.categories[0].slug}")[2]
        assert newest.path.encode() in listing
        after = fetch(running.base_url, grown.articles[0].path)[2]
    # The old article's record is unchanged; only site-wide parts (recent posts) moved on.
    assert (
        before.split(b'<div class="entry-content">')[1].split(b'<div id="sidebar">')[0]
        == (after.split(b'<div class="entry-content">')[1].split(b'<div id="sidebar">')[0])
    )


def test_fault_hook_replaces_a_response() -> None:
    def unavailable(handler: object, response: Response) -> Response:
        return Response(503, b"down for maintenance", "text/plain")

    with ReplicaServer(build_site(0, 10), faults={"/robots.txt": unavailable}) as running:
        status, _, body = fetch(running.base_url, "/robots.txt")
        assert (status, body) == (503, b"down for maintenance")
        assert running.requests[-1]["status"] == 503
        assert fetch(running.base_url, "/")[0] == 200


def test_cli_truth_writes_absolute_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "truth.jsonl"
    base = "http://127.0.0.1:9000"
    assert main(["truth", "--articles", "25", "--base-url", base, "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 25
    assert all(r["url"].startswith(base + "/") for r in records)
    assert all(
        i["url"].startswith(("http://127.0.0.1:9000/", "http://img."))
        for r in records
        for i in r["images"]
    )


def test_cli_export_writes_static_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "site"
    assert (
        main(["export", str(target), "--articles", "30", "--base-url", "http://127.0.0.1:9000"])
        == 0
    )
    site: Site = build_site(0, 30)
    assert (target / "index.html").is_file() and (target / "404.html").is_file()
    assert (target / "robots.txt").read_text().startswith("User-agent: *")
    assert (target / "wp-sitemap.xml").is_file()
    assert (target / "category" / "opinion" / "index.html").is_file()
    article = site.articles[-1].path.lstrip("/")
    assert "http://127.0.0.1:9000/" in (target / article / "index.html").read_text()
    assert "wrote" in capsys.readouterr().out


def test_cli_serve_runs_until_sigterm(tmp_path: Path) -> None:
    ready = tmp_path / "ready.txt"
    command = [sys.executable, "-m", "replica", "serve", "--port", "0"]
    command += ["--articles", "20", "--ready-file", str(ready)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            for _ in range(200):
                if ready.exists() or proc.poll() is not None:
                    break
                time.sleep(0.05)
            base = ready.read_text().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
            assert fetch(base, "/robots.txt")[0] == 200
            proc.send_signal(signal.SIGTERM)
            stdout, stderr = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr
    assert stdout.decode().strip() == base
