"""Requisite hosts (ARCHIVE_REQUISITE_HOSTS) open to requisites and their robots.txt only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from archiver.downloadermiddlewares.scope import ScopeMiddleware
from archiver.meta import REQUISITE_META_KEY
from archiver.spiders.requisites import PageRequisites, origins

SITE = "http://127.0.0.1:8000"
CDN = "http://127.0.0.2:8001"


def middleware(hosts: list[str]) -> ScopeMiddleware:
    crawler = get_crawler(Spider)
    requisites = PageRequisites(crawler, SITE, enabled=True, hosts=hosts, depth=5)
    crawler.spider = SimpleNamespace(site=SITE, requisites=requisites)  # type: ignore[assignment]
    return ScopeMiddleware.from_crawler(crawler)


def requisite(url: str) -> Request:
    return Request(url, meta={REQUISITE_META_KEY: "article"})


def test_an_allowed_host_serves_requisites_and_robots_txt_only() -> None:
    scope = middleware([CDN])
    scope.process_request(requisite(CDN + "/css?family=Open+Sans"))
    scope.process_request(Request(CDN + "/robots.txt"))
    with pytest.raises(IgnoreRequest, match="out of scope"):
        scope.process_request(Request(CDN + "/category/opinion"))  # a page: never


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:8002/a.png",  # the CDN's host on another port
        "https://127.0.0.2:8001/a.png",  # another scheme
        "http://127.0.0.3:8001/a.png",
    ],
)
def test_requisites_elsewhere_are_refused(url: str) -> None:
    with pytest.raises(IgnoreRequest, match="out of scope"):
        middleware([CDN]).process_request(requisite(url))


def test_no_requisite_host_by_default() -> None:
    with pytest.raises(IgnoreRequest):
        middleware([]).process_request(requisite(CDN + "/a.png"))


def test_origins_of_a_setting_entry() -> None:
    assert origins("https://fonts.gstatic.com") == {"https://fonts.gstatic.com:443"}
    assert origins("i0.wp.com") == {"http://i0.wp.com:80", "https://i0.wp.com:443"}
    with pytest.raises(ValueError, match="ARCHIVE_REQUISITE_HOSTS"):
        origins("http://")
