"""The scope middleware and the site-bound redirects, without a crawl: nothing off the site
is requested, whatever the URL's form."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from archiver.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from archiver.downloadermiddlewares.scope import ScopeMiddleware

SITE = "http://127.0.0.1:8000"


def crawler_on(site: str = SITE, **settings: object) -> Crawler:
    crawler = get_crawler(Spider, settings)
    crawler.spider = SimpleNamespace(site=site)  # type: ignore[assignment]
    return crawler


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:8000/a/b/c",  # another loopback address, same port
        "http://127.0.0.1:8001/a/b/c",  # another port
        "https://127.0.0.1:8000/a/b/c",  # another scheme
        "http://localhost:8000/a/b/c",  # the same machine by name
        "http://[::1]:8000/a/b/c",
        "http://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "http://10.0.0.1/a",
        "http://192.168.1.1/a",
        "http://127.0.0.1:8000@127.0.0.2:8000/a",  # user info: the host is 127.0.0.2
        "ftp://127.0.0.1:8000/a",
        "file:///etc/passwd",
        "data:text/html,hello",
    ],
)
def test_out_of_scope_requests_are_refused_and_counted(url: str) -> None:
    crawler = crawler_on()
    middleware = ScopeMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest, match="out of scope"):
        middleware.process_request(Request(url))
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/scope/refused") == 1


def test_site_requests_pass_in_any_spelling() -> None:
    middleware = ScopeMiddleware.from_crawler(crawler_on("http://host.example"))
    for url in ("http://host.example/a", "HTTP://HOST.example:80/a", "http://host.example/?s=x"):
        middleware.process_request(Request(url))  # no IgnoreRequest


def test_the_check_reads_the_url_as_the_downloader_connects() -> None:
    # Scrapy (w3lib) reads a backslash as a path separator, as browsers do: this request
    # goes to 127.0.0.1:8000, path /@127.0.0.2:8000/a, and the check agrees.
    request = Request("http://127.0.0.1:8000\\@127.0.0.2:8000/a")
    assert request.url == "http://127.0.0.1:8000/@127.0.0.2:8000/a"
    ScopeMiddleware.from_crawler(crawler_on()).process_request(request)  # no IgnoreRequest


def test_a_url_over_urllength_limit_is_refused() -> None:
    crawler = crawler_on(URLLENGTH_LIMIT=100)
    middleware = ScopeMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest, match="longer than 100"):
        middleware.process_request(Request(SITE + "/" + "x" * 100))
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/scope/too_long") == 1


def redirect(location: str, status: int = 302) -> tuple[Request, Response]:
    request = Request(SITE + "/a/b/c")
    response = Response(request.url, status=status, headers={"Location": location})
    return request, response


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:8000/a/b/c",
        "//localhost:8000/a/b/c",
        "https://127.0.0.1:8000/a/b/c",
        "file:///etc/passwd",
        "data:text/html,hi",
        "ftp://127.0.0.1:8000/x",
    ],
)
def test_a_redirect_off_the_site_returns_the_3xx(location: str) -> None:
    crawler = crawler_on()
    middleware = RedirectMiddleware.from_crawler(crawler)
    request, response = redirect(location)
    assert middleware.process_response(request, response) is response
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/scope/redirects_refused") == 1


def test_a_redirect_on_the_site_is_followed() -> None:
    middleware = RedirectMiddleware.from_crawler(crawler_on())
    request, response = redirect("/a/b/d")
    followed = middleware.process_response(request, response)
    assert isinstance(followed, Request) and followed.url == SITE + "/a/b/d"


def test_a_meta_refresh_off_the_site_is_not_followed() -> None:
    crawler = crawler_on()
    middleware = MetaRefreshMiddleware.from_crawler(crawler)
    request = Request(SITE + "/a/b/c")
    body = (
        b'<html><head><meta http-equiv="refresh" content="0; url=http://10.0.0.1/x"></head></html>'
    )
    response = HtmlResponse(request.url, body=body, request=request)
    assert middleware.process_response(request, response) is response
    assert crawler.stats is not None
    assert crawler.stats.get_value("archiver/scope/redirects_refused") == 1
