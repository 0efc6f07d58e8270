"""The meta-refresh pre-check: a page it rules out is one Scrapy's own scan finds no refresh
in, so skipping that scan changes nothing but the time it takes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.spiders import Spider
from scrapy.utils.response import get_meta_refresh
from scrapy.utils.test import get_crawler

from archiver.downloadermiddlewares.redirect import MetaRefreshMiddleware, may_refresh
from replica import build_site
from replica.router import HTML, Router

URL = "http://127.0.0.1:1/news/a"
REFRESH = '<meta http-equiv="{}" content="0;url=/news/b">'
ARABIC = "الشرق الأوسط " * 290  # ~3,800 characters, ~7,000 bytes in UTF-8


def pages() -> list[tuple[str, bytes, str]]:
    """(name, body, charset): refreshes anywhere in reach, in any case and encoding."""
    found = []
    for spelling in ("refresh", "Refresh", "REFRESH", "rEfReSh"):
        html = f"<html><head>{REFRESH.format(spelling)}</head><body>x</body></html>"
        found.append((spelling, html.encode("utf-8"), "utf-8"))
    late = f"<html><head><title>{ARABIC}</title>{REFRESH.format('refresh')}</head></html>"
    found.append(("after multi-byte text", late.encode("utf-8"), "utf-8"))
    for charset in ("utf-16", "utf-16-le", "utf-32"):
        html = f"<html><head>{REFRESH.format('refresh')}</head></html>"
        found.append((charset, html.encode(charset), charset))
    html = f"<html><head><script>{REFRESH.format('refresh')}</script></head></html>"
    found.append(("in a script", html.encode("utf-8"), "utf-8"))
    none = "<html><head><title>Riyadh</title></head><body><p>Nothing to see.</p></body></html>"
    found.append(("none", none.encode("utf-8"), "utf-8"))
    return found


def response(body: bytes, charset: str) -> HtmlResponse:
    headers = {"Content-Type": f"text/html; charset={charset}"}
    return HtmlResponse(URL, body=body, headers=headers, request=Request(URL))


@pytest.mark.parametrize(("name", "body", "charset"), pages(), ids=[p[0] for p in pages()])
def test_every_refresh_scrapy_finds_passes_the_check(name: str, body: bytes, charset: str) -> None:
    interval, _ = get_meta_refresh(response(body, charset))
    assert (interval is None) == (name in ("in a script", "none"))  # what Scrapy finds
    if interval is not None:
        assert may_refresh(body), name
    if name == "none":
        assert not may_refresh(body)


def test_the_replica_pages_are_ruled_out_and_scrapy_agrees() -> None:
    router = Router(build_site(seed=0, articles=30), "http://127.0.0.1:1")
    bodies = [page.body for page in map(router, router.paths()) if page.content_type == HTML]
    assert len(bodies) >= 30
    for body in bodies:
        assert get_meta_refresh(response(body, "utf-8")) == (None, None)
        assert not may_refresh(body)


def test_the_middleware_still_follows_a_refresh() -> None:
    crawler = get_crawler(Spider, {})
    crawler.spider = SimpleNamespace(site="http://127.0.0.1:1")  # type: ignore[assignment]
    middleware = MetaRefreshMiddleware.from_crawler(crawler)
    body = f"<html><head>{REFRESH.format('Refresh')}</head></html>".encode()
    page = response(body, "utf-8")
    result = middleware.process_response(page.request, page)
    assert isinstance(result, Request) and result.url == "http://127.0.0.1:1/news/b"
    plain = response(b"<html><head></head><body>x</body></html>", "utf-8")
    assert middleware.process_response(plain.request, plain) is plain
