"""Pieces shared by listing and article pages: the post-meta line, listing entries,
excerpts and pagination (SITE.md, "Listing pages")."""

from __future__ import annotations

from datetime import datetime

from replica.body_html import body_html, plain_text
from replica.layout import Ctx
from replica.model import Article
from replica.site import Listing
from replica.text import attr, encode

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
EXCERPT_CHARS = 270  # Divi's truncate_post(270)


def show_date(when: datetime, date_format: str) -> str:
    """WordPress date_format "M j, Y" → "Jun 27, 2014"; "F j, Y" → "June 27, 2014"."""
    month = _MONTHS[when.month - 1]
    return f"{month if date_format == 'F j, Y' else month[:3]} {when.day}, {when.year}"


def post_meta(ctx: Ctx, article: Article, *, comments: bool) -> str:
    """``p.post-meta``: by <author links> | <published> | <category links> [| comments]."""
    authors = " and ".join(
        f'<span class="author vcard"><a href="{attr(ctx.url(f"/author/{a.nicename}"))}" '
        f'title="Posts by {attr(a.display)}" rel="author">{encode(a.display, "utf8")}</a></span>'
        for a in article.authors
    )
    categories = ", ".join(
        f'<a href="{attr(ctx.url(f"/category/{c.slug}"))}" rel="category tag">'
        f"{encode(c.name, 'numeric', title=True)}</a>"
        for c in article.categories
    )
    date = show_date(article.published, ctx.site.profile.date_format)
    meta = f' by {authors} | <span class="published">{date}</span> | {categories}'
    if comments:
        count = len(article.comments)
        link = attr(ctx.url(article.path) + ("#comments" if count else "#respond"))
        label = f"{count} comment" + ("" if count == 1 else "s")
        meta += f' | <span class="comments-number"><a href="{link}">{label}</a></span>'
    return f'<p class="post-meta">{meta}</p>'


def post_classes(article: Article) -> str:
    """WordPress post_class(): category-{slug} and tag-{slug} for each term (SITE.md)."""
    terms = [f"category-{c.slug}" for c in article.categories]
    terms += [f"tag-{t.slug}" for t in article.tags]
    thumb = " has-post-thumbnail" if article.featured else ""
    return (
        f"et_pb_post post-{article.post_id} post type-post status-publish format-standard"
        f"{thumb} hentry {' '.join(terms)}"
    )


def excerpt(article: Article) -> str:
    """About 270 characters cut at a word, then "..." (so sometimes "....", SITE.md)."""
    text = plain_text(article)
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "..."


def entry(ctx: Ctx, article: Article, *, full_text: bool, module: str = "classic") -> str:
    """One ``article.et_pb_post`` entry on a listing page."""
    link = attr(ctx.url(article.path))
    title = encode(article.title, article.flags.entities, title=True)
    thumb = ""
    if article.featured is not None:
        src = attr(ctx.url(article.featured.src.replace(".jpg", "-400x250.jpg")))
        thumb = (
            f'<a href="{link}" class="entry-featured-image-url"><img src="{src}" '
            f'alt="{attr(article.title)}" width="400" height="250" /></a>'
        )
        if module == "blog-grid":
            thumb = f'<div class="et_pb_image_container">{thumb}</div>'
    body = body_html(ctx, article) if full_text else encode(excerpt(article), "numeric")
    if module != "classic" and not full_text:
        body = f"<p>{body}</p>"
    if module == "blog-module":
        body = f'<div class="post-content">{body}</div>'
    elif module == "blog-grid":
        body = f'<div class="post-content"><div class="post-content-inner">{body}</div></div>'
    meta = post_meta(ctx, article, comments=bool(article.comments))
    return (
        f'<article id="post-{article.post_id}" class="{post_classes(article)}">\n{thumb}\n'
        f'<h2 class="entry-title"><a href="{link}">{title}</a></h2>\n{meta}\n{body}\n</article>'
    )


def pagination(ctx: Ctx, listing: Listing, number: int) -> str:
    """SITE.md's div.pagination, or WP-PageNavi; links always follow /page/N."""
    if listing.pages == 1:
        return ""
    if ctx.site.profile.pagination == "pagenavi":
        return _pagenavi(ctx, listing, number)
    older = newer = ""
    if number < listing.pages:
        href = attr(ctx.url(listing.page_path(number + 1)))
        older = f'<div class="alignleft"><a href="{href}">&laquo; Older Entries</a></div>'
    if number > 1:
        href = attr(ctx.url(listing.page_path(number - 1)))
        newer = f'<div class="alignright"><a href="{href}">Next Entries &raquo;</a></div>'
    return f'<div class="pagination clearfix">\n{older}\n{newer}\n</div>'


def _pagenavi(ctx: Ctx, listing: Listing, number: int) -> str:
    def link(page: int, css: str, label: str, rel: str = "") -> str:
        href = attr(ctx.url(listing.page_path(page)))
        return f'<a class="{css}"{rel} href="{href}">{label}</a>'

    parts = [f"<span class='pages'>Page {number} of {listing.pages}</span>"]
    if number > 1:
        parts.append(link(number - 1, "previouspostslink", "&laquo;", ' rel="prev"'))
    for page in range(max(1, number - 2), min(listing.pages, number + 2) + 1):
        current = f"<span aria-current='page' class='current'>{page}</span>"
        parts.append(current if page == number else link(page, "page larger", str(page)))
    if number < listing.pages:
        parts.append(link(number + 1, "nextpostslink", "&raquo;", ' rel="next"'))
        parts.append(link(listing.pages, "last", "Last &raquo;"))
    return "<div class='wp-pagenavi' role='navigation'>\n" + "\n".join(parts) + "\n</div>"
