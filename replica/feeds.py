"""robots.txt, sitemaps (WordPress core, Yoast, or only advertised in robots.txt) and the
RSS feed. SITE.md: sitemaps are unknown either way, so each profile models one family."""

from __future__ import annotations

import math
from datetime import UTC
from email.utils import format_datetime

from replica.fragments import excerpt
from replica.layout import SITE_NAME, TAGLINE, Ctx
from replica.model import Article
from replica.text import escape

_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
# Index path, post-sitemap path pattern (1-based page), and what /sitemap.xml does.
_FAMILIES = {
    "wp-core": ("/wp-sitemap.xml", "/wp-sitemap-posts-post-{n}.xml"),
    "yoast": ("/sitemap_index.xml", "/post-sitemap{n}.xml"),
    "robots-only": ("/sitemaps/index.xml", "/sitemaps/posts-{n}.xml"),
}


def robots_txt(ctx: Ctx) -> str:
    """WordPress's rules plus a Disallow for search, which pages link to (sidebar)."""
    lines = [
        "User-agent: *",
        "Disallow: /wp-admin/",
        "Allow: /wp-admin/admin-ajax.php",
        "Disallow: /?s=",
        "Disallow: /search/",
    ]
    index = sitemap_index_path(ctx)
    if index:
        lines += ["", f"Sitemap: {ctx.url(index)}"]
    return "\n".join(lines) + "\n"


def sitemap_index_path(ctx: Ctx) -> str | None:
    """Where the profile's sitemap index lives, or None without sitemaps."""
    family = _FAMILIES.get(ctx.site.profile.sitemaps)
    return family[0] if family else None


def sitemap_documents(ctx: Ctx) -> dict[str, str]:
    """Every sitemap document of the profile, by path (the index included)."""
    family = _FAMILIES.get(ctx.site.profile.sitemaps)
    if family is None:
        return {}
    index_path, pattern = family
    size = ctx.site.profile.sitemap_page_size
    posts = ctx.site.articles  # oldest first, as WordPress core orders by ID
    pages = max(1, math.ceil(len(posts) / size))
    documents = {}
    for number in range(1, pages + 1):
        # Yoast names its first file post-sitemap.xml, then post-sitemap2.xml, ...
        suffix = "" if ctx.site.profile.sitemaps == "yoast" and number == 1 else str(number)
        path = pattern.format(n=suffix)
        documents[path] = _urlset(ctx, posts[(number - 1) * size : number * size])
    documents[index_path] = _index(ctx, list(documents))
    return documents


def sitemap_redirect(ctx: Ctx) -> str | None:
    """WordPress core and Yoast both redirect /sitemap.xml to their index."""
    family = ctx.site.profile.sitemaps
    return _FAMILIES[family][0] if family in ("wp-core", "yoast") else None


def _index(ctx: Ctx, paths: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{escape(ctx.url(path))}</loc></sitemap>\n" for path in paths)
    return f"{_XML}<sitemapindex {_NS}>\n{items}</sitemapindex>\n"


def _urlset(ctx: Ctx, posts: tuple[Article, ...]) -> str:
    lastmod = ctx.site.profile.sitemaps != "wp-core"  # core lists <loc> only
    items = "".join(
        f"<url><loc>{escape(ctx.url(post.path))}</loc>"
        + (f"<lastmod>{post.published:%Y-%m-%dT%H:%M:%S}+00:00</lastmod>" if lastmod else "")
        + "</url>\n"
        for post in posts
    )
    return f"{_XML}<urlset {_NS}>\n{items}</urlset>\n"


def rss_feed(ctx: Ctx) -> str:
    """RSS 2.0 of the ten newest posts (SITE.md: /rss and /feed/ [MED])."""
    items = "".join(_rss_item(ctx, post) for post in ctx.site.newest[:10])
    return (
        f'{_XML}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>{SITE_NAME} 2005 -2017</title>\n<link>{escape(ctx.url('/'))}</link>\n"
        f"<description>{escape(TAGLINE)}</description>\n<language>en-US</language>\n"
        f"{items}</channel>\n</rss>\n"
    )


def _rss_item(ctx: Ctx, post: Article) -> str:
    categories = "".join(
        f"<category><![CDATA[{category.name}]]></category>" for category in post.categories
    )
    return (
        f"<item><title>{escape(post.title)}</title><link>{escape(ctx.url(post.path))}</link>"
        f"<pubDate>{format_datetime(post.published.replace(tzinfo=UTC))}</pubDate>"
        f"<dc:creator><![CDATA[{post.byline}]]></dc:creator>{categories}"
        f'<guid isPermaLink="false">{escape(ctx.url(f"/?p={post.post_id}"))}</guid>'
        f"<description><![CDATA[{excerpt(post)}]]></description></item>\n"
    )
