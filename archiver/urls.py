"""The site's URL scheme: canonical forms and what kind of page a URL names (SITE.md, URLs)."""

from __future__ import annotations

import posixpath
import re
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://eng-archive.aawsat.com"

# First path segments that are WordPress machinery, never an author nicename (SITE.md: article
# URLs are /{author-nicename}/{category-slug}/{post-slug}).
_RESERVED_FIRST_SEGMENTS = frozenset(
    {
        "category",
        "tag",
        "author",
        "page",
        "feed",
        "rss",
        "comments",
        "search",
        "wp-admin",
        "wp-content",
        "wp-includes",
        "wp-json",
        "wp-login.php",
        "xmlrpc.php",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SLUG = re.compile(r"^[A-Za-z0-9%._~-]+$")


class PageKind(StrEnum):
    """What a URL on the site names; the spider routes on it and reports count by it."""

    ROOT = "root"
    LISTING = "listing"
    ARTICLE = "article"
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    OTHER = "other"


def normalize_base_url(base_url: str) -> str:
    """``scheme://host[:port]`` of a site root, or ValueError naming what to fix."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(
            f"base_url {base_url!r} is not an http(s) site root: "
            "pass e.g. -a base_url=http://127.0.0.1:8000"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            f"base_url {base_url!r} has a path or query: the archive lives at a site root, "
            "pass only scheme://host[:port]"
        )
    return urlunsplit((parts.scheme, _netloc(parts), "", "", ""))


def canonical_url(url: str) -> str:
    """The one form of a page URL: scheme and host lower-cased, default port, dot segments,
    query, fragment and a trailing slash removed ("/" itself stays).

    Raises ValueError for a URL that cannot name a page (a bad port, a broken IPv6 host).
    """
    parts = urlsplit(url.strip())
    path = _clean_path(parts.path)
    return urlunsplit((parts.scheme.lower(), _netloc(parts), path, "", ""))


def site_key(url: str) -> str:
    """``scheme://host:port`` with lower-case host and explicit port, for scope checks;
    ``""`` for a URL that names no site (``javascript:``, ``mailto:``, a bad port)."""
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        return ""
    if not parts.hostname or not port:
        return ""
    return f"{parts.scheme.lower()}://{_host(parts)}:{port}"


def page_kind(url: str) -> PageKind:
    """Classify a canonical URL of the site by its path alone."""
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    if not segments:
        return PageKind.ROOT
    if path == "/robots.txt":
        return PageKind.ROBOTS
    if segments[-1].endswith((".xml", ".xml.gz")):
        return PageKind.SITEMAP
    if segments[0] in ("category", "tag", "author"):
        return PageKind.LISTING
    if (
        len(segments) == 3
        and segments[0] not in _RESERVED_FIRST_SEGMENTS
        and all(_SLUG.match(s) for s in segments)
        and "." not in segments[-1]
    ):
        return PageKind.ARTICLE
    return PageKind.OTHER


def is_category_listing(url: str) -> bool:
    """True for /category/SLUG... listings (the crawl's main discovery path)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return len(segments) >= 2 and segments[0] == "category"


def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower()
    return f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets


def _netloc(parts: SplitResult) -> str:
    host = _host(parts)
    port = parts.port
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def _clean_path(path: str) -> str:
    if not path or path == "/":
        return "/"
    normalized = posixpath.normpath(path)
    if normalized.startswith("//"):  # normpath keeps a leading "//"; a path never needs it
        normalized = "/" + normalized.lstrip("/")
    return normalized.rstrip("/") or "/"
