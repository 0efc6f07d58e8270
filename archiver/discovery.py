"""What the crawl learns of an article before fetching it: which listing or sitemap linked
it, with the listing entry's date and category and the sitemap's ``<lastmod>``.

The coverage report (``archiver.coverage``) counts these as articles *seen*, and places an
article seen but never archived in its month and section by its listing entry. The spider
calls ``remember_listing`` and ``remember_sitemap`` once per page read. Rows wait in memory
(at most ``BATCH`` of them) and go to the state database's ``discovered`` table
(``CrawlState.add_discovered``) in one transaction per batch and at the spider's close: a
transaction per listing page would grow the write-ahead log by pages a commit, and on a
nearly full disk fail before the records do. A write error here is logged and counted
(``archiver/state/write_errors``: the run exits 5), never raised into the navigation: the
crawl's captures and records matter more than its notes for the coverage report.
"""

from __future__ import annotations

import logging
import sqlite3
import weakref
from collections.abc import Callable, Iterable

from scrapy import signals
from scrapy.crawler import Crawler

from archiver.outcomes import STATE_ERRORS_KEY
from archiver.parsers.listing import ListingEntry
from archiver.sitemaps import SitemapLinks
from archiver.state import get_state

logger = logging.getLogger(__name__)

BATCH = 500  # rows noted before they are written

ArticleUrl = Callable[[str], "str | None"]  # a link → its canonical article URL, or None
Row = tuple[str, str, str | None, str | None]  # (url, "listing"/"sitemap", date, section/lastmod)


class _Pending:
    """One crawl's rows not yet written; written at BATCH rows and when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.rows: list[Row] = []
        crawler.signals.connect(self.flush, signal=signals.spider_closed)

    def add(self, rows: Iterable[Row]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        try:
            get_state(self.crawler).add_discovered(rows)
        except (OSError, sqlite3.Error) as exc:
            self.crawler.stats.inc_value(STATE_ERRORS_KEY)
            logger.error("Could not write %d discovered articles to the state database: %s",
                         len(rows), exc)  # fmt: skip


_PENDING: weakref.WeakKeyDictionary[Crawler, _Pending] = weakref.WeakKeyDictionary()


def _pending(crawler: Crawler) -> _Pending:
    pending = _PENDING.get(crawler)
    if pending is None:
        pending = _PENDING[crawler] = _Pending(crawler)
    return pending


def remember_listing(
    crawler: Crawler, entries: Iterable[ListingEntry], article_url: ArticleUrl
) -> None:
    """Note the articles of a listing page with their entry's date and first category."""
    rows = []
    for entry in entries:
        url = article_url(entry.url)
        if url is not None:
            section = entry.categories[0] if entry.categories else None
            rows.append((url, "listing", entry.published, section))
    _pending(crawler).add(rows)


def remember_sitemap(crawler: Crawler, links: SitemapLinks, article_url: ArticleUrl) -> None:
    """Note the articles a sitemap (``urlset``) lists, with their ``<lastmod>``."""
    if links.kind != "urlset":
        return
    rows = [
        (url, "sitemap", links.lastmods.get(loc), None)
        for loc in links.locs
        if (url := article_url(loc)) is not None
    ]
    _pending(crawler).add(rows)
