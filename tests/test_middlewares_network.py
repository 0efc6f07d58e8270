"""Unit tests of the network middlewares: backoff, Retry-After, redirect loops and limits."""

from __future__ import annotations

import re
import time
from email.utils import formatdate
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.settings import Settings

from archiver.downloadermiddlewares.redirect_limits import (
    BoundedRedirectMiddleware,
    RedirectLoop,
    TooManyRedirects,
)
from archiver.downloadermiddlewares.retry import BackoffRetryMiddleware, retry_after


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count


class _Crawler:
    def __init__(self) -> None:
        self.stats = _Stats()
        self.spider = SimpleNamespace(site="http://127.0.0.1")  # the crawl's one site


def retry_middleware(**settings: Any) -> BackoffRetryMiddleware:
    middleware = BackoffRetryMiddleware(Settings({"RETRY_ENABLED": True, **settings}))
    middleware.crawler = _Crawler()  # type: ignore[assignment]
    return middleware


def response(status: int, retry_after_value: str | None = None) -> Response:
    headers = {"Retry-After": retry_after_value} if retry_after_value is not None else {}
    return Response("http://127.0.0.1/a", status=status, headers=headers)


def test_backoff_doubles_up_to_the_cap_with_jitter_above_it() -> None:
    middleware = retry_middleware(RETRY_BACKOFF_BASE=2, RETRY_BACKOFF_MAX=10)
    for attempt, base in ((1, 2), (2, 4), (3, 8), (4, 10), (9, 10)):
        waits = [middleware.backoff(attempt) for _ in range(50)]
        assert all(base <= wait <= base * 1.5 for wait in waits)
        assert len(set(waits)) > 1  # jitter


@pytest.mark.parametrize("value", ["", "soon", "Fri, 99 Foo 2000 00:00:00 GMT"])
def test_an_unreadable_retry_after_is_ignored(value: str) -> None:
    assert retry_after(response(429, value)) is None


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    assert retry_after(response(429, "120")) == 120.0
    future = retry_after(response(503, formatdate(time.time() + 60, usegmt=True)))
    assert future is not None and 55 <= future <= 61
    assert retry_after(response(503, formatdate(time.time() - 60, usegmt=True))) == 0.0
    assert retry_after(response(429)) is None


def test_a_negative_setting_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="RETRY_BACKOFF_MAX must be a number of seconds"):
        retry_middleware(RETRY_BACKOFF_MAX=-1)


def redirect_middleware(max_times: int = 3) -> BoundedRedirectMiddleware:
    settings = Settings({"REDIRECT_ENABLED": True, "REDIRECT_MAX_TIMES": max_times})
    middleware = BoundedRedirectMiddleware(settings)
    middleware.crawler = _Crawler()  # type: ignore[assignment]
    return middleware


def redirected(request: Request, location: str) -> Request | Response:
    middleware = redirect_middleware()
    answer = Response(request.url, status=302, headers={"Location": location})
    return middleware.process_response(request, answer)


def test_a_redirect_back_into_its_chain_is_a_loop() -> None:
    first = Request("http://127.0.0.1/a")
    second = redirected(first, "/b")
    assert isinstance(second, Request) and second.url == "http://127.0.0.1/b"
    with pytest.raises(RedirectLoop, match=re.escape("/a → http://127.0.0.1/b → http")):
        redirected(second, "/a#top")  # a fragment is the same document


def test_a_chain_past_the_limit_is_too_many_redirects() -> None:
    middleware = redirect_middleware(max_times=2)
    request: Request | Response = Request("http://127.0.0.1/0")
    for hop in range(1, 3):
        assert isinstance(request, Request)
        answer = Response(request.url, status=301, headers={"Location": f"/{hop}"})
        request = middleware.process_response(request, answer)
    assert isinstance(request, Request)
    answer = Response(request.url, status=301, headers={"Location": "/3"})
    with pytest.raises(TooManyRedirects, match="more than 2 redirects"):
        middleware.process_response(request, answer)
    assert middleware.crawler.stats.values == {"archiver/redirects/max_reached": 1}
