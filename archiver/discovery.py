"""What the crawl learns of an article before fetching it: which listing or sitemap linked
it, with the listing entry's date and category and the sitemap's ``<lastmod>``.

The coverage report (``archiver.coverage``) counts these as articles *seen*, and places an
article seen but never archived in its month and section by its listing entry. The spider
calls ``remember_listing`` and ``remember_sitemap`` once per page read; rows go to the
state database's ``discovered`` table (``CrawlState.add_discovered``), one transaction a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from archiver.parsers.listing import ListingEntry
from archiver.sitemaps import SitemapLinks
from archiver.state import CrawlState

ArticleUrl = Callable[[str], "str | None"]  # a link → its canonical article URL, or None


def remember_listing(
    state: CrawlState, entries: Iterable[ListingEntry], article_url: ArticleUrl
) -> None:
    """Note the articles of a listing page with their entry's date and first category."""
    rows = []
    for entry in entries:
        url = article_url(entry.url)
        if url is not None:
            section = entry.categories[0] if entry.categories else None
            rows.append((url, "listing", entry.published, section))
    if rows:
        state.add_discovered(rows)


def remember_sitemap(state: CrawlState, links: SitemapLinks, article_url: ArticleUrl) -> None:
    """Note the articles a sitemap (``urlset``) lists, with their ``<lastmod>``."""
    if links.kind != "urlset":
        return
    rows = []
    for loc in links.locs:
        url = article_url(loc)
        if url is not None:
            rows.append((url, "sitemap", links.lastmods.get(loc), None))
    if rows:
        state.add_discovered(rows)
