"""Article pages (Divi single.php): meta wrapper, entry-content with Jetpack extras, tags
and comments (SITE.md, "Article pages")."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from replica.assets import srcset_paths
from replica.body_html import body_html
from replica.fragments import post_classes, post_meta, show_date
from replica.layout import SUFFIXES, Ctx, main_area, page, sidebar
from replica.model import Article
from replica.text import attr, encode

_SHARE = (("facebook", "Facebook"), ("twitter", "Twitter"), ("email", "Email"))


def article_page(ctx: Ctx, article: Article) -> str:
    """The full HTML of an article page."""
    flags = article.flags
    title = encode(article.title, flags.entities, title=True) + SUFFIXES[flags.title_suffix]
    featured = ""
    if article.featured is not None:
        src = attr(ctx.url(article.featured.src))
        srcset = ", ".join(
            f"{ctx.url(path)} {width}w"
            for path, width in zip(
                srcset_paths(article.featured.src, "featured"), (1080, 300, 1080), strict=True
            )
        )
        featured = (
            f'\n<img src="{src}" srcset="{attr(srcset)}" sizes="(max-width: 1080px) 100vw, '
            f'1080px" alt="{attr(article.title)}" width="1080" height="675" />'
        )
    meta = post_meta(ctx, article, comments=flags.meta_comments)
    classes = post_classes(article)
    if ctx.site.profile.layout == "drifted":
        meta, classes = _drifted(meta, classes)
    left = (
        f'<article id="post-{article.post_id}" class="{classes}">\n'
        f'<div class="et_post_meta_wrapper">\n<h1 class="entry-title">'
        f"{encode(article.title, flags.entities, title=True)}</h1>\n{meta}{featured}\n</div>\n"
        f'<div class="entry-content">\n{body_html(ctx, article)}\n{_sharing(ctx, article)}\n'
        f"{_related(ctx, article)}\n</div> <!-- .entry-content -->\n"
        f'<div class="et_post_meta_wrapper">\n{_tags(ctx, article)}\n{_comments(ctx, article)}'
        "\n</div>\n</article>"
    )
    body_class = (
        f"post-template-default single single-post postid-{article.post_id} single-format-standard"
    )
    if flags.builder:
        body_class += " et_pb_pagebuilder_layout"
    return page(
        ctx, title=title, body_class=body_class, main=main_area(left, sidebar(ctx)),
        head=_head(ctx, article),
    )  # fmt: skip


def _drifted(meta: str, classes: str) -> tuple[str, str]:
    """A theme update the parser was not written for: no p.post-meta, no term classes."""
    meta = meta.replace('<p class="post-meta">', '<div class="entry-meta">').replace(
        "</p>", "</div>"
    )
    meta = meta.replace('class="author vcard"', 'class="by"').replace("published", "when")
    kept = [name for name in classes.split() if not name.startswith(("tag-", "category-"))]
    return meta, " ".join(kept)


def _head(ctx: Ctx, article: Article) -> str:
    """Canonical and shortlink always (WordPress core); SEO plugin extras per profile."""
    link = attr(ctx.url(article.path))
    head = (
        f'<link rel="canonical" href="{link}" />\n'
        f"<link rel='shortlink' href='{attr(ctx.url(f'/?p={article.post_id}'))}' />\n"
    )
    seo = ctx.site.profile.seo
    if seo == "none":
        return head
    published = article.published.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    head += (
        f'<meta property="og:type" content="article" />\n'
        f'<meta property="og:title" content="{attr(article.title)}" />\n'
        f'<meta property="og:url" content="{link}" />\n'
        f'<meta property="article:published_time" content="{published}" />\n'
    )
    if seo == "yoast":
        head += "".join(
            f'<meta property="article:tag" content="{attr(tag.name)}" />\n' for tag in article.tags
        )
        head += _json_ld(ctx, article, published)
    return head


def _json_ld(ctx: Ctx, article: Article, published: str) -> str:
    """Yoast's schema graph with the Article's datePublished."""
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article",
                "headline": article.title,
                "datePublished": published,
                "author": {"@type": "Person", "name": article.byline},
                "mainEntityOfPage": ctx.url(article.path),
                **({"keywords": [tag.name for tag in article.tags]} if article.tags else {}),
            }
        ],
    }
    payload = json.dumps(graph, ensure_ascii=False).replace("</", "<\\/")
    return f"<script type='application/ld+json' class='yoast-schema-graph'>{payload}</script>\n"


def _sharing(ctx: Ctx, article: Article) -> str:
    """Jetpack share buttons: links to the same article with ?share=... (SITE.md)."""
    link = ctx.url(article.path)
    items = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" '
        f'data-shared="sharing-{key}-{article.post_id}" class="share-{key} sd-button share-icon" '
        f'href="{attr(f"{link}?share={key}&nb=1")}" target="_blank" '
        f'title="Click to share on {label}"><span>{label}</span></a></li>'
        for key, label in _SHARE
    )
    return (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block '
        'sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3>'
        f'<div class="sd-content"><ul>{items}<li class="share-end"></li></ul></div></div></div>'
    )


def _related(ctx: Ctx, article: Article) -> str:
    """Jetpack related posts (minimal layout, no images), links with tracking queries."""
    if not article.related:
        return ""
    items = []
    for position, index in enumerate(article.related):
        other = ctx.site.articles[index]
        href = attr(
            f"{ctx.url(other.path)}?relatedposts_hit=1&relatedposts_origin={article.post_id}"
            f"&relatedposts_position={position}"
        )
        items.append(
            f'<p class="jp-relatedposts-post jp-relatedposts-post{position}" '
            f'data-post-id="{other.post_id}"><span class="jp-relatedposts-post-title">'
            f'<a class="jp-relatedposts-post-a" href="{href}" rel="nofollow">'
            f"{encode(other.title, 'numeric', title=True)}</a></span> "
            f'<span class="jp-relatedposts-post-date">{show_date(other.published, "M j, Y")}'
            f'</span> <span class="jp-relatedposts-post-context">In &quot;'
            f"{encode(other.categories[0].name, 'numeric')}&quot;</span></p>"
        )
    return (
        "<div id='jp-relatedposts' class='jp-relatedposts'><h3 class=\"jp-relatedposts-headline\">"
        '<em>Related</em></h3><div class="jp-relatedposts-items jp-relatedposts-items-minimal">'
        f"{''.join(items)}</div></div>"
    )


def _tags(ctx: Ctx, article: Article) -> str:
    """Tag links (rel="tag") after the content; posts without tags, or whose theme prints no
    list (SITE.md: Divi 2.7's single.php), show none: their tags are only classes."""
    if not article.tags or not article.flags.tag_list:
        return ""
    links = ", ".join(
        f'<a href="{attr(ctx.url(f"/tag/{tag.slug}"))}" rel="tag">'
        f"{encode(tag.name, 'numeric', title=True)}</a>"
        for tag in article.tags
    )
    return f'<p class="post-tags">Tags: {links}</p>'


def _comments(ctx: Ctx, article: Article) -> str:
    """Divi's comment section: the comments, then the "Submit a Comment" form."""
    link = ctx.url(article.path)
    items = "".join(
        _comment(link, article.post_id * 10 + number, comment.author, comment.text, comment.when)
        for number, comment in enumerate(article.comments)
    )
    count = len(article.comments)
    return (
        f'<section id="comment-wrap">\n<h1 id="comments" class="page_title">{count} Comments'
        f'</h1>\n<ol class="commentlist clearfix">{items}</ol>\n'
        '<div id="respond" class="comment-respond"><h3 id="reply-title" '
        'class="comment-reply-title"><span>Submit a Comment</span></h3>'
        f'<form action="{attr(ctx.url("/wp-comments-post.php"))}" method="post" '
        'id="commentform" class="comment-form"><p class="comment-notes">Your email address '
        'will not be published.</p><p class="comment-form-comment"><textarea id="comment" '
        'name="comment" cols="45" rows="8"></textarea></p><p class="form-submit">'
        '<input name="submit" type="submit" id="submit" class="submit et_pb_button" '
        f'value="Submit Comment" /><input type="hidden" name="comment_post_ID" '
        f'value="{article.post_id}" /></p></form></div>\n</section>'
    )


def _comment(link: str, comment_id: int, author: str, text: str, when: datetime) -> str:
    avatar = hashlib.md5(author.encode(), usedforsecurity=False).hexdigest()
    reply = attr(f"{link}?replytocom={comment_id}#respond")
    clock = f"{when.hour % 12 or 12}:{when.minute:02d} {'pm' if when.hour >= 12 else 'am'}"
    stamp = f"{show_date(when, 'M j, Y')} at {clock}"
    return (
        f'<li class="comment depth-1" id="li-comment-{comment_id}"><article '
        f'id="comment-{comment_id}" class="comment-body clearfix"><div class="comment_avatar">'
        f"<img alt='' src='http://0.gravatar.com/avatar/{avatar}?s=80&#038;d=mm' "
        "class='avatar avatar-80 photo' height='80' width='80' /></div>"
        f'<div class="comment_postinfo"><span class="fn">{encode(author, "utf8")}</span>'
        f'<span class="comment_date">on {stamp}</span></div><div class="comment_area">'
        f'<div class="comment-content clearfix"><p>{encode(text, "utf8")}</p>'
        f"<span class=\"reply-container\"><a rel='nofollow' class='comment-reply-link' "
        f"href='{reply}'>Reply</a></span></div></div></article></li>"
    )
