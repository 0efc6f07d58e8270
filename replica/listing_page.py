"""Listing pages (Divi index.php or a Divi Builder blog module), the home page and the 404
page (SITE.md, "Listing pages")."""

from __future__ import annotations

from replica.fragments import entry, pagination
from replica.layout import SUFFIXES, Ctx, main_area, page, sidebar
from replica.model import Article
from replica.site import Listing
from replica.text import encode

_NOT_FOUND = (
    '<article id="post-0" class="et_pb_post not_found"><div class="entry">'
    "<h1>No Results Found</h1><p>The page you requested could not be found. Try refining "
    "your search, or use the navigation above to locate the post.</p></div></article>"
)
_BODY_CLASS = {
    "category": "archive category category-{key}",
    "tag": "archive tag tag-{key}",
    "author": "archive author author-{key}",
    "search": "search search-results",
}


def listing_page(ctx: Ctx, listing: Listing, number: int) -> str:
    """Page ``number`` of a listing; the caller checks it exists."""
    suffix = SUFFIXES["older" if ctx.site.profile.title_suffix == "older" else "later"]
    label = f" | Page {number}" if number > 1 else ""
    title = encode(listing.name, "numeric", title=True) + label + suffix
    if listing.kind == "search":
        title = f"You searched for {encode(listing.name, 'utf8')}{label}{suffix}"
    body_class = _BODY_CLASS[listing.kind].format(key=listing.key)
    if number > 1:
        body_class += " paged paged-" + str(number)
    posts = listing.page(number)
    entries = _entries(ctx, posts, listing.full_text) if posts else _NOT_FOUND
    nav = pagination(ctx, listing, number)
    main = _module_area(ctx, entries, nav) if ctx.site.profile.listing != "classic" else None
    return page(
        ctx, title=title, body_class=body_class,
        main=main or main_area(f"{entries}\n{nav}", sidebar(ctx)),
    )  # fmt: skip


def _entries(ctx: Ctx, posts: tuple[Article, ...], full_text: bool) -> str:
    module = ctx.site.profile.listing
    return "\n".join(entry(ctx, post, full_text=full_text, module=module) for post in posts)


def _module_area(ctx: Ctx, entries: str, nav: str) -> str:
    """Divi Builder "Blog" module in list (et_pb_posts) or grid (et_pb_blog_grid) form."""
    if ctx.site.profile.listing == "blog-grid":
        module = (
            '<div class="et_pb_module et_pb_blog_grid_wrapper"><div class="et_pb_blog_grid '
            'clearfix et_pb_bg_layout_light"><div class="et_pb_ajax_pagination_container">'
            '<div class="et_pb_salvattore_content" data-columns="3"><div class="column '
            f'size-1of3">\n{entries}\n</div></div><div>{nav}</div></div></div></div>'
        )
    else:
        module = (
            '<div class="et_pb_module et_pb_posts et_pb_blog_0 et_pb_bg_layout_light">'
            f'<div class="et_pb_ajax_pagination_container">\n{entries}\n<div>{nav}</div>'
            "</div></div>"
        )
    return (
        '<div id="main-content"><div class="entry-content"><div class="et_pb_section '
        'et_pb_section_0 et_section_regular"><div class="et_pb_row et_pb_row_0">'
        f'<div class="et_pb_column et_pb_column_3_4 et_pb_column_0">{module}</div>'
        f'<div class="et_pb_column et_pb_column_1_4 et_pb_column_1">{sidebar(ctx)}</div>'
        "</div></div></div></div> <!-- #main-content -->"
    )


def home_page(ctx: Ctx) -> str:
    """A Divi Builder home: the newest posts in a blog module without pagination."""
    entries = _entries(ctx, ctx.site.newest[:10], False)
    left = (
        '<article id="post-2" class="post-2 page type-page status-publish hentry">'
        '<div class="entry-content"><div class="et_pb_section et_pb_section_0 '
        'et_section_regular"><div class="et_pb_row et_pb_row_0"><div class="et_pb_column '
        'et_pb_column_4_4 et_pb_column_0"><div class="et_pb_module et_pb_posts et_pb_blog_0">'
        f"\n{entries}\n</div></div></div></div></div></article>"
    )
    title = f"{SUFFIXES['later'][3:]} | Middle-east Arab News Opinion"
    return page(
        ctx, title=title, body_class="home page-template-default page page-id-2",
        main=main_area(left, sidebar(ctx)),
    )  # fmt: skip


def not_found_page(ctx: Ctx) -> str:
    """Divi's 404 page (served with status 404)."""
    title = "Page not found" + SUFFIXES["later"]
    return page(ctx, title=title, body_class="error404", main=main_area(_NOT_FOUND, sidebar(ctx)))
