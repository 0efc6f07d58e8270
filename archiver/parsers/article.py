"""The Divi article parser, versioned in the Fundus manner: one small method per field.

``DiviArticleParser.V1`` reads Divi's classic ``single.php`` (SITE.md "Article pages", MED):
``article.et_pb_post`` > ``div.et_post_meta_wrapper`` > ``h1.entry-title``, ``p.post-meta``,
then ``div.entry-content``. ``DiviArticleParser.V1_1(V1)`` adds what SITE.md lists as LOW
alternatives: bodies in Divi builder rows (``et_pb_section > et_pb_row > et_pb_column >
et_pb_text > et_pb_text_inner``), the builder's Post Title module meta line, and dates from
SEO markup (``article:published_time``, JSON-LD). A page is read by the newest version whose
``matches`` sniffs its markup; the version goes into ``ArticleContent.parser``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from urllib.parse import urlsplit

from archiver.items import CONTENT_FIELDS, ArticleContent, Dateline, Image, Tag
from archiver.parsers import jsonld, postmeta, terms
from archiver.parsers.body import Body, assemble, is_aside, paragraphs
from archiver.parsers.dom import Element, flat_text, has_class, load, xpath
from archiver.parsers.errors import LayoutError
from archiver.parsers.guards import check_article_closed, check_complete
from archiver.parsers.images import body_images, featured_images, with_metadata
from archiver.parsers.normalize import authors_from_byline, parse_date, strip_title_suffix, unique

PARSER_NAME = "divi-article"

_POST = f"({has_class('et_pb_post')} or starts-with(@id, 'post-'))"
_ARTICLE_WITH_ENTRY_TITLE = xpath(f"//article[{_POST} and .//h1[{has_class('entry-title')}]]")
_ARTICLE_WITH_H1 = xpath(f"//article[{_POST} and .//h1]")
_ENTRY_TITLE = xpath(f".//h1[{has_class('entry-title')}]")
_ANY_H1 = xpath(".//h1")
_CONTENT = xpath(f".//div[{has_class('entry-content')}]")
_TITLE = xpath("/html/head/title")
_BODY_CLASS = xpath("/html/body/@class")
_POST_META = xpath(f".//p[{has_class('post-meta')}]")
_REL_LINKS = xpath(".//a[@rel]")
_CATEGORY_LINKS = xpath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]")
_CATEGORY_PATH = re.compile(r"/category/(?:[^/?#]+/)*([^/?#]+)/?$")
_ENTRY_DATE = xpath(f".//time[{has_class('entry-date')}]/@datetime")
_POST_ID = re.compile(r"post-(\d+)")
_BODY_POST_ID = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")

# Divi 3 builder layouts (V1.1).
_BUILDER = xpath(f".//*[{has_class('et_pb_text_inner')} or {has_class('et_pb_section')}]")
_TEXT_INNER = has_class("et_pb_text_inner")
_TEXT_BLOCKS = xpath(f".//div[{_TEXT_INNER} and not(ancestor::div[{_TEXT_INNER}])]")
_TITLE_META = xpath(f".//*[{has_class('et_pb_title_meta_container')}]")
_PUBLISHED_META = xpath("//meta[@property='article:published_time']/@content")


class Page:
    """A page located as an article: its tree, main article, headline and body element."""

    def __init__(self, html: str, url: str) -> None:
        check_complete(html)  # first: a page cut short is reported as such, not as "no h1"
        self.url = url
        self.root = load(html)
        self.article = self._article()
        self.headline = self._headline()
        self.content = self._content()
        check_article_closed(html, self.content)

    def _article(self) -> Element:
        found = _ARTICLE_WITH_ENTRY_TITLE(self.root) or _ARTICLE_WITH_H1(self.root)
        if not found:
            raise LayoutError(
                "not an article page: no article.et_pb_post or article[id^=post-] holding an "
                "h1.entry-title"
            )
        return found[0]

    def _headline(self) -> Element:
        """``h1.entry-title``, else the article's first ``h1`` that is not a comments
        heading (Divi's comments template has ``h1#comments``)."""
        found = _ENTRY_TITLE(self.article) or [
            h1 for h1 in _ANY_H1(self.article) if not _in_aside(h1, self.article)
        ]
        if not found:
            raise LayoutError("not an article page: the article has no h1 headline")
        return found[0]

    def _content(self) -> Element:
        found = _CONTENT(self.article)
        if not found:
            raise LayoutError("not an article page: the article has no div.entry-content")
        return found[0]


class DiviArticleParser:
    """The versions of the Divi article parser, newest first in ``VERSIONS``."""

    class V1:
        """Classic Divi single.php (SITE.md "Article pages")."""

        VERSION = "1.0"

        def __init__(self, page: Page) -> None:
            self.page = page

        @classmethod
        def matches(cls, page: Page) -> bool:
            return True

        @classmethod
        def name(cls) -> str:
            return f"{PARSER_NAME}/{cls.VERSION}"

        # -- the meta line: "by <author> | <date> | <categories>" -------------------------

        @cached_property
        def meta(self) -> Element | None:
            found = _POST_META(self.page.article)
            return found[0] if found else None

        def post_id(self) -> int | None:
            if match := _POST_ID.fullmatch(self.page.article.get("id") or ""):
                return int(match[1])
            body_class = " ".join(_BODY_CLASS(self.page.root))
            match = _BODY_POST_ID.search(body_class)
            return int(match[1]) if match else None

        def title(self) -> str:
            title = flat_text(self.page.headline)
            if not title:
                title = strip_title_suffix(" ".join(t.text or "" for t in _TITLE(self.page.root)))
            if not title:
                raise LayoutError("no title: h1.entry-title and <title> are empty")
            return title

        def byline(self) -> str | None:
            return self._byline

        @cached_property
        def _byline(self) -> str | None:  # authors() reads it too
            return postmeta.byline(self.meta)

        def authors(self) -> list[str]:
            return authors_from_byline(self.byline())

        def date_candidates(self) -> Iterator[str]:
            yield from postmeta.displayed_dates(self.meta)
            yield from _ENTRY_DATE(self.page.article)

        def published(self) -> str | None:
            return next(filter(None, map(parse_date, self.date_candidates())), None)

        def categories(self) -> list[str]:
            return list(self._categories)

        @cached_property
        def _categories(self) -> list[str]:  # section() reads it too
            return postmeta.categories(self.meta)

        def section(self) -> str | None:
            return next(iter(self.categories()), None)

        def category_slugs(self) -> list[str]:
            """The ``category-{slug}`` classes, in the meta line's order where its links name
            them (so ``categories[i]`` names ``category_slugs[i]``); without classes, the
            links' slugs."""
            shown = unique(list(filter(None, map(_category_slug, self._category_links))))
            classes = terms.class_slugs(self.page.article, "category-")
            if not classes:
                return shown
            listed = [slug for slug in shown if slug in classes]
            return listed + [slug for slug in classes if slug not in listed]

        @property
        def _category_links(self) -> list[Element]:
            return [] if self.meta is None else list(_CATEGORY_LINKS(self.meta))

        def tags(self) -> list[Tag]:
            links = (a for a in _REL_LINKS(self.page.article) if _is_tag_link(a))
            visible = [a for a in links if not _in_aside(a, self.page.article)]
            return terms.tags(self.page.article, self.page.root, visible)

        # -- the body ---------------------------------------------------------------------

        def never_text(self) -> list[Element]:
            """The headline and the meta line, wherever they sit (a builder layout puts them
            inside div.entry-content)."""
            return [self.page.headline] + ([self.meta] if self.meta is not None else [])

        def paragraphs(self) -> list[str]:
            return paragraphs(self.page.content, skip=self.never_text())

        @cached_property
        def body(self) -> Body:
            body = assemble(self.paragraphs())
            if not body.text:
                raise LayoutError("no article text: div.entry-content holds no paragraphs")
            return body

        def text(self) -> str:
            return self.body.text

        def dateline(self) -> Dateline | None:
            return self.body.dateline

        def images(self) -> list[Image]:
            page = self.page
            found = featured_images(page.article, page.content, page.url)
            found += body_images(page.content, page.url)
            return with_metadata(found, self.body.media_id, self.body.caption)

        def word_count(self) -> int:
            return len(self.text().split())

        def language(self) -> str:
            return "en"

        def parser(self) -> str:
            return self.name()

        def content(self) -> ArticleContent:
            """The record's content fields, each from the method named after it."""
            return ArticleContent(**{name: getattr(self, name)() for name in CONTENT_FIELDS})

    class V1_1(V1):
        """V1 plus Divi builder bodies, the Post Title module and SEO dates (SITE.md, LOW)."""

        VERSION = "1.1"

        @classmethod
        def matches(cls, page: Page) -> bool:
            return bool(
                _BUILDER(page.content) or _PUBLISHED_META(page.root) or jsonld.scripts(page.root)
            )

        @cached_property
        def meta(self) -> Element | None:
            found = _POST_META(self.page.article) or _TITLE_META(self.page.article)
            return found[0] if found else None

        def date_candidates(self) -> Iterator[str]:
            yield from postmeta.displayed_dates(self.meta)
            yield from _PUBLISHED_META(self.page.root)
            yield from jsonld.dates_published(self.page.root)
            yield from _ENTRY_DATE(self.page.article)

        def paragraphs(self) -> list[str]:
            blocks = _TEXT_BLOCKS(self.page.content)
            if not blocks:
                return super().paragraphs()
            skip = self.never_text()
            return [p for block in blocks for p in paragraphs(block, skip=skip)]

    VERSIONS: tuple[type[V1], ...] = (V1_1, V1)

    @classmethod
    def version_for(cls, page: Page) -> type[V1]:
        """The newest version whose sniffing accepts the page."""
        return next(version for version in cls.VERSIONS if version.matches(page))


PARSER_VERSIONS: tuple[str, ...] = tuple(v.name() for v in reversed(DiviArticleParser.VERSIONS))


def _is_tag_link(link: Element) -> bool:
    rel = (link.get("rel") or "").split()
    return "tag" in rel and "category" not in rel


def _category_slug(link: Element) -> str | None:
    match = _CATEGORY_PATH.search(urlsplit(link.get("href") or "").path)
    return match[1].lower() if match else None


def _in_aside(element: Element, stop: Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return False
        if is_aside(ancestor):
            return True
    return False


def parse_article(html: str, url: str) -> ArticleContent:
    """The content fields of one article page; LayoutError when the page is not one.

    ``url`` is the page's URL: image URLs are made absolute against it.
    """
    page = Page(html, url)
    return DiviArticleParser.version_for(page)(page).content()


__all__ = ["PARSER_NAME", "PARSER_VERSIONS", "DiviArticleParser", "Page", "parse_article"]
