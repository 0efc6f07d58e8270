"""An article body as text: paragraphs, then image metadata, shortcodes and dateline taken off.

Implements the "text" and "dateline" rules of docs/extraction-rules.md on an lxml element.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from archiver.items import Dateline
from archiver.parsers.datelines import split_dateline
from archiver.parsers.dom import BLOCK_TAGS, NEVER_TEXT_TAGS, Element
from archiver.parsers.normalize import (
    clean,
    strip_enclosing_shortcodes,
    strip_image_metadata,
    strip_shortcodes,
    words,
)
from archiver.parsers.pullquotes import drop_pull_quotes

# Blocks in or around div.entry-content that are not the article (SITE.md "Article pages"):
# Jetpack share buttons ("Share this:") and related posts, page links, comments (Divi puts
# them in section#comment-wrap).
ASIDE_CLASSES = words("sharedaddy jp-relatedposts page-links comment-respond comments-area")
ASIDE_IDS = frozenset(("jp-relatedposts", "comments", "respond", "comment-wrap"))
# Never text either: captioned images (their caption goes to `images`) and tag lists.
NEVER_TEXT_CLASSES = ASIDE_CLASSES | {"wp-caption", "post-tags", "tags-links"}


def is_aside(element: Element) -> bool:
    """The element is share buttons, related posts, page links or comments."""
    if element.get("id") in ASIDE_IDS:
        return True
    names = element.get("class")
    return bool(names) and not ASIDE_CLASSES.isdisjoint(names.split())


def is_never_text(element: Element) -> bool:
    """The element and all it holds are not article text."""
    if element.tag in NEVER_TEXT_TAGS or element.tag == "figure":
        return True
    if element.get("id") in ASIDE_IDS:
        return True
    names = element.get("class")
    return bool(names) and not NEVER_TEXT_CLASSES.isdisjoint(names.split())


class _Paragraphs:
    """Collects text runs into cleaned paragraphs; two or more ``<br>`` in a row split."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self._run: list[str] = []
        self._breaks = 0

    def add(self, text: str | None) -> None:
        if not text:
            return
        if self._breaks and not text.isspace():
            if self._breaks >= 2:
                self.end()
            else:
                self._run.append(" ")
            self._breaks = 0
        self._run.append(text)

    def line_break(self) -> None:
        self._breaks += 1

    def end(self) -> None:
        self._breaks = 0
        paragraph = clean("".join(self._run))
        self._run.clear()
        if paragraph:
            self.found.append(paragraph)


def paragraphs(root: Element, skip: Iterable[Element] = ()) -> list[str]:
    """The cleaned paragraphs under ``root``: each block, and each run of inline content
    between blocks; elements in ``skip`` (the headline) and never-text blocks left out."""
    skipped = set(skip)
    collected = _Paragraphs()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        block = element.tag in BLOCK_TAGS or element.tag == "figure"
        if event == "end":
            if element is root:
                break
            if block:
                collected.end()
            collected.add(element.tail)
            continue
        if block:
            collected.end()
        if element in skipped or is_never_text(element):
            walker.skip_subtree()
            continue
        if element.tag == "br":
            collected.line_break()
        collected.add(element.text)
    collected.end()
    return collected.found


@dataclass(frozen=True, slots=True)
class Body:
    """The body's text, the dateline taken from it, and the image metadata that opened it."""

    text: str
    dateline: Dateline | None
    media_id: str | None
    caption: str | None


def assemble(found: list[str]) -> Body:
    """Pull quotes, shortcodes, image metadata, then the dateline off the paragraphs; join."""
    found = drop_pull_quotes(found)
    texts = [p for p in map(strip_shortcodes, strip_enclosing_shortcodes(found)) if p]
    media_id, caption, texts = strip_image_metadata(texts)
    dateline = None
    if texts:
        dateline, lead = split_dateline(texts[0])
        texts = [lead, *texts[1:]] if lead else texts[1:]
    return Body(text="\n\n".join(texts), dateline=dateline, media_id=media_id, caption=caption)
