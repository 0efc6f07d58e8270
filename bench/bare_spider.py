"""Bare Scrapy over the replica: root menu → category listings (every page) → articles.

The same discovery as the archival spider, with parsel selectors and nothing stored: the
framework's ceiling on this machine. Run with ``scrapy runspider`` and ``-a base_url=...``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from archiver.urls import PageKind, canonical_url, page_kind


class BareSpider(scrapy.Spider):
    """Follow the navigation menu, listings and their pagination, fetch articles, keep nothing."""

    name = "bare"

    def __init__(self, base_url: str = "http://127.0.0.1:8000", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.seen: set[str] = set()

    async def start(self) -> Any:
        yield scrapy.Request(self.base_url + "/", callback=self.parse_root)

    def parse_root(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css("nav a::attr(href), #menu a::attr(href)").getall():
            yield from self.follow(response.urljoin(href))

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css(".entry-title a::attr(href)").getall():
            yield from self.follow(response.urljoin(href))
        next_page = response.css(
            ".pagination .alignleft a::attr(href), a.nextpostslink::attr(href)"
        ).get()
        if next_page:
            yield from self.follow(response.urljoin(next_page))

    def parse_article(self, response: Response) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("bare/articles")

    def follow(self, url: str) -> Iterator[scrapy.Request]:
        url = canonical_url(url)
        if not url.startswith(self.base_url) or url in self.seen:
            return
        kind = page_kind(url)
        callback: Callable[[Response], Any]
        if kind is PageKind.ARTICLE:
            callback = self.parse_article
        elif kind is PageKind.LISTING and "/category/" in url:
            callback = self.parse_listing
        else:
            return
        self.seen.add(url)
        yield scrapy.Request(url, callback=callback)
