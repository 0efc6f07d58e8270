"""Bare Scrapy over the replica: root menu → category listings (every page) → articles.

The same discovery as the archival spider, with parsel selectors and nothing stored: the
framework's ceiling on this machine. Run with ``scrapy runspider`` and ``-a base_url=...``.
Like the archival crawl it fetches each page's same-site requisites once (the same pure
extractor, ``archiver.parsers.requisites``, stylesheets followed 5 hops deep), so full/bare
compares the same job; ``-a requisites=0`` leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from archiver.parsers.requisites import Requisite, css_requisites, html_requisites
from archiver.urls import PageKind, canonical_url, page_kind

MAX_DEPTH = 5


class BareSpider(scrapy.Spider):
    """Follow the navigation menu, listings and their pagination, fetch articles, keep nothing."""

    name = "bare"

    def __init__(
        self, base_url: str = "http://127.0.0.1:8000", requisites: str = "1", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.seen: set[str] = set()
        self.requisites = requisites not in ("0", "false", "False")

    async def start(self) -> Any:
        yield scrapy.Request(self.base_url + "/", callback=self.parse_root)

    def parse_root(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css("nav a::attr(href), #menu a::attr(href)").getall():
            yield from self.follow(response.urljoin(href))
        yield from self.page_requisites(response)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        for href in response.css(".entry-title a::attr(href)").getall():
            yield from self.follow(response.urljoin(href))
        next_page = response.css(
            ".pagination .alignleft a::attr(href), a.nextpostslink::attr(href)"
        ).get()
        if next_page:
            yield from self.follow(response.urljoin(next_page))
        yield from self.page_requisites(response)

    def parse_article(self, response: Response) -> Iterator[scrapy.Request]:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("bare/articles")
        yield from self.page_requisites(response)

    def page_requisites(self, response: Response) -> Iterator[scrapy.Request]:
        if self.requisites:
            yield from self.fetch(html_requisites(response.text, response.url), 1)

    def fetch(self, found: list[Requisite], depth: int) -> Iterator[scrapy.Request]:
        for requisite in found:
            if requisite.url.startswith(self.base_url) and requisite.url not in self.seen:
                self.seen.add(requisite.url)
                meta = {"depth_hops": depth}
                yield scrapy.Request(
                    requisite.url, callback=self.parse_requisite, meta=meta, priority=30
                )

    def parse_requisite(self, response: Response) -> Iterator[scrapy.Request]:
        content_type = response.headers.get(b"Content-Type") or b""
        depth = response.meta["depth_hops"]
        if content_type.startswith(b"text/css") and depth < MAX_DEPTH:
            yield from self.fetch(css_requisites(response.text, response.url), depth + 1)

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
