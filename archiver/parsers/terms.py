"""Tags and categories from the classes WordPress always writes, named where the page says.

``post_class()`` puts every term of a post on its ``<article>`` as ``tag-{slug}`` and
``category-{slug}`` (SITE.md "Tags", MED, from the theme's source): that is where the slugs
come from, so a page without a visible tag list still has its tags. Display names come from
what the page itself shows, in this order: a visible ``a[rel=tag]`` list (its links name the
slug exactly), Yoast's ``article:tag`` meta, JSON-LD ``keywords``. Head names are matched to
slugs by WordPress's ``sanitize_title``; the names left, when as many as the slugs left, by
position (both lists come from the post's terms in WordPress's order). A slug nobody names keeps
``name`` None: fetching each tag's archive page would cost a request per distinct tag
(docs/extraction-rules.md, "tags", has the numbers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from urllib.parse import unquote

from archiver.items import Tag
from archiver.parsers import jsonld
from archiver.parsers.dom import Element, flat_text, xpath
from archiver.parsers.normalize import clean, unique

_TAG_META = xpath("//meta[@property='article:tag']/@content")
_TAG_PATH = re.compile(r"/tag/([^/?#]+)/?(?:[?#]|$)")


def class_slugs(article: Element, prefix: str) -> list[str]:
    """The slugs of the article's ``{prefix}{slug}`` classes, in order."""
    names = (article.get("class") or "").split()
    return unique([name[len(prefix) :] for name in names if name.startswith(prefix)])


def sanitize_title(name: str) -> str:
    """WordPress's slug of a name: accents dropped, lower case, other runs to one hyphen."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"[’'`\"]", "", folded.replace("&", " "))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def link_slug(href: str | None) -> str | None:
    """``syria`` from ``https://site/tag/syria`` (or ``/tag/syria/``); None otherwise."""
    match = _TAG_PATH.search(href or "")  # urlsplit would cost more than the whole rule
    return unquote(match[1]).lower() if match else None


def tags(article: Element, root: Element, links: Iterable[Element]) -> list[Tag]:
    """The article's tags: class slugs (then any visible link's slug the classes lack),
    each with the name the page gives it, else None."""
    visible = dict(_named_links(links))
    slugs = unique([*class_slugs(article, "tag-"), *visible])
    names = {slug: name for slug, name in visible.items() if name}
    if len(names) < len(slugs):  # the head is read only when the page's list falls short
        for slug, name in _head_names(root, slugs):
            names.setdefault(slug, name)
    return [Tag(slug=slug, name=names.get(slug)) for slug in slugs]


def _named_links(links: Iterable[Element]) -> Iterator[tuple[str, str | None]]:
    """(slug, name) of each visible tag link; a link without a /tag/ URL: its name's slug."""
    for link in links:
        name = flat_text(link) or None
        slug = link_slug(link.get("href")) or (sanitize_title(name) if name else None)
        if slug:
            yield slug, name


def _head_names(root: Element, slugs: list[str]) -> Iterator[tuple[str, str]]:
    """Names from ``article:tag`` meta, else JSON-LD ``keywords``, paired with slugs."""
    for names in (unique([clean(n) for n in _TAG_META(root)]), jsonld.keywords(root)):
        if names:
            yield from _paired(names, slugs)
            return


def _paired(names: list[str], slugs: list[str]) -> Iterator[tuple[str, str]]:
    """By slug first; then, if as many names as slugs are left, the rest by position."""
    known = set(slugs)
    matched = {sanitize_title(name): name for name in names if sanitize_title(name) in known}
    yield from matched.items()
    names_left = [name for name in names if name not in matched.values()]
    slugs_left = [slug for slug in slugs if slug not in matched]
    if len(names_left) == len(slugs_left):
        yield from zip(slugs_left, names_left, strict=True)


__all__ = ["class_slugs", "link_slug", "sanitize_title", "tags"]
