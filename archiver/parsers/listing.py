"""Listing pages (category, tag, author, search): their entries and where the next page is.

SITE.md "Listing pages" [MED markup]: entries are ``article.et_pb_post`` in ``#left-area``, or
in a Divi Blog module (``div.et_pb_posts``, ``div.et_pb_blog_grid``) [LOW]; the sidebar's
widgets link to posts too and are not entries. Listing text is never article text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.parsers import postmeta
from archiver.parsers.dom import Element, absolute, flat_text, has_class, load, texts, xpath
from archiver.parsers.normalize import clean_or_none


@dataclass(frozen=True, slots=True, kw_only=True)
class ListingEntry:
    """One post as a listing shows it; the crawler follows ``url`` to the article."""

    url: str  # absolute href of the entry's title link, as written (not canonicalised)
    post_id: int | None  # from article id="post-NNN"
    title: str | None  # the title link's text
    byline: str | None  # author link text(s) in p.post-meta, joined with " and "
    published: str | None  # ISO date from span.published
    categories: list[str] = field(default_factory=list)  # a[rel~=category] in p.post-meta


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """A listing page: its entries in order and its pagination."""

    entries: list[ListingEntry] = field(default_factory=list)
    next_page: str | None = None  # absolute URL of the next (older) page; None on the last
    last_page: int | None = None  # the last page's number, when the page shows it


_POST = f"({has_class('et_pb_post')} or starts-with(@id, 'post-'))"
_AREA = (
    f"@id='left-area' or {has_class('et_pb_posts')} or {has_class('et_pb_blog_grid')}"
    f" or {has_class('et_pb_blog_grid_wrapper')}"
)
_ENTRIES = xpath(f"//article[{_POST} and ancestor::*[{_AREA}]]")
# Without any known area, take posts that are not in a sidebar, widget or footer.
_LOOSE_ENTRIES = xpath(
    f"//article[{_POST} and not(ancestor::*[@id='sidebar' or @id='main-footer'"
    f" or {has_class('widget')} or self::aside or self::footer])]"
)
_TITLE_LINK = xpath(f"(.//h2[{has_class('entry-title')}]/a | .//*[{has_class('entry-title')}]//a)")
_POST_META = xpath(f".//p[{has_class('post-meta')}]")
_NEXT = (
    xpath(f"//div[{has_class('pagination')}]//div[{has_class('alignleft')}]//a/@href"),
    xpath(f"//a[{has_class('nextpostslink')}]/@href"),
    xpath("//link[@rel='next']/@href"),
)
_LAST_LINK = xpath(f"//div[{has_class('wp-pagenavi')}]//a[{has_class('last')}]/@href")
_PAGES_LABEL = xpath(f"//div[{has_class('wp-pagenavi')}]//span[{has_class('pages')}]")
_PAGE_NUMBER = re.compile(r"/page/(\d+)/?(?:[?#].*)?$")
_OF_PAGES = re.compile(r"\bof\s+([\d,]+)\s*$", re.IGNORECASE)
_POST_ID = re.compile(r"post-(\d+)")


def parse_listing(html: str, url: str) -> Listing:
    """Entries and pagination of a listing page; an empty Listing when it has no entries.

    Raises LayoutError only when there is no HTML at all.
    """
    root = load(html)
    articles = _ENTRIES(root) or _LOOSE_ENTRIES(root)
    found = (_entry(article, url) for article in articles)
    return Listing(
        entries=[entry for entry in found if entry is not None],
        next_page=_next_page(root, url),
        last_page=_last_page(root),
    )


def _entry(article: Element, base: str) -> ListingEntry | None:
    links = _TITLE_LINK(article)
    href = absolute(base, links[0].get("href")) if links else None
    if href is None:
        return None
    metas = _POST_META(article)
    meta = metas[0] if metas else None
    match = _POST_ID.fullmatch(article.get("id") or "")
    return ListingEntry(
        url=href,
        post_id=int(match[1]) if match else None,
        title=clean_or_none(flat_text(links[0])),
        byline=postmeta.byline(meta),
        published=postmeta.published(meta),
        categories=postmeta.categories(meta),
    )


def _next_page(root: Element, base: str) -> str | None:
    for query in _NEXT:
        for href in query(root):
            if url := absolute(base, href):
                return url
    return None


def _last_page(root: Element) -> int | None:
    """From WP-PageNavi's "Last »" link or its "Page 3 of 830" label; Divi's own
    pagination does not show it."""
    for href in _LAST_LINK(root):
        if match := _PAGE_NUMBER.search(href.strip()):
            return int(match[1])
    for label in texts(_PAGES_LABEL(root)):
        if match := _OF_PAGES.search(label):
            return int(match[1].replace(",", ""))
    return None
