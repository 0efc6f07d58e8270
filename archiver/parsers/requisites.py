"""Page requisites: the URLs a page or stylesheet needs to be seen as it looked.

Pure: HTML text (and its URL) → requisite URLs; CSS text (and its URL) → requisite URLs.
Each URL is kept exactly as the page wrote it once resolved against the page (or its
``<base href>``): query strings such as ``?ver=2.7.10`` are part of what replay looks up,
so nothing is canonicalised. Only the fragment goes (HTTP never sends it), and anything
that is not http(s) (``data:``, ``javascript:``, ``about:blank``) is no requisite.

What counts (issue 12): ``img`` ``src`` and every ``srcset`` candidate, lazy-load
attributes (``data-src``, ``data-srcset``, ``data-lazy-src``, ``data-lazy-srcset``),
``picture > source`` ``srcset``, ``link rel=stylesheet|icon|shortcut icon|apple-touch-icon|
preload``, ``script src``, ``video``/``audio`` ``src`` and ``poster`` (and their
``source src``), ``style`` attributes and ``<style>`` blocks; in CSS, ``url()``,
``@import`` and ``@font-face`` sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from archiver.parsers.dom import Element, load

Kind = Literal["stylesheet", "image", "script", "icon", "media", "other"]

# Link relations whose target a page needs (rel is a set of space-separated tokens).
_LINK_RELS: dict[str, Kind] = {
    "stylesheet": "stylesheet",
    "icon": "icon",
    "apple-touch-icon": "icon",
    "apple-touch-icon-precomposed": "icon",
    "preload": "other",
}
_IMG_URL_ATTRIBUTES = ("src", "data-src", "data-lazy-src")
_IMG_SRCSET_ATTRIBUTES = ("srcset", "data-srcset", "data-lazy-srcset")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# "@import url(x)", "@import 'x'", or any url(x), url('x'), url("x"), in document order.
_CSS_REFERENCE = re.compile(
    r"""(@import\s*)?(?:url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|"""
    r"""(?<=@import)\s*(?:"([^"]*)"|'([^']*)'))""",
    re.I,
)
_ARCHIVED_SCHEMES = ("http", "https")


@dataclass(frozen=True, slots=True)
class Requisite:
    """One URL a page needs; ``kind`` says what asked for it (a stylesheet is read in turn)."""

    url: str
    kind: Kind


def html_requisites(html: str, url: str) -> list[Requisite]:
    """The requisites of an HTML page at ``url``, in document order, each URL once."""
    return tree_requisites(load(html), url)


def tree_requisites(root: Element, url: str) -> list[Requisite]:
    """``html_requisites`` of a page already parsed (``archiver.parsers.dom.load``)."""
    base = _base_url(root, url)
    found: list[Requisite] = []
    for element in root.iter():
        if isinstance(element.tag, str):
            found.extend(_element_requisites(element, base))
    return _unique(found)


def css_requisites(css: str, url: str) -> list[Requisite]:
    """The URLs a stylesheet at ``url`` needs, in order: ``@import`` targets (kind
    ``stylesheet``, to be read in turn) and every ``url()`` (fonts, images), resolved
    against the stylesheet."""
    found: list[Requisite] = []
    for match in _CSS_REFERENCE.finditer(_CSS_COMMENT.sub("", css)):
        imported, value = match.group(1), next(g for g in match.groups()[1:] if g is not None)
        if (resolved := _resolve(value, url)) is not None:
            found.append(Requisite(resolved, "stylesheet" if imported else "other"))
    return _unique(found)


def srcset_urls(srcset: str) -> list[str]:
    """The URL of every candidate in a ``srcset`` ("a.jpg 300w, b.jpg 1080w"), in order.

    A candidate is a URL up to whitespace, then optional descriptors up to a comma; a URL
    that ends in commas ("a.jpg,b.jpg 2x") ends there (HTML's srcset parsing, simplified)."""
    urls: list[str] = []
    position, length = 0, len(srcset)
    while position < length:
        while position < length and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < length and not srcset[position].isspace():
            position += 1
        candidate = srcset[start:position]
        if candidate.endswith(","):
            candidate = candidate.rstrip(",")
        else:
            comma = srcset.find(",", position)
            position = length if comma < 0 else comma + 1
        if candidate:
            urls.append(candidate)
    return urls


def _element_requisites(element: Element, base: str) -> list[Requisite]:
    tag = element.tag
    found: list[Requisite] = []
    if tag == "img":
        found += _img(element, base)
    elif tag == "source":
        found += _srcset(element.get("srcset"), base, "image")
        found += _one(element.get("src"), base, "media")
    elif tag == "link":
        found += _link(element, base)
    elif tag == "script":
        found += _one(element.get("src"), base, "script")
    elif tag in ("video", "audio"):
        found += _one(element.get("src"), base, "media")
        found += _one(element.get("poster"), base, "image")
    elif tag == "style":
        found += css_requisites(element.text or "", base)
    if style := element.get("style"):
        found += css_requisites(style, base)
    return found


def _img(img: Element, base: str) -> list[Requisite]:
    found: list[Requisite] = []
    for attribute in _IMG_URL_ATTRIBUTES:
        found += _one(img.get(attribute), base, "image")
    for attribute in _IMG_SRCSET_ATTRIBUTES:
        found += _srcset(img.get(attribute), base, "image")
    return found


def _link(link: Element, base: str) -> list[Requisite]:
    rels = (link.get("rel") or "").lower().split()
    kinds = [_LINK_RELS[rel] for rel in rels if rel in _LINK_RELS]
    if not kinds:
        return []
    kind: Kind = "stylesheet" if "stylesheet" in kinds else kinds[0]
    if kind == "other" and (link.get("as") or "").lower() == "style":
        kind = "stylesheet"  # <link rel=preload as=style>: a stylesheet, read in turn
    found = _one(link.get("href"), base, kind)
    found += _srcset(link.get("imagesrcset"), base, "image")
    return found


def _one(value: str | None, base: str, kind: Kind) -> list[Requisite]:
    resolved = _resolve(value, base) if value else None
    return [Requisite(resolved, kind)] if resolved else []


def _srcset(value: str | None, base: str, kind: Kind) -> list[Requisite]:
    if not value:
        return []
    return [r for url in srcset_urls(value) for r in _one(url, base, kind)]


def _base_url(root: Element, url: str) -> str:
    for base in root.iter("base"):
        if href := (base.get("href") or "").strip():
            return str(urljoin(url, href))
    return url


def _resolve(value: str | None, base: str) -> str | None:
    """The absolute http(s) URL ``value`` names, without its fragment; None otherwise."""
    value = (value or "").strip()
    if not value or value.startswith(("data:", "#")):
        return None
    try:
        # "modules.eot?#iefix" is fetched as "modules.eot": the fragment never goes over
        # HTTP, and an empty query is dropped (by urljoin here, by Scrapy's request URL).
        resolved = urljoin(base, value.split("#", 1)[0])
        scheme = urlsplit(resolved).scheme
    except ValueError:  # a broken IPv6 host, a bad port
        return None
    return resolved if scheme in _ARCHIVED_SCHEMES else None


def _unique(found: list[Requisite]) -> list[Requisite]:
    """Each URL once, in first-seen order; a URL seen as a stylesheet anywhere stays one."""
    by_url: dict[str, Requisite] = {}
    for requisite in found:
        first = by_url.setdefault(requisite.url, requisite)
        if requisite.kind == "stylesheet" and first.kind != "stylesheet":
            by_url[requisite.url] = requisite
    return list(by_url.values())
