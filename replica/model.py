"""The replica's site model: categories, authors, tags and articles as generated.

Articles hold their body as clean paragraphs (the ground truth) plus the decorations the
renderer adds around them (dateline, image metadata, leaked shortcodes, captions), so the
truth never has to be recovered from HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from replica.text import EntityStyle

ParaTag = Literal["p", "h3", "blockquote", "li"]
ImageStyle = Literal["featured", "wp-caption", "linked-caption", "bare", "lazy"]
MediaForm = Literal["bare-caption", "inline-caption", "no-caption-line"]


@dataclass(frozen=True, slots=True)
class Category:
    """A WordPress category; ``nested`` ones sit only in the menu's "More" sub-menu."""

    slug: str  # "news-middle-east" (SITE.md: slug differs from the display name)
    name: str  # "Middle East"
    nested: bool = False
    full_text_listing: bool = False  # SITE.md: interviews listings show full posts


@dataclass(frozen=True, slots=True)
class Author:
    """A WordPress user: the URL's first segment is the nicename, never the byline."""

    nicename: str  # "w-mahdi", "theaawsat"
    display: str  # "Wael Mahdi", "Asharq Al-Awsat", or a joint "X and Y" account
    house: bool = False
    full_text_listing: bool = False  # SITE.md: some author pages show full posts


@dataclass(frozen=True, slots=True)
class Tag:
    """A post tag: a ``tag-{slug}`` class on its posts, sometimes a ``rel="tag"`` link."""

    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One navigation menu entry; ``path`` is None for "#" parents such as "More"."""

    label: str
    path: str | None
    children: tuple[MenuItem, ...] = ()


@dataclass(frozen=True, slots=True)
class ImageSpec:
    """An image; ``src`` is site-relative (/wp-content/uploads/...) or absolute if external."""

    src: str
    caption: str | None  # clean wp-caption text; None for bare and featured images
    alt: str
    style: ImageStyle
    attachment_id: int


@dataclass(frozen=True, slots=True)
class MediaMeta:
    """The aawsat.net image metadata lines an imported post opens with (SITE.md)."""

    media_id: str  # "55275613"
    caption: str  # the photo caption, clean
    form: MediaForm  # bare "Caption:" line, "Caption: text" on one line, or no Caption line
    repeats: int  # copies of the caption paragraph (2 or 3; 0 for the inline form)


@dataclass(frozen=True, slots=True)
class Dateline:
    """The dateline exactly as displayed at the start of the first paragraph."""

    display: str  # "Beirut, Asharq Al-Awsat – "
    place: str  # "Beirut"
    source: str | None  # "Asharq Al-Awsat"; None for the 2016-17 outlet-less form


@dataclass(frozen=True, slots=True)
class Para:
    """A body paragraph; ``text`` is clean and is what the ground truth keeps."""

    text: str
    tag: ParaTag = "p"
    wrap: str | None = None  # a leaked shortcode wrapped around it, e.g. "inset_left"
    link_to: int | None = None  # index of an older article linked from a phrase in it
    line_break: bool = False  # a single <br /> replaces one space (a space in the text)
    pull_quote: bool = False  # repeats a sentence of the body in a box: never text
    closed: bool = True  # False: the wrapping shortcode's closing tag is missing


@dataclass(frozen=True, slots=True)
class Figure:
    """An image block in the body (wp-caption, bare img, lazy img)."""

    image: ImageSpec


@dataclass(frozen=True, slots=True)
class StrayShortcode:
    """A leaked shortcode alone on its line, e.g. "[/inset_left]": not text."""

    code: str


Block = Para | Figure | StrayShortcode


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader comment: shown after the content, never article text."""

    author: str
    when: datetime
    text: str


@dataclass(frozen=True, slots=True)
class RenderFlags:
    """Per-post markup choices; they change the HTML, never the ground truth."""

    entities: EntityStyle  # raw UTF-8, wptexturize numeric or named entities
    br_body: bool  # bare text split by <br /><br /> instead of <p> (imported posts)
    builder: bool  # body inside Divi builder rows (et_pb_text_inner)
    title_suffix: Literal["later", "older"]
    spacing: bool  # some spaces as &nbsp; / thin spaces around dashes
    nfd: bool  # text emitted decomposed (NFD); clean() restores NFC
    wrap_lines: bool  # hard newlines inside paragraphs
    meta_comments: bool  # "| N comments" in the article's p.post-meta
    tag_list: bool = True  # a visible rel="tag" list; False: tags only as post_class classes


@dataclass(frozen=True, slots=True)
class Article:
    """One post; ``index`` is its position in generation order (oldest first)."""

    index: int
    post_id: int
    kind: str  # news, wire, opinion, interview, feature, business, blog, review, seed
    authors: tuple[Author, ...]  # two entries: a co-authored post with two author links
    categories: tuple[Category, ...]  # primary first; its slug is in the URL
    slug: str
    title: str  # clean, typography kept
    published: datetime
    tags: tuple[Tag, ...]
    dateline: Dateline | None
    body: tuple[Block, ...]  # the first Para is the lead, without its dateline
    media: MediaMeta | None
    featured: ImageSpec | None
    related: tuple[int, ...]  # indexes of older posts shown by Jetpack related posts
    comments: tuple[Comment, ...]
    flags: RenderFlags

    @property
    def path(self) -> str:
        """``/{nicename}/{category-slug}/{post-slug}``, no trailing slash (SITE.md)."""
        return f"/{self.authors[0].nicename}/{self.categories[0].slug}/{self.slug}"

    @property
    def byline(self) -> str:
        """The byline as the post-meta shows it; two author links read "X and Y"."""
        return " and ".join(author.display for author in self.authors)

    @property
    def paragraphs(self) -> list[Para]:
        """The text-bearing blocks in order."""
        return [block for block in self.body if isinstance(block, Para)]

    @property
    def body_images(self) -> list[ImageSpec]:
        """Images placed in the body, in order."""
        return [block.image for block in self.body if isinstance(block, Figure)]
