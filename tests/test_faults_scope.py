"""Issue #5, cases 14-17 (scope and URLs), against the real crawl in a subprocess.

14: links and redirects to another host, port or address are never fetched, and counted;
15: redirects to file:/data:/ftp:, javascript:/mailto: links and absurdly long URLs are
refused or filtered, and counted; 16: one article in every URL variant is fetched once;
17: spider traps (endless pagination, calendar-style sitemaps) are bounded. The harness
(tests/fault_runs.py) checks every WARC, JSONL line and record pointer after each crawl.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from archiver.urls import canonical_url
from replica import ReplicaServer, build_site
from replica import faults as F
from replica.router import HTML, XML, Response
from replica.server import Fault
from replica.site import Site
from tests.fault_runs import FaultRun, crawl

pytestmark = pytest.mark.e2e
ARTICLES = 10


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(0, ARTICLES)


@pytest.fixture
def server(site: Site) -> Iterator[ReplicaServer]:
    with ReplicaServer(site) as running:
        yield running


@pytest.fixture
def other(server: ReplicaServer) -> Iterator[ReplicaServer]:
    """A second replica on another loopback address, on the main one's port when free
    (a check of the port alone would then let it through)."""
    other = ReplicaServer(build_site(1, 3), host="127.0.0.2", port=server.port)
    try:
        other.start()
    except OSError:  # the port is taken on 127.0.0.2: another port still shows the host check
        other = ReplicaServer(build_site(1, 3), host="127.0.0.2").start()
    with other:
        yield other


def first_listing(site: Site) -> str:
    listing = site.category_listing(site.categories[0].slug)
    assert listing is not None
    return listing.path


def listing_page(entries: list[str], next_page: str | None = None) -> bytes:
    """A Divi category listing page: one entry per href, "« Older Entries" to next_page."""
    posts = "".join(
        f'<article id="post-{9000 + n}" class="et_pb_post post">'
        f'<h2 class="entry-title"><a href="{html.escape(href)}">Post {n}</a></h2>'
        '<p class="post-meta">by <span class="author vcard"><a href="#">A. Writer</a></span>'
        ' | <span class="published">Jun 27, 2014</span></p>An excerpt of the post...</article>'
        for n, href in enumerate(entries)
    )
    older = (
        f'<div class="pagination clearfix"><div class="alignleft">'
        f'<a href="{html.escape(next_page)}">&laquo; Older Entries</a></div></div>'
        if next_page
        else ""
    )
    return (
        "<!DOCTYPE html><html><head><title>Listing</title></head><body>"
        f'<div id="main-content"><div id="left-area">{posts}{older}</div></div>'
        "</body></html>"
    ).encode()


def sitemap(kind: str, locs: list[str]) -> bytes:
    """A sitemap index (kind "sitemapindex") or urlset (kind "urlset") of ``locs``."""
    item = "sitemap" if kind == "sitemapindex" else "url"
    body = "".join(f"<{item}><loc>{html.escape(loc)}</loc></{item}>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<{kind} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</{kind}>'
    ).encode()


def robots(*sitemaps: str) -> Fault:
    lines = ["User-agent: *", "Disallow: /wp-admin/", *(f"Sitemap: {url}" for url in sitemaps)]
    return F.replace(("\n".join(lines) + "\n").encode(), content_type="text/plain")


class PrefixFaults(dict[str, Fault]):
    """``server.faults`` that also answer every path under a prefix (the server looks a
    fault up with ``faults.get(path)``): endless URL spaces for the trap tests."""

    def __init__(self, prefixes: dict[str, Fault]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def get(self, path: str, default: Any = None) -> Any:
        for prefix, fault in self.prefixes.items():
            if path.startswith(prefix):
                return fault
        return super().get(path, default)


def generated(make: Callable[[str], Response]) -> Fault:
    """A fault answering ``make(request path)`` for any path it is mapped to."""

    def fault(handler: BaseHTTPRequestHandler, response: Response) -> Response:
        return make(handler.path)

    return fault


def requested(run: FaultRun, predicate: Callable[[str], bool]) -> list[str]:
    return [str(entry["path"]) for entry in run.requests if predicate(str(entry["path"]))]


def warnings(run: FaultRun) -> list[str]:
    return [line for line in run.log.splitlines() if " WARNING: " in line]


# --- 14: other hosts, ports, addresses --------------------------------------------------------


def test_a_start_url_and_robots_txt_redirected_off_site_are_not_followed(
    server: ReplicaServer, other: ReplicaServer, tmp_path: Path
) -> None:
    server.faults["/"] = F.redirect(other.base_url + "/")
    server.faults["/robots.txt"] = F.redirect(other.base_url + "/robots.txt")
    run = crawl(server, tmp_path / "out")
    assert run.code == 1
    assert other.requests == []
    root = run.failed_urls()[server.base_url + "/"]
    assert (root["kind"], root["status"]) == ("root", 302)
    assert run.report["scope"]["redirects_refused"] == 2
    assert any("Not following the redirect of" in line for line in warnings(run))
    assert run.records == []


def test_links_and_redirects_to_other_hosts_are_never_fetched(
    site: Site, server: ReplicaServer, other: ReplicaServer, tmp_path: Path
) -> None:
    port = server.port
    articles = site.listing_reachable_urls()
    kept, redirected_away, redirected_to_localhost = articles[0], articles[1], articles[2]
    offsite = [
        f"{other.base_url}/theaawsat/business/on-the-other-host",
        f"//127.0.0.2:{port}/theaawsat/business/protocol-relative",
        f"http://localhost:{port}/leak/localhost/x",
        f"http://[::1]:{port}/leak/ipv6/x",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/leak/private/x",
        "http://192.168.1.1/leak/private/x",
        f"https://127.0.0.1:{port}/leak/other/scheme",
        f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/leak/other/port",
    ]
    entries = [server.base_url + kept, redirected_away, redirected_to_localhost, *offsite]
    server.faults[first_listing(site)] = F.replace(listing_page(entries))
    server.faults["/robots.txt"] = robots(f"{other.base_url}/wp-sitemap.xml")
    server.faults[redirected_away] = F.redirect(f"{other.base_url}{redirected_away}")
    server.faults[redirected_to_localhost] = F.redirect(f"http://localhost:{port}/leak/redirect")
    run = crawl(server, tmp_path / "out")

    assert other.requests == []  # nothing reached 127.0.0.2, same port or not
    assert requested(run, lambda path: path.startswith("/leak/")) == []  # nor localhost
    assert run.code == 1
    failed = run.failed_urls()
    for path in (redirected_away, redirected_to_localhost):
        assert failed[server.base_url + path]["status"] == 302
    scope = run.report["scope"]
    assert scope["links_out_of_scope"] >= len(offsite) + 1  # + robots.txt's Sitemap: line
    assert scope["redirects_refused"] == 2
    assert server.base_url + kept in {record["url"] for record in run.records}


# --- 15: other schemes, long URLs ------------------------------------------------------------


def test_redirects_to_other_schemes_and_odd_or_long_links_are_refused(
    site: Site, server: ReplicaServer, tmp_path: Path
) -> None:
    articles = site.listing_reachable_urls()
    to_file, to_data, to_ftp, to_long, kept = articles[:5]
    long_path = "/theaawsat/business/" + "x" * 3000
    server.faults[to_file] = F.redirect("file:///etc/passwd")
    server.faults[to_data] = F.redirect("data:text/html,<h1>hello</h1>")
    server.faults[to_ftp] = F.redirect(f"ftp://127.0.0.1:{server.port}/pub/x")
    server.faults[to_long] = F.redirect(server.base_url + long_path)
    long_href = server.base_url + "/theaawsat/business/" + "y" * 100_000  # a 100 KB href
    odd = [
        "javascript:alert(document.cookie)",
        "mailto:editor@example.org",
        "tel:+4420000000",
        "http://127.0.0.1:99999/bad/port/x",  # no such port: an invalid URL
        long_href,
    ]
    entries = [server.base_url + kept, *odd]
    server.faults[first_listing(site)] = F.replace(listing_page(entries))
    run = crawl(server, tmp_path / "out")

    assert run.code == 1
    failed = run.failed_urls()
    for path in (to_file, to_data, to_ftp):
        assert failed[server.base_url + path]["status"] == 302
    assert "longer than 2083" in failed[server.base_url + to_long]["reason"]
    assert max(len(str(entry["path"])) for entry in run.requests) < 2083
    scope = run.report["scope"]
    assert scope["redirects_refused"] == 3
    assert scope["urls_too_long"] == 1
    assert scope["links_too_long"] == 1
    assert scope["links_invalid"] == 1
    assert scope["links_out_of_scope"] >= 3
    log = "\n".join(warnings(run))
    assert f"Not following a link of {len(long_href)} characters" in log
    assert "y" * 201 not in log  # the long URL is logged truncated
    assert server.base_url + kept in {record["url"] for record in run.records}


# --- 16: one article, many URLs --------------------------------------------------------------


def test_every_variant_of_an_article_url_is_fetched_once(
    site: Site, server: ReplicaServer, tmp_path: Path
) -> None:
    path = site.listing_reachable_urls()[0]
    base, port = server.base_url, server.port
    author, category, slug = path.strip("/").split("/")
    variants = [
        base + path,
        path,  # relative
        f"//127.0.0.1:{port}{path}",  # protocol-relative
        base + path + "/",
        base + path + "?utm_source=twitter&utm_medium=social&utm_campaign=x",
        base + path + "?fbclid=IwAR0abc",
        base + path + "?share=facebook",
        base + path + "?share=twitter&nb=1",
        base + path + "#comments",
        base + path + "/?share=email#respond",
        f"HTTP://127.0.0.1:{port}{path}",
        f"{base}/{author}/./{category}/{slug}",
        f"{base}/{author}/x/../{category}/{slug}",
        f"{base}//{author}/{category}/{slug}/",
    ]
    server.faults[first_listing(site)] = F.replace(listing_page(variants))
    server.faults["/robots.txt"] = robots(base + "/variants.xml")
    server.faults["/variants.xml"] = F.replace(sitemap("urlset", variants), content_type=XML)
    run = crawl(server, tmp_path / "out")

    assert run.code == 0
    assert run.fetched("/variants.xml") == 1
    assert requested(run, lambda p: p.startswith(path)) == [path]
    assert [r["url"] for r in run.records].count(canonical_url(base + path)) == 1


# --- 17: spider traps ------------------------------------------------------------------------

_PAGE = re.compile(r"/page/(\d+)$")


def _page_number(target: str) -> int:
    match = _PAGE.search(target.split("?", 1)[0])
    return int(match[1]) if match else 1


def test_endless_pagination_repeating_its_entries_stops_at_the_first_repeat(
    site: Site, server: ReplicaServer, tmp_path: Path
) -> None:
    first = first_listing(site)
    same = [server.base_url + path for path in site.listing_reachable_urls()[:6]]

    def page(target: str) -> Response:
        older = f"{server.base_url}{first}/page/{_page_number(target) + 1}"
        return Response(200, listing_page(same, older), HTML)

    server.faults = PrefixFaults({first: generated(page)})
    run = crawl(server, tmp_path / "out")

    assert run.code == 0
    assert requested(run, lambda p: p.startswith(first)) == [first, f"{first}/page/2"]
    [stop] = run.report["limits"]["walks_stopped"]
    assert (stop["url"], stop["reason"]) == (f"{server.base_url}{first}/page/2", "walk_repeated")
    assert any("Stopped walking listing" in line for line in warnings(run))
    assert {canonical_url(url) for url in same} <= {r["url"] for r in run.records}


def test_endless_pagination_of_fresh_dead_links_stops_at_the_page_cap(
    site: Site, server: ReplicaServer, tmp_path: Path
) -> None:
    first = first_listing(site)

    def page(target: str) -> Response:
        number = _page_number(target)
        fresh = [f"{server.base_url}/ghost/business/post-{number}-{n}" for n in range(3)]
        older = f"{server.base_url}{first}/page/{number + 1}"
        return Response(200, listing_page(fresh, older), HTML)

    server.faults = PrefixFaults({first: generated(page)})
    # DEPTH_LIMIT 2 < 4 pages: pagination is bounded per walk, not by depth.
    run = crawl(server, tmp_path / "out", ARCHIVE_MAX_LISTING_PAGES="4", DEPTH_LIMIT="2")

    pages = requested(run, lambda p: p.startswith(first))
    assert pages == [first] + [f"{first}/page/{n}" for n in (2, 3, 4)]
    [stop] = run.report["limits"]["walks_stopped"]
    assert (stop["pages"], stop["reason"]) == (4, "walk_capped")
    # The dead links are failed pages (exit 1), each fetched once: 4 pages of 3.
    assert run.code == 1
    ghosts = {url for url in run.failed_urls() if "/ghost/" in url}
    assert len(ghosts) == 12
    assert len(requested(run, lambda p: p.startswith("/ghost/"))) == 12


def test_calendar_traps_are_bounded_by_depth_and_never_walked_from_entries(
    site: Site, server: ReplicaServer, tmp_path: Path
) -> None:
    base = server.base_url
    months = re.compile(r"/sitemap-(\d{4})-(\d{2})\.xml$")

    def month(target: str) -> Response:  # each month's index names the next month's
        match = months.search(target)
        assert match is not None
        year, number = int(match[1]), int(match[2])
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        next_month = f"{base}/sitemap-{year}-{number:02d}.xml"
        return Response(200, sitemap("sitemapindex", [next_month]), XML)

    first = first_listing(site)

    def days(target: str) -> Response:  # a page of day archives, and an older page
        number = _page_number(target)
        links = [f"{base}/category/calendar/{number}/01/{day:02d}" for day in range(1, 8)]
        return Response(200, listing_page(links, f"{base}{first}/page/{number + 1}"), HTML)

    server.faults = PrefixFaults({"/sitemap-": generated(month), first: generated(days)})
    server.faults["/robots.txt"] = robots(f"{base}/sitemap-2012-01.xml")
    run = crawl(server, tmp_path / "out")

    assert run.code == 0
    # root 0 → robots.txt's sitemap 1 → ... → depth 10 (DEPTH_LIMIT); the 11th is dropped
    assert len(requested(run, lambda p: p.startswith("/sitemap-"))) == 10
    assert run.report["limits"]["depth_limit_ignored"] == 1
    assert any("deeper than DEPTH_LIMIT 10" in line for line in warnings(run))
    # Entries are followed only as articles; a page with no article new to its walk ends it.
    assert requested(run, lambda p: p.startswith("/category/calendar")) == []
    assert requested(run, lambda p: p.startswith(first)) == [first]
    [stop] = run.report["limits"]["walks_stopped"]
    assert (stop["url"], stop["reason"]) == (base + first, "walk_repeated")
    assert len(run.records) == ARTICLES  # other listings and /wp-sitemap.xml still lead in
