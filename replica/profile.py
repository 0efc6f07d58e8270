"""Profiles: the site-wide knobs (theme templates, plugins, server behaviour) a replica varies.

The bundled default follows SITE.md's HIGH-confidence facts; ``Profile.random`` draws every
knob, including SITE.md's LOW-confidence alternatives, so tests can build replicas the
parser was never tuned on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields, replace
from typing import Literal

Listing = Literal["classic", "blog-module", "blog-grid"]
Pagination = Literal["classic", "pagenavi"]
BodyWrapper = Literal["plain", "builder", "mixed"]
TitleSuffix = Literal["later", "older", "mixed"]
Seo = Literal["none", "og", "yoast"]
Sitemaps = Literal["none", "wp-core", "yoast", "robots-only"]
Gzip = Literal["always", "negotiate", "never"]
Chunked = Literal["never", "some", "always"]
DateFormat = Literal["M j, Y", "F j, Y"]
TagList = Literal["visible", "classes", "mixed"]
ArticleLayout = Literal["divi", "drifted"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """Site-wide rendering and serving choices; content comes from the seed."""

    name: str = "default"
    # Listing template: Divi index.php entries in #left-area (SITE.md), or the Divi Builder
    # "Blog" module in list (div.et_pb_posts) or grid (div.et_pb_blog_grid) form [LOW].
    listing: Listing = "classic"
    # div.pagination with "« Older Entries" (SITE.md), or WP-PageNavi's div.wp-pagenavi [LOW].
    pagination: Pagination = "classic"
    # Article body straight in div.entry-content, in Divi 3 builder rows [LOW], or per post.
    body_wrapper: BodyWrapper = "mixed"
    # <title> suffix: " | ... 2005 -2017" (later copies), " - ..." (older ones), or per post.
    title_suffix: TitleSuffix = "mixed"
    # SEO plugin extras in <head>: none, article:published_time meta, or meta plus JSON-LD.
    seo: Seo = "none"
    # Which sitemap family exists (SITE.md: unknown either way, so every kind is modelled).
    sitemaps: Sitemaps = "wp-core"
    # Content-Encoding gzip: always (even unasked), when Accept-Encoding allows, or never.
    gzip: Gzip = "negotiate"
    # Transfer-Encoding chunked instead of Content-Length: never, on some paths, always.
    chunked: Chunked = "some"
    # 1: "More" holds the nested categories; 2: one of them sits a level deeper still.
    menu_depth: int = 1
    # How many categories are reachable only from the "More" sub-menu (SITE.md: at least 2).
    nested_categories: int = 2
    # WordPress date_format shown in p.post-meta ("Jun 27, 2014" per SITE.md).
    date_format: DateFormat = "M j, Y"
    # Tags on article pages: a visible rel="tag" list, only post_class's tag-{slug} classes
    # (Divi 2.7's single.php prints no list: SITE.md "Tags", MED), or per post.
    tag_list: TagList = "mixed"
    # "drifted": a theme update the parser does not know (the meta line is a div.entry-meta
    # of plain spans, post_class's term classes gone): only for the quality monitor's tests,
    # never drawn by ``random``; its truth is what the old layout would have shown.
    layout: ArticleLayout = "divi"
    category_page_size: int = 6  # SITE.md: 6 entries a page on category listings
    archive_page_size: int = 5  # SITE.md: 5 on tag, author, date and search listings
    sitemap_page_size: int = 50  # URLs per post sitemap file (small, so several files exist)

    def __post_init__(self) -> None:
        if self.menu_depth not in (1, 2):
            raise ValueError(f"menu_depth must be 1 or 2, not {self.menu_depth!r}")
        if not 2 <= self.nested_categories <= 3:
            raise ValueError("nested_categories must be 2 or 3")
        sizes = (self.category_page_size, self.archive_page_size, self.sitemap_page_size)
        if min(sizes) < 1:
            raise ValueError("page sizes must be positive integers")

    @classmethod
    def default(cls) -> Profile:
        """The bundled replica: SITE.md's observed layout, wp-core sitemaps, gzip on request."""
        return cls()

    @classmethod
    def random(cls, rng: random.Random) -> Profile:
        """Draw every knob; page sizes stay as SITE.md states them."""
        choice = rng.choice
        drawn = cls(
            name="random",
            listing=choice(["classic", "blog-module", "blog-grid"]),
            pagination=choice(["classic", "pagenavi"]),
            body_wrapper=choice(["plain", "builder", "mixed"]),
            title_suffix=choice(["later", "older", "mixed"]),
            seo=choice(["none", "og", "yoast"]),
            sitemaps=choice(["none", "wp-core", "yoast", "robots-only"]),
            gzip=choice(["always", "negotiate", "never"]),
            chunked=choice(["never", "some", "always"]),
            menu_depth=choice([1, 2]),
            nested_categories=choice([2, 3]),
            date_format=choice(["M j, Y", "F j, Y"]),
            tag_list=choice(["visible", "classes", "mixed"]),
        )
        return replace(drawn, name="random:" + drawn.describe_short())

    def describe_short(self) -> str:
        """A compact label of the knob values, for test ids and logs."""
        skip = {"name", "category_page_size", "archive_page_size", "sitemap_page_size"}
        return ",".join(str(getattr(self, f.name)) for f in fields(self) if f.name not in skip)
