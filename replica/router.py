"""Maps a request target to a response: the WordPress URL space of the replica.

Query strings on article and listing paths are ignored as WordPress ignores unknown query
variables (``?share=facebook``, ``?replytocom=``, ``?relatedposts_hit=``); trailing-slash
variants of pages answer 301 to the slashless URL (SITE.md: no trailing slash).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote

from replica.article_page import article_page
from replica.assets import SITE_ASSETS, TINY_JPEG, Asset, cdn_assets
from replica.feeds import (
    robots_txt,
    rss_feed,
    sitemap_documents,
    sitemap_redirect,
)
from replica.layout import Ctx
from replica.listing_page import home_page, listing_page, not_found_page
from replica.site import Listing, Site

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
_LISTING = re.compile(r"^/(category|tag|author|search)/([^/]+)(?:/page/(\d+))?$")
_UPLOAD = re.compile(r"^/wp-content/uploads/\d{4}/\d{2}/photo-\d+(?:-\d+x\d+)?\.jpg$")


@dataclass(frozen=True, slots=True)
class Response:
    """What the server sends, before transfer choices (gzip, chunked)."""

    status: int
    body: bytes
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def compressible(self) -> bool:
        """Text responses with a body; images and empty redirects are sent as they are."""
        return bool(self.body) and not self.content_type.startswith("image/")


class Router:
    """Renders pages of one site for one base URL; stateless apart from lazy sitemaps."""

    def __init__(self, site: Site, base_url: str, cdn: str | None = None) -> None:
        self.site = site
        self.ctx = Ctx(site, base_url.rstrip("/"), cdn.rstrip("/") if cdn else None)
        # Page requisites; every router also serves the CDN's files (for its own base).
        self.assets: dict[str, Asset] = {**SITE_ASSETS, **cdn_assets(self.ctx.base)}
        self._sitemaps: dict[str, str] | None = None

    def __call__(self, target: str) -> Response:
        """Respond to a request target (path plus optional query; fragments ignored)."""
        path, _, query = target.split("#", 1)[0].partition("?")
        if path == "/":
            return self._root(parse_qs(query))
        if path.endswith("/"):
            return self._slash(path, query)
        return self._page(path) or self.not_found()

    def not_found(self) -> Response:
        """Divi's 404 page."""
        return Response(404, not_found_page(self.ctx).encode())

    def redirect(self, path: str, status: int = 301) -> Response:
        """A WordPress-style redirect with an absolute Location and an empty body."""
        return Response(status, b"", headers=(("Location", self.ctx.url(path)),))

    def _root(self, params: dict[str, list[str]]) -> Response:
        if "p" in params:  # the shortlink /?p=ID redirects to the permalink
            post_id = params["p"][0]
            post = self.site.by_post_id.get(int(post_id)) if post_id.isdigit() else None
            return self.redirect(post.path) if post else self.not_found()
        if "s" in params:
            return self._listing(self.site.search_listing(params["s"][0]), 1)
        return Response(200, home_page(self.ctx).encode())

    def _slash(self, path: str, query: str) -> Response:
        stripped = path.rstrip("/")
        if self._page(stripped) is None or stripped.endswith((".xml", ".txt")):
            return self.not_found()
        return self.redirect(stripped + (f"?{query}" if query else ""))

    def _page(self, path: str) -> Response | None:
        if path in self.site.by_path:
            return Response(200, article_page(self.ctx, self.site.by_path[path]).encode())
        match = _LISTING.match(path)
        if match:
            return self._listing_route(*match.groups())
        return self._fixed(path)

    def _fixed(self, path: str) -> Response | None:
        if path == "/robots.txt":
            return Response(200, robots_txt(self.ctx).encode(), "text/plain; charset=utf-8")
        if path == "/feed":
            return Response(200, rss_feed(self.ctx).encode(), "application/rss+xml; charset=UTF-8")
        if path == "/rss":
            return self.redirect("/feed")
        if path == "/sitemap.xml":
            target = sitemap_redirect(self.ctx)
            return self.redirect(target) if target else None
        document = self.sitemaps().get(path)
        if document is not None:
            return Response(200, document.encode(), XML)
        if _UPLOAD.match(path):
            return Response(200, TINY_JPEG, "image/jpeg")
        asset = self.assets.get(path)
        return None if asset is None else Response(200, asset.make(), asset.content_type)

    def _listing_route(self, kind: str, key: str, page: str | None) -> Response | None:
        finders: dict[str, Callable[[str], Listing | None]] = {
            "category": self.site.category_listing,
            "tag": self.site.tag_listing,
            "author": self.site.author_listing,
            "search": self.site.search_listing,
        }
        listing = finders[kind](unquote(key))
        if listing is None:
            return None
        if page == "1":  # WordPress redirects /page/1 to the listing itself
            return self.redirect(quote(listing.path))
        return self._listing(listing, int(page or 1))

    def _listing(self, listing: Listing, number: int) -> Response:
        if not 1 <= number <= listing.pages:
            return self.not_found()
        return Response(200, listing_page(self.ctx, listing, number).encode())

    def sitemaps(self) -> dict[str, str]:
        """The profile's sitemap documents by path (rendered once)."""
        if self._sitemaps is None:
            self._sitemaps = sitemap_documents(self.ctx)
        return self._sitemaps

    def paths(self) -> list[str]:
        """Every path that answers 200 with a document of its own (for static export)."""
        site = self.site
        listings = [site.category_listing(c.slug) for c in site.categories]
        listings += [site.tag_listing(t.slug) for t in site.tags]
        listings += [site.author_listing(a.nicename) for a in site.authors]
        pages = [x.page_path(n) for x in listings if x for n in range(1, x.pages + 1)]
        fixed = ["/", "/robots.txt", "/feed", *self.sitemaps()]
        return fixed + pages + [article.path for article in site.articles]
