"""The ``archive`` spider: discovery and navigation of the archive.

Discovery starts at the site root (SITE.md): the navigation menu's category links, nested
sub-menus included, each category listing paged to its last page ("« Older Entries"), the
article links of every listing entry; and sitemaps, from robots.txt ``Sitemap:`` lines and
the usual WordPress locations, where the site has them. Every article URL is put in its one
canonical form before it is requested, so share links, fragments and trailing-slash variants
cost no extra request. The spider decides what to fetch and hands each page to its parser
(``archiver.parsers``, perhaps in a worker process); extraction is the parsers', failures
go to the ledger (``archiver.failures``), storage to the pipelines.

Arguments: ``-a base_url=http://127.0.0.1:8000`` crawls a mirror with the same URL scheme
(the crawl then stays on that scheme, host and port); ``-a full_walk=1`` pages every
listing to its end even where an earlier run already archived everything on it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.robotstxt import RobotParser
from twisted.python.failure import Failure

from archiver.capture.extension import capture_for
from archiver.decoding import page_text
from archiver.discovery import remember_listing, remember_sitemap
from archiver.failures import RETRIED_FAILURES, FailureLedger
from archiver.items import ArticleRecord
from archiver.meta import KIND_META_KEY, WALK_META_KEY
from archiver.parsers import LayoutError, category_links, extract_article, extract_listing
from archiver.parsers.extract import extract_requisites
from archiver.pool import WorkerCrashed, WorkerPool
from archiver.pool.crawler import get_workers
from archiver.sitemaps import NotASitemap, SitemapError, read_sitemap
from archiver.spiders.requisites import PageRequisites, with_captures
from archiver.spiders.walks import ListingWalks, WalkStop
from archiver.state import CrawlState, get_state
from archiver.urls import (
    DEFAULT_BASE_URL,
    PageKind,
    canonical_url,
    is_category_listing,
    normalize_base_url,
    page_kind,
    site_key,
)

logger = logging.getLogger(__name__)

USUAL_SITEMAPS = ("/wp-sitemap.xml", "/sitemap.xml", "/sitemap_index.xml")
# Articles first: each one finishes (capture, record) soon after its listing is read, so the
# queue stays short and an interrupted run has archived whole articles, not just listings.
_PRIORITY = {PageKind.ARTICLE: 20, PageKind.SITEMAP: 10, PageKind.LISTING: 0}


class ArchiveSpider(Spider):
    """Crawls the archive's listings, sitemaps and articles; yields ``ArticleRecord`` items."""

    name = "archive"

    def __init__(
        self, base_url: str = DEFAULT_BASE_URL, full_walk: str | bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.site = normalize_base_url(base_url)
        self.allowed_domains = [urlsplit(self.site).hostname or ""]
        self.full_walk = str(full_walk).lower() in ("1", "true", "yes")
        self.robots_sitemaps: list[str] = []
        self.walks = ListingWalks(0)  # from_crawler: ARCHIVE_MAX_LISTING_PAGES
        self.max_url_length = 0  # from_crawler: URLLENGTH_LIMIT
        self.workers = WorkerPool(0)  # from_crawler: the crawl's pool (ARCHIVE_WORKERS)
        self.requisites: PageRequisites | None = None  # from_crawler: ARCHIVE_REQUISITE_*

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, ArchiveSpider)
        spider.full_walk = spider.full_walk or crawler.settings.getbool("ARCHIVE_FULL_WALK")
        spider.walks = ListingWalks(crawler.settings.getint("ARCHIVE_MAX_LISTING_PAGES"))
        spider.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT")
        spider.workers = get_workers(crawler)
        spider.requisites = PageRequisites.from_crawler(crawler, spider.site)
        # Scrapy's OffsiteMiddleware would refuse robots.txt of a requisite host; the scope
        # middleware still keeps everything but requisites (and robots.txt) off them.
        spider.allowed_domains += spider.requisites.hostnames()
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    @property
    def state(self) -> CrawlState:
        return get_state(self.crawler)

    @property
    def failures(self) -> FailureLedger:
        return FailureLedger(self.crawler)

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(self.site + "/", PageKind.ROOT, self.parse_root)
        for failure in self.state.failures(kinds=RETRIED_FAILURES):
            # Pages that failed in an earlier run are tried again (a listing's walk resumes;
            # a page cut short or unparsable is fetched afresh).
            for request in self.follow(failure.url):
                yield request
        assert self.requisites is not None
        for request in self.requisites.retry_requests():
            yield request

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Keep robots.txt's ``Sitemap:`` lines (Scrapy's middleware fetched it once)."""
        parser = getattr(robotparser, "rp", None)  # Protego, Scrapy's default parser
        self.robots_sitemaps = list(getattr(parser, "sitemaps", None) or [])

    # --- callbacks -------------------------------------------------------------------------

    async def parse_root(self, response: Response) -> AsyncIterator[Request]:
        try:
            menu = category_links(_text(response), response.url)
        except LayoutError as exc:
            self.failures.skipped(response, f"no navigation menu: {exc}")
            menu = []
        else:
            self.failures.succeeded(response)
        for url in [*menu, *self.robots_sitemaps, *(self.site + p for p in USUAL_SITEMAPS)]:
            for request in self.follow(url):
                yield request
        await self.page_requisites(response, PageKind.ROOT)

    async def parse_listing(self, response: Response) -> AsyncIterator[Request]:
        """A listing's articles and its next page; the parse may run in a worker process
        (``ARCHIVE_WORKERS``)."""
        try:
            source = _text_source(response)
            listing = await self.workers.run(extract_listing, response.body, *source)
        except LayoutError as exc:
            self.failures.skipped(response, f"listing not recognised: {exc}")
            return
        except WorkerCrashed as exc:
            self.failures.worker_crashed(response, exc)
            return
        self.failures.succeeded(response)
        remember_listing(self.crawler, listing.entries, self.site_article)
        new = 0
        for entry in listing.entries:
            # An entry is a post: a listing linking listings would chain walks without end.
            for request in self.follow(entry.url, only=PageKind.ARTICLE):
                new += 1
                yield request
        articles = [url for entry in listing.entries if (url := self.site_article(entry.url))]
        for request in self.next_listing_page(response, listing.next_page, new, articles):
            yield request
        await self.page_requisites(response, PageKind.LISTING)

    def site_article(self, url: str) -> str | None:
        """The canonical URL of an article of the site, or None for any other link."""
        try:
            url = canonical_url(url)
        except ValueError:
            return None
        same_site = site_key(url) == site_key(self.site)
        return url if same_site and page_kind(url) is PageKind.ARTICLE else None

    def next_listing_page(
        self, response: Response, next_page: str | None, new: int, articles: list[str]
    ) -> Iterator[Request]:
        """The request for the next page of the walk, unless the walk ends here: at its
        last page, at a bound (a trap: ``articles``, the page's entries, has none new to
        the walk, or ARCHIVE_MAX_LISTING_PAGES), or, incrementally, where nothing is new."""
        walk = response.meta.get(WALK_META_KEY) or _first_page(canonical_url(response.url))
        if next_page is None:
            self.state.mark_walk_completed(walk)
            return
        stop = self.walks.page(walk, response.url, articles)
        if stop is not None:
            self.stop_walk(walk, response.url, stop)
            return
        if new == 0 and not self.full_walk and self.state.walk_completed(walk):
            # Newest first: a page with nothing new, in a category walked to its end before,
            # means the rest is archived too. A walk never finished keeps going.
            self.crawler.stats.inc_value("archiver/listings/walk_stopped_early")
            return
        for request in self.follow(next_page, walk=walk):
            request.meta["depth_reset"] = True  # pages count per walk, not as DEPTH_LIMIT hops
            yield request

    def stop_walk(self, walk: str, url: str, stop: WalkStop) -> None:
        """A walk cut short by a bound: one WARNING (a walk stops once), counted, reported."""
        self.crawler.stats.inc_value(f"archiver/listings/{stop.value}")
        why = {
            WalkStop.REPEATED: "the page lists no article new to the walk (endless pagination?)",
            WalkStop.CAPPED: f"ARCHIVE_MAX_LISTING_PAGES ({self.walks.max_pages}) reached",
        }[stop]
        logger.warning(
            "Stopped walking listing %s at %s after %d pages: %s",
            walk,
            url,
            self.walks.pages(walk),
            why,
        )

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Follow a sitemap's links. A hostile one (a DTD: XXE, entity expansion; a .xml.gz
        expanding past DOWNLOAD_MAXSIZE) is refused unexpanded: WARNING, counted in
        ``archiver/sitemaps/refused``, reported; an HTML page where a sitemap was guessed is
        only counted (``archiver/sitemaps/not_sitemap``), like a 404."""
        max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        try:
            links = read_sitemap(response.body, max_size=max_size)
        except NotASitemap as exc:
            self.crawler.stats.inc_value("archiver/sitemaps/not_sitemap")
            logger.info("No sitemap at %s: %s", response.url, exc)
            return
        except SitemapError as exc:
            self.crawler.stats.inc_value("archiver/sitemaps/refused")
            self.failures.skipped(response, str(exc))
            return
        self.failures.succeeded(response)
        remember_sitemap(self.crawler, links, self.site_article)
        for loc in links.locs:
            if links.kind == "sitemapindex" or page_kind(loc) is not PageKind.SITEMAP:
                yield from self.follow(loc)

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleRecord]:
        """An article's record. The capture is in the WARC already (``response_downloaded``);
        the parse may run in a worker process (``ARCHIVE_WORKERS``) meanwhile the reactor
        goes on with other pages."""
        url = canonical_url(response.url)
        if "dataloss" in response.flags:  # DOWNLOAD_FAIL_ON_DATALOSS=False kept a short body
            self.failures.truncated(url, response.status)
            return
        capture = capture_for(response)
        if capture is None:
            self.failures.skipped(
                response, "no WARC capture for the response (is capture enabled?)"
            )
            return
        try:
            source = _text_source(response)
            content = await self.workers.run(extract_article, response.body, *source)
        except LayoutError as exc:
            self.failures.skipped(response, f"layout not recognised: {exc}")
            return
        except WorkerCrashed as exc:
            self.failures.worker_crashed(response, exc)
            return
        self.crawler.stats.inc_value("archiver/articles/parsed")
        # The page's requisites first, so the record points at its images' captures.
        captures = await self.page_requisites(response, PageKind.ARTICLE)
        content = with_captures(content, captures, self.state)
        yield ArticleRecord.build(content, url=url, capture=capture)

    async def page_requisites(self, response: Response, kind: PageKind) -> dict[str, Any]:
        """Fetch (once) what the page needs to be seen (``archiver.spiders.requisites``):
        the capture pointers of its requisites, by URL. The page is parsed again for them,
        in a worker when there are some."""
        assert self.requisites is not None
        if not self.requisites.enabled:
            return {}
        try:
            source = _text_source(response)
            found = await self.workers.run(extract_requisites, response.body, *source)
        except (LayoutError, WorkerCrashed) as exc:
            logger.info("No requisites read from %s: %s", response.url, exc)
            return {}
        return await self.requisites.fetch(found, kind.value)

    # --- requests and failures -------------------------------------------------------------

    def follow(
        self, url: str, *, walk: str | None = None, only: PageKind | None = None
    ) -> Iterator[Request]:
        """A request for a site URL in canonical form, routed by its kind (``only``: of that
        kind); nothing otherwise. Links that cannot be followed are counted
        (``archiver/links/...``): another site or scheme (``javascript:``, ``mailto:``), a
        URL over ``URLLENGTH_LIMIT`` or one that names no page, a kind not asked for."""
        try:
            url = canonical_url(url)
        except ValueError as exc:
            self.crawler.stats.inc_value("archiver/links/invalid")
            logger.debug("Not following an invalid link %.200r: %s", url, exc)
            return
        if site_key(url) != site_key(self.site):
            self.crawler.stats.inc_value("archiver/links/out_of_scope")
            return
        if self.max_url_length and len(url) > self.max_url_length:
            self.count_long_link(url)
            return
        kind = page_kind(url)
        if only is not None and kind is not only:
            self.crawler.stats.inc_value("archiver/links/unexpected_kind")
            return
        if kind is PageKind.ARTICLE:
            if self.state.is_archived(url):
                self.crawler.stats.inc_value("archiver/articles/already_archived")
            else:
                yield self.request(url, kind, self.parse_article)
        elif kind is PageKind.SITEMAP:
            yield self.request(url, kind, self.parse_sitemap)
        elif kind is PageKind.LISTING and is_category_listing(url):
            first_page = walk or _first_page(url)
            yield self.request(url, kind, self.parse_listing, walk=first_page)

    def count_long_link(self, url: str) -> None:
        """A link longer than ``URLLENGTH_LIMIT``: counted, the first one logged (truncated)."""
        stats = self.crawler.stats
        if not stats.get_value("archiver/links/too_long"):
            logger.warning(
                "Not following a link of %d characters (URLLENGTH_LIMIT %d): %.200s...",
                len(url),
                self.max_url_length,
                url,
            )
        stats.inc_value("archiver/links/too_long")

    def request(
        self,
        url: str,
        kind: PageKind,
        callback: Callable[[Response], Any],
        *,
        walk: str | None = None,
    ) -> Request:
        meta = {KIND_META_KEY: kind.value, WALK_META_KEY: walk}
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            meta=meta,
            priority=_PRIORITY.get(kind, 0),
        )

    def on_error(self, failure: Failure) -> None:
        """A page not fetched (after retries): into the failure ledger."""
        self.failures.fetch_failed(failure)


def _text(response: Response) -> str:
    """The decoded page; a binary response (an image where a page was linked) is no layout."""
    return page_text(response.body, _text_source(response)[0])


def _text_source(response: Response) -> tuple[str | None, str]:
    """(Content-Type, URL): what decoding and parsing a page need besides its body;
    LayoutError for a binary response (an image where a page was linked)."""
    if not isinstance(response, TextResponse):
        raise LayoutError(f"not a text response ({response.headers.get('Content-Type')!r})")
    content_type = response.headers.get(b"Content-Type")
    return (content_type.decode("latin-1") if content_type else None), response.url


def _first_page(listing_url: str) -> str:
    """``/category/x/page/7`` → ``/category/x``: the walk a listing page belongs to."""
    head, sep, _ = listing_url.partition("/page/")
    return head if sep else listing_url
