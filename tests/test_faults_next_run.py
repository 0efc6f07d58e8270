"""What becomes of a failed page in the next run: a page fetched whole but giving no record
(cut short) is fetched afresh; a listing that failed once and then succeeded is no longer
retried; and every request asks only for encodings standard WARC tools can read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import exitcodes
from archiver.layout import STATE_FILENAME
from archiver.state import CrawlState
from replica import ReplicaServer, build_site
from replica import faults as F
from tests.fault_runs import crawl

pytestmark = pytest.mark.e2e  # crawls the replica in a subprocess

ARTICLES = 8
FAST = {"RETRY_BACKOFF_BASE": "0.2", "RETRY_BACKOFF_MAX": "0.5", "RETRY_TIMES": "1"}


def still_failed(output: Path) -> dict[str, str]:
    state = CrawlState(output / STATE_FILENAME, "check")
    try:
        # The pages' failures: the replica's deliberately missing requisites fail too.
        failures = state.failures()
        return {f.url: f.kind for f in failures if f.kind != "requisite"}
    finally:
        state.close()


def test_a_page_cut_short_is_fetched_afresh_by_the_next_run(tmp_path: Path) -> None:
    # An article only on the second page of one listing, and no sitemaps: the next run's
    # walk stops at the first page (nothing new there), so only the retry can fetch it.
    site = build_site(0, 30)
    listings = [site.category_listing(category.slug) for category in site.categories]
    paged = next(found for found in listings if found is not None and found.pages > 1)
    article = next(post.path for post in reversed(paged.posts) if len(post.categories) == 1)
    faults = {path: F.status(404) for path in ("/wp-sitemap.xml", "/sitemap.xml")}
    faults["/sitemap_index.xml"] = F.status(404)
    output = tmp_path / "output"
    with ReplicaServer(site, faults=faults) as server:
        whole = server.respond(article)[0].body
        cut = whole[: whole.index(b"</article>")]  # an honest Content-Length, half a page
        server.faults[article] = F.replace(cut, times=1)
        first = crawl(server, output, **FAST)
        assert first.code == exitcodes.PAGES_FAILED, first.log[-3000:]
        url = server.base_url + article
        assert url not in {record["url"] for record in first.records}
        assert still_failed(output) == {url: "parse"}

        second = crawl(server, output, **FAST)
        assert second.code == exitcodes.OK, second.log[-3000:]
        assert second.fetched(article) == 1
        assert [r["url"] for r in second.records].count(url) == 1
        assert still_failed(output) == {}


def test_a_listing_that_recovers_is_not_retried_for_ever(tmp_path: Path) -> None:
    site = build_site(0, ARTICLES)
    output = tmp_path / "output"
    with ReplicaServer(site) as server:
        listings = [site.category_listing(category.slug) for category in site.categories]
        listing = next(found.path for found in listings if found is not None and found.posts)
        server.faults[listing] = F.status(503, times=2)  # the first try and its one retry
        first = crawl(server, output, **FAST)
        assert first.code == exitcodes.PAGES_FAILED, first.log[-3000:]
        assert server.base_url + listing in still_failed(output)

        second = crawl(server, output, **FAST)
        assert second.code == exitcodes.OK, second.log[-3000:]
        assert still_failed(output) == {}
        assert len(second.records) == ARTICLES  # every JSONL file of the output: both runs


def test_requests_ask_only_for_encodings_warcio_reads(tmp_path: Path) -> None:
    with ReplicaServer(build_site(0, 3)) as server:
        run = crawl(server, tmp_path / "output")
    assert run.code == exitcodes.OK, run.log[-3000:]
    asked = {entry["headers"].get("Accept-Encoding") for entry in run.requests}
    assert asked == {"gzip, deflate"}
