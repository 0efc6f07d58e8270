"""The crawl remembers discovered articles (listing entry date and category, sitemap
lastmod) in the state's ``discovered`` table; coverage counts them by source."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.utils.test import get_crawler

from archiver.coverage.counts import measure
from archiver.coverage.gaps import gap_runs, gaps
from archiver.discovery import remember_listing, remember_sitemap
from archiver.parsers.listing import ListingEntry
from archiver.sitemaps import read_sitemap
from archiver.state import get_state

SITE = "http://127.0.0.1:1"


def _article(url: str) -> str | None:
    return url if url.startswith(SITE + "/") and url.count("/") == 5 else None


def _entry(path: str, published: str | None, *categories: str) -> ListingEntry:
    return ListingEntry(
        url=SITE + path,
        post_id=None,
        title="t",
        byline=None,
        published=published,
        categories=list(categories),
    )


def test_listing_and_sitemap_rows_merge_and_coverage_counts_their_sources(tmp_path: Path) -> None:
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{SITE}/a/opinion/one</loc><lastmod>2012-03-04T00:00:00+00:00</lastmod></url>"
        f"<url><loc>{SITE}/a/opinion/three</loc></url></urlset>"
    ).encode()
    links = read_sitemap(sitemap, max_size=10**6)
    assert links.lastmods == {f"{SITE}/a/opinion/one": "2012-03-04T00:00:00+00:00"}
    (tmp_path / "jsonl").mkdir()
    crawler = get_crawler(settings_dict={"ARCHIVE_OUTPUT_DIR": str(tmp_path)})
    state = get_state(crawler)
    remember_listing(
        crawler,
        [
            _entry("/a/opinion/one", "2012-03-01", "Opinion", "Features"),
            _entry("/a/features/two", "2012-06-09", "Features"),
            _entry("/category/opinion", None),  # not an article: not remembered
        ],
        _article,
    )
    remember_sitemap(crawler, links, _article)
    count = "SELECT count(*) FROM discovered"
    assert state._db.execute(count).fetchone() == (0,)  # noted, written in batches
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    state.record_failure(f"{SITE}/a/features/two", kind="parse", status=200, reason="layout")
    rows = state._db.execute(
        "SELECT url, in_listing, in_sitemap, listing_published, listing_section,"
        " sitemap_lastmod FROM discovered ORDER BY url"
    ).fetchall()
    state.close()
    assert rows == [
        (f"{SITE}/a/features/two", 1, 0, "2012-06-09", "Features", None),
        (f"{SITE}/a/opinion/one", 1, 1, "2012-03-01", "Opinion", "2012-03-04T00:00:00+00:00"),
        (f"{SITE}/a/opinion/three", 0, 1, None, None, None),
    ]
    record = {"url": f"{SITE}/a/opinion/one", "published": "2012-03-01", "section": "Opinion"}
    (tmp_path / "jsonl" / "r.jsonl").write_text(json.dumps(record) + "\n")
    coverage = measure(tmp_path)
    assert coverage.discovery == {"listing_only": 1, "listing_and_sitemap": 1, "sitemap_only": 1}
    assert coverage.cells[("2012-03", "Opinion")] == {"seen": 1, "archived": 1}
    assert coverage.cells[("2012-06", "Features")] == {"seen": 1, "no_record": 1}
    assert coverage.cells[("unknown", "(none)")] == {"seen": 1, "pending": 1}


def test_a_write_error_is_counted_never_raised_into_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_OUTPUT_DIR": str(tmp_path)})
    crawler.stats.open_spider()

    def full(rows: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(get_state(crawler), "add_discovered", full)
    monkeypatch.setattr("archiver.discovery.BATCH", 1)
    remember_listing(crawler, [_entry("/a/opinion/one", "2012-03-01", "Opinion")], _article)
    assert crawler.stats.get_value("archiver/state/write_errors") == 1


def test_gaps_are_the_empty_months_between_full_ones() -> None:
    missing = gaps(["2011-11", "2012-03", "2011-12", "2012-07"])
    assert missing == ["2012-01", "2012-02", "2012-04", "2012-05", "2012-06"]
    assert gap_runs(missing) == ["2012-01..2012-02", "2012-04..2012-06"]
    assert gaps([]) == []
