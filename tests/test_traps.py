"""Walk bounds (archiver.spiders.walks) and the DEPTH_LIMIT warning, without a crawl."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archiver.spidermiddlewares.depth import DepthMiddleware
from archiver.spiders.walks import ListingWalks, WalkStop

WALK = "http://127.0.0.1:8000/category/opinion"


def entries(page: int) -> list[str]:
    return [f"http://127.0.0.1:8000/a/opinion/post-{page}-{n}" for n in range(6)]


def test_a_walk_with_fresh_entries_goes_on_to_the_cap() -> None:
    walks = ListingWalks(max_pages=3)
    stops = [walks.page(WALK, f"{WALK}/page/{n}", entries(n)) for n in (1, 2, 3)]
    assert stops == [None, None, WalkStop.CAPPED]
    assert [(s.url, s.pages, s.reason) for s in walks.stopped] == [
        (f"{WALK}/page/3", 3, "walk_capped")
    ]


def test_a_page_with_nothing_new_to_the_walk_stops_it() -> None:
    walks = ListingWalks(max_pages=0)  # 0: no cap
    assert walks.page(WALK, WALK, entries(1)) is None
    assert walks.page(WALK, f"{WALK}/page/2", entries(1)[3:]) is WalkStop.REPEATED
    assert walks.page(WALK + "-2", WALK + "-2", []) is WalkStop.REPEATED  # no entries at all


def test_one_new_entry_keeps_a_walk_going_and_walks_are_separate() -> None:
    walks = ListingWalks(max_pages=0)
    walks.page(WALK, WALK, entries(1))
    assert walks.page(WALK, f"{WALK}/page/2", [*entries(1), "http://x/a/b/new"]) is None
    assert walks.page("http://127.0.0.1:8000/category/business", "b", entries(1)) is None
    assert walks.pages(WALK) == 2 and walks.stopped == []


def test_a_negative_cap_names_the_setting() -> None:
    with pytest.raises(ValueError, match="ARCHIVE_MAX_LISTING_PAGES"):
        ListingWalks(max_pages=-1)


def test_the_first_link_past_depth_limit_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    crawler = get_crawler(Spider, {"DEPTH_LIMIT": 2})
    middleware = DepthMiddleware.from_crawler(crawler)
    response = HtmlResponse("http://127.0.0.1:8000/x.xml", body=b"", request=Request("http://a"))
    response.meta["depth"] = 2
    with caplog.at_level(logging.WARNING):
        assert (
            middleware.get_processed_request(Request("http://127.0.0.1:8000/y"), response) is None
        )
        assert (
            middleware.get_processed_request(Request("http://127.0.0.1:8000/z"), response) is None
        )
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "deeper than DEPTH_LIMIT 2" in caplog.records[0].getMessage()
    assert crawler.stats is not None
    assert crawler.stats.get_value("depth/request_ignored_count") == 2
