"""The meta line under a post title, on articles and listings alike (SITE.md, MED):
``by <span class="author vcard"><a>Name</a></span> | <span class="published">Jun 27, 2014</span>
| <a rel="category tag">Opinion</a>``."""

from __future__ import annotations

from archiver.parsers.dom import Element, has_class, texts, xpath
from archiver.parsers.normalize import clean_or_none, parse_date, unique

_AUTHOR_LINKS = xpath(f".//*[{has_class('author')}]//a")
_AUTHORS = xpath(f".//*[{has_class('author')}]")
_PUBLISHED = xpath(f".//*[{has_class('published')}]")
_CATEGORY_LINKS = xpath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")


def byline(meta: Element | None) -> str | None:
    """The author link texts (else the author spans' texts), joined with " and "."""
    if meta is None:
        return None
    names = texts(_AUTHOR_LINKS(meta)) or texts(_AUTHORS(meta))
    return clean_or_none(" and ".join(names))


def displayed_dates(meta: Element | None) -> list[str]:
    """The texts of ``span.published`` in the meta line."""
    return [] if meta is None else texts(_PUBLISHED(meta))


def published(meta: Element | None) -> str | None:
    """The first displayed date that parses, as ``YYYY-MM-DD``."""
    return next(filter(None, map(parse_date, displayed_dates(meta))), None)


def categories(meta: Element | None) -> list[str]:
    """The texts of the ``rel~=category`` links, in order, duplicates removed."""
    return [] if meta is None else unique(texts(_CATEGORY_LINKS(meta)))
