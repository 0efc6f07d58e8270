"""Bytes to page text, the one way the crawl and the re-parse both do it.

``page_text`` turns a response body (already content-decoded) into text for the parsers; the
WARC keeps the bytes exactly as received, so a better decoder can always be re-run over them.
The crawl (``ArchiveSpider``) and ``archiver reparse`` both call it, so a re-parse with an
unchanged parser reproduces the crawl's records.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def page_text(body: bytes, content_type: str | None) -> str:
    """The text of an HTML page: a BOM first, then the Content-Type charset, then the page's
    own ``<meta>`` declaration, then UTF-8; bytes invalid in the chosen encoding become
    U+FFFD (never an exception). Same order as Scrapy's ``TextResponse.text``."""
    return html_to_unicode(content_type or "", body, auto_detect_fun=_utf8_or_none)[1]


def _utf8_or_none(body: bytes) -> str | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"
