"""The ``archive`` spider: discovery and navigation of the archive, nothing else.

Discovery starts at the site root (SITE.md): the navigation menu's category links, nested
sub-menus included, each category listing paged to its last page ("« Older Entries"), the
article links of every listing entry; and sitemaps, from robots.txt ``Sitemap:`` lines and
the usual WordPress locations, where the site has them. Every article URL is put in its one
canonical form before it is requested, so share links, fragments and trailing-slash variants
cost no extra request. Extraction belongs to ``archiver.parsers``; storage to the pipelines.

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
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archiver.capture.extension import capture_for
from archiver.decoding import page_text
from archiver.discovery import remember_listing, remember_sitemap
from archiver.downloadermiddlewares.robots import ForbiddenByRobots, RobotsUnavailable
from archiver.items import ArticleRecord
from archiver.parsers import LayoutError, category_links
from archiver.sitemaps import NotASitemap, SitemapError, read_sitemap
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
from archiver.workers import WorkerCrashed, WorkerPool, get_workers

logger = logging.getLogger(__name__)

KIND_META_KEY = "archiver_kind"
WALK_META_KEY = "archiver_walk"  # the first page of the category listing being paged
# Failure kinds the next run fetches again: pages not fetched, and pages fetched but
# giving no record ("parse": cut short, layout not recognised, record invalid).
RETRIED_FAILURES = ("listing", "article", "sitemap", "parse")
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

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, ArchiveSpider)
        spider.full_walk = spider.full_walk or crawler.settings.getbool("ARCHIVE_FULL_WALK")
        spider.walks = ListingWalks(crawler.settings.getint("ARCHIVE_MAX_LISTING_PAGES"))
        spider.max_url_length = crawler.settings.getint("URLLENGTH_LIMIT")
        spider.workers = get_workers(crawler)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    @property
    def state(self) -> CrawlState:
        return get_state(self.crawler)

    async def start(self) -> AsyncIterator[Any]:
        yield self.request(self.site + "/", PageKind.ROOT, self.parse_root)
        for failure in self.state.failures(kinds=RETRIED_FAILURES):
            # Pages that failed in an earlier run are tried again (a listing's walk resumes;
            # a page cut short or unparsable is fetched afresh).
            for request in self.follow(failure.url):
                yield request

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Keep robots.txt's ``Sitemap:`` lines (Scrapy's middleware fetched it once)."""
        parser = getattr(robotparser, "rp", None)  # Protego, Scrapy's default parser
        self.robots_sitemaps = list(getattr(parser, "sitemaps", None) or [])

    # --- callbacks -------------------------------------------------------------------------

    def parse_root(self, response: Response) -> Iterator[Request]:
        try:
            menu = category_links(_text(response), response.url)
        except LayoutError as exc:
            self.count_skip(response, f"no navigation menu: {exc}")
            menu = []
        else:
            self.succeeded(response)
        for url in menu:
            yield from self.follow(url)
        for url in [*self.robots_sitemaps, *(self.site + path for path in USUAL_SITEMAPS)]:
            yield from self.follow(url)

    async def parse_listing(self, response: Response) -> AsyncIterator[Request]:
        """A listing's articles and its next page; the parse may run in a worker process
        (``ARCHIVE_WORKERS``)."""
        try:
            listing = await self.workers.listing(response.body, *_text_source(response))
        except LayoutError as exc:
            self.count_skip(response, f"listing not recognised: {exc}")
            return
        except WorkerCrashed as exc:
            self.worker_crashed(response, exc)
            return
        self.succeeded(response)
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
            self.count_skip(response, str(exc))
            return
        self.succeeded(response)
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
            self.crawler.stats.inc_value("archiver/articles/truncated")
            reason = "body shorter than its Content-Length (captured with WARC-Truncated)"
            logger.warning("No record from article %s: %s", response.url, reason)
            self.state.record_failure(url, kind="article", status=response.status, reason=reason)
            return
        capture = capture_for(response)
        if capture is None:
            self.count_skip(response, "no WARC capture for the response (is capture enabled?)")
            return
        try:
            content = await self.workers.article(response.body, *_text_source(response))
        except LayoutError as exc:
            self.count_skip(response, f"layout not recognised: {exc}")
            return
        except WorkerCrashed as exc:
            self.worker_crashed(response, exc)
            return
        self.crawler.stats.inc_value("archiver/articles/parsed")
        yield ArticleRecord.build(content, url=url, capture=capture)

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
        """A page not fetched (after retries): logged, counted and recorded with its HTTP
        status and reason, under the URL first requested, for the report and the next run.
        A page robots.txt forbids is the site's choice, not a failure."""
        request: Request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get(KIND_META_KEY, "other")
        error = failure.value
        status = error.response.status if isinstance(error, HttpError) else None
        if isinstance(error, ForbiddenByRobots):
            self.crawler.stats.inc_value("archiver/robots/forbidden")
            logger.info("Not archived, forbidden by robots.txt: %s", request.url)
            return
        if kind == PageKind.SITEMAP and status in (404, 410):
            self.crawler.stats.inc_value("archiver/sitemaps/absent")
            logger.info("No sitemap at %s (HTTP %s)", request.url, status)
            return
        # After redirects the failed request is the chain's last; the next run asks the first.
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        reason = f"HTTP {status}" if status else f"{type(error).__name__}: {error}"
        if status and url != request.url:
            reason += f" at {request.url}"
        self.crawler.stats.inc_value(f"archiver/failed/{kind}")
        # robots.txt unavailable: its middleware gave the one WARNING for the whole site.
        log = logger.info if isinstance(error, RobotsUnavailable) else logger.warning
        log("Failed to archive %s %s: %s", kind, url, reason)
        self.state.record_failure(url, kind=kind, status=status, reason=reason)

    def succeeded(self, response: Response) -> None:
        """A listing, sitemap or root read whole: forget its failure in an earlier run, so
        later runs stop retrying it (an article's is forgotten when its record commits)."""
        first = (response.meta.get("redirect_urls") or [response.url])[0]
        for url in {first, canonical_url(response.url)}:
            self.state.clear_failure(url)

    def worker_crashed(self, response: Response, exc: WorkerCrashed) -> None:
        """A page whose worker process died: a failure of its kind (a crash is no verdict on
        the page), logged, counted and recorded, so the next run fetches it again."""
        kind = response.meta.get(KIND_META_KEY, "other")
        self.crawler.stats.inc_value(f"archiver/failed/{kind}")
        self.crawler.stats.inc_value("archiver/workers/crashed_pages")
        logger.warning("Failed to archive %s %s: %s", kind, response.url, exc)
        self.state.record_failure(
            canonical_url(response.url), kind=kind, status=response.status, reason=str(exc)
        )

    def count_skip(self, response: Response, reason: str) -> None:
        """A fetched page that yields no record: logged, counted, kept for the report."""
        kind = response.meta.get(KIND_META_KEY, "other")
        self.crawler.stats.inc_value(f"archiver/skipped/{kind}")
        logger.warning("No record from %s %s: %s", kind, response.url, reason)
        self.state.record_failure(
            canonical_url(response.url), kind="parse", status=response.status, reason=reason
        )


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
