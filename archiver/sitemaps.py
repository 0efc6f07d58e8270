"""Sitemaps read safely: a bounded gunzip, no DTD, no entities, nothing fetched while parsing.

A sitemap is XML from the network. The sitemap protocol needs no DTD, so ``read_sitemap``
refuses any sitemap that has one (``<!DOCTYPE``, ``<!ENTITY``) instead of parsing around it:
that shuts out external entities (XXE: ``file:///etc/passwd``, an internal URL) and entity
expansion ("billion laughs") alike, whatever the XML parser would do with them. Parsing is
Scrapy's own ``Sitemap`` (lxml with entities unresolved, no network, no DTD loading), which
also guards a sitemap whose DTD hides from the byte scan (UTF-16). A ``.xml.gz`` sitemap is
expanded at most to ``max_size`` bytes (the crawl passes DOWNLOAD_MAXSIZE, the cap of every
body); past that it is refused, never expanded further.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

_GZIP_MAGIC = b"\x1f\x8b"
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_KINDS = ("urlset", "sitemapindex")


class SitemapError(ValueError):
    """A sitemap refused or unreadable; the message says why."""


class NotASitemap(SitemapError):
    """The document is no sitemap at all (an HTML page where a sitemap was guessed)."""


@dataclass(frozen=True, slots=True)
class SitemapLinks:
    """What a sitemap lists: page URLs (``urlset``) or more sitemaps (``sitemapindex``)."""

    kind: str  # "urlset" or "sitemapindex"
    locs: list[str]
    lastmods: dict[str, str] = field(default_factory=dict)  # loc → its <lastmod>, where given


def read_sitemap(body: bytes, *, max_size: int) -> SitemapLinks:
    """The ``<loc>`` URLs of a sitemap (gzipped or not), in document order. SitemapError if
    it is compressed past ``max_size`` bytes or has a DTD; NotASitemap if it is no sitemap."""
    if body[:2] == _GZIP_MAGIC:
        body = _gunzip(body, max_size)
    if _DTD.search(body):
        raise SitemapError(
            "sitemap declares a DTD (<!DOCTYPE or <!ENTITY): refused unparsed, since a sitemap "
            "needs none and entities are how XXE and entity-expansion attacks work"
        )
    try:
        sitemap = Sitemap(body)
    except (StopIteration, SyntaxError) as exc:  # no root element at all
        raise NotASitemap(f"not XML: {str(exc) or 'no root element'}") from exc
    if sitemap.type not in _KINDS:
        raise NotASitemap(f"not a sitemap: the root element is <{sitemap.type}>")
    entries = [entry for entry in sitemap if entry.get("loc")]
    locs = [entry["loc"] for entry in entries]
    lastmods = {entry["loc"]: entry["lastmod"] for entry in entries if entry.get("lastmod")}
    root = sitemap.xmliter.root
    if root is not None and root.getroottree().docinfo.internalDTD is not None:
        raise SitemapError("sitemap declares a DTD (found by the parser): refused")
    return SitemapLinks(kind=sitemap.type, locs=locs, lastmods=lastmods)


def _gunzip(body: bytes, max_size: int) -> bytes:
    try:
        return gunzip(body, max_size=max_size)
    except ValueError as exc:  # Scrapy's _DecompressionMaxSizeExceeded is a ValueError
        raise SitemapError(
            f"compressed sitemap expands past {max_size} bytes (DOWNLOAD_MAXSIZE): refused, "
            "not expanded further"
        ) from exc
    except (OSError, EOFError, struct.error, zlib.error) as exc:
        raise SitemapError(f"compressed sitemap does not gunzip: {exc}") from exc
