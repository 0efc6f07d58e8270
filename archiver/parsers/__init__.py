"""Pure HTML -> record parsers for the archive's pages; nothing here imports Scrapy.

``parse_article`` turns an article page into the record's content fields (the rules are
docs/extraction-rules.md), ``parse_listing`` reads a listing page's entries and pagination,
``category_links`` finds the categories in the site's menus; ``extract_article`` and
``extract_listing`` do the same from a response's bytes (the crawl's and re-parse's entry).
"""

from __future__ import annotations

from archiver.parsers.article import PARSER_NAME, PARSER_VERSIONS, parse_article
from archiver.parsers.errors import LayoutError, ParseError
from archiver.parsers.extract import extract_article, extract_listing
from archiver.parsers.listing import Listing, ListingEntry, parse_listing
from archiver.parsers.navigation import category_links

__all__ = [
    "PARSER_NAME",
    "PARSER_VERSIONS",
    "LayoutError",
    "Listing",
    "ListingEntry",
    "ParseError",
    "category_links",
    "extract_article",
    "extract_listing",
    "parse_article",
    "parse_listing",
]
