"""Response bytes to content: the one entry point the crawl, its worker processes and
``archiver reparse`` all call, so the three cannot drift apart.

Each takes the response body (content-decoded, as Scrapy's HttpCompressionMiddleware hands it
on), its Content-Type header and its URL; decodes the text by the crawl's one policy
(``archiver.decoding.page_text``); and parses it. A page that gives no content raises
``LayoutError``. Pure, and picklable by reference: worker processes run these very functions.
"""

from __future__ import annotations

from archiver.decoding import page_text
from archiver.items import ArticleContent
from archiver.parsers.article import parse_article
from archiver.parsers.listing import Listing, parse_listing
from archiver.parsers.requisites import Requisite, html_requisites


def extract_article(body: bytes, content_type: str | None, url: str) -> ArticleContent:
    """An article page's content fields (the parser checks the page is whole)."""
    return parse_article(page_text(body, content_type), url)


def extract_listing(body: bytes, content_type: str | None, url: str) -> Listing:
    """A listing page's entries and pagination."""
    return parse_listing(page_text(body, content_type), url)


def extract_requisites(body: bytes, content_type: str | None, url: str) -> list[Requisite]:
    """The URLs an HTML page needs to be seen (LayoutError if it is no HTML)."""
    return html_requisites(page_text(body, content_type), url)
