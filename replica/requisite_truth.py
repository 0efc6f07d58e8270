"""Ground truth of page requisites: what each page of the replica needs, from the model.

Nothing here reads HTML or CSS: a page's requisites are the page shell's (``assets``), its
images as the model draws them (featured image with its srcset, body figures with theirs,
listing thumbnails), and, for stylesheets, the references ``assets.CSS_REFERENCES`` lists
beside their text. URLs are absolute for ``base`` (the site) and ``cdn`` (the CDN host);
images on other hosts (``img.aawsat.invalid``, gravatar) are kept as they are written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from replica import assets
from replica.model import Article, ImageSpec
from replica.site import Listing, Site

_LISTING = re.compile(r"^/(category|tag|author)/([^/]+)(?:/page/(\d+))?$")


def page_requisites(site: Site, path: str, base: str, cdn: str | None = None) -> set[str]:
    """The requisites the page at ``path`` (one that answers 200) names itself, each once
    (``with_css_references`` adds what its stylesheets name)."""
    found = set(_shell(cdn)) | set(_content(site, path))
    return {base + url if url.startswith("/") else url for url in found}


def with_css_references(urls: Iterable[str], base: str, cdn: str | None) -> set[str]:
    """``urls`` and, for each stylesheet among them, what it references, transitively."""
    references = {
        base + css: tuple(base + r for r in refs) for css, refs in assets.CSS_REFERENCES.items()
    }
    if cdn:
        references |= assets.cdn_css_references(cdn)
    found, todo = set(), list(urls)
    while todo:
        url = todo.pop()
        if url not in found:
            found.add(url)
            todo.extend(references.get(url, ()))
    return found


def missing(base: str) -> set[str]:
    """Requisites the server answers 404 for."""
    return {base + path for path in assets.MISSING_PATHS}


def huge(base: str) -> str:
    return base + assets.HUGE


def _shell(cdn: str | None) -> list[str]:
    """What every page (head, header, sidebar, footer) needs."""
    shell = [
        assets.STYLESHEET,
        f"{assets.FONTS}/modules.woff",  # <link rel=preload>
        assets.FAVICON,
        assets.TOUCH_ICON,
        assets.JQUERY,
        assets.CUSTOM_JS,
        assets.HEADER_BG,
        assets.LOGO,
        assets.BANNER,
        assets.BANNER_2X,
        assets.BANNER_WIDE,
        assets.WIDGET_BG,
        assets.MISSING,
        assets.HUGE,
    ]
    if cdn:
        shell += [cdn + assets.CDN_STYLESHEET, cdn + assets.CDN_BADGE]
    return shell


def _content(site: Site, path: str) -> list[str]:
    if path in site.by_path:
        return article_images(site.by_path[path])
    if path == "/":
        return [u for post in site.newest[:10] for u in _entry(post, full_text=False)]
    match = _LISTING.match(path)
    if match is None:
        return []
    listing = _listing(site, match.group(1), match.group(2))
    if listing is None:
        return []
    posts = listing.page(int(match.group(3) or 1))
    return [u for post in posts for u in _entry(post, full_text=listing.full_text)]


def article_images(article: Article) -> list[str]:
    """An article page's images: the featured one with its srcset, each body figure (its
    srcset too), the comment avatars."""
    found: list[str] = []
    if article.featured is not None:
        found += [article.featured.src, *assets.srcset_paths(article.featured.src, "featured")]
    found += _figures(article.body_images)
    for comment in article.comments:
        avatar = hashlib.md5(comment.author.encode(), usedforsecurity=False).hexdigest()
        found.append(f"http://0.gravatar.com/avatar/{avatar}?s=80&d=mm")
    return found


def _figures(images: Iterable[ImageSpec]) -> list[str]:
    return [
        u for image in images for u in [image.src, *assets.srcset_paths(image.src, image.style)]
    ]


def _entry(article: Article, *, full_text: bool) -> list[str]:
    """A listing entry's thumbnail, and its body's figures when the listing shows full text."""
    found = []
    if article.featured is not None:
        found.append(article.featured.src.replace(".jpg", "-400x250.jpg"))
    return found + (_figures(article.body_images) if full_text else [])


def _listing(site: Site, kind: str, key: str) -> Listing | None:
    finders = {
        "category": site.category_listing,
        "tag": site.tag_listing,
        "author": site.author_listing,
    }
    return finders[kind](key)
