"""The HTML tree the parsers read, and the small queries they share.

Pages are parsed by lxml's libxml2 HTML parser, the very parser behind
``BeautifulSoup(html, "lxml")``, so the tree is the same whatever else is installed; it is
used directly because building a BeautifulSoup tree costs 10-20 times more per page and
re-parsing must run at hundreds of pages a second. Nothing here recurses in Python, so a
hostile page cannot raise RecursionError; libxml2 itself stops at 256 levels of nesting and
that is reported as a LayoutError instead of yielding half a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias
from urllib.parse import urljoin

from lxml import etree

from archiver.parsers.errors import LayoutError
from archiver.parsers.normalize import clean, words

Element: TypeAlias = etree._Element  # the tree node every parser types with

# Elements that end a run of inline text: a paragraph boundary in every text rule.
BLOCK_TAGS = words(
    "address article aside blockquote center dd details dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul caption"
)
# Elements whose content is never text.
NEVER_TEXT_TAGS = words(
    "script style noscript iframe form img svg template button select textarea video audio "
    "object embed canvas map head title"
)


def has_class(name: str) -> str:
    """XPath predicate: the element's class list holds ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def xpath(expression: str) -> etree.XPath:
    """A compiled XPath; compile at import time, call per page."""
    return etree.XPath(expression)


def load(html: str) -> Element:
    """The root ``html`` element of a page; LayoutError if there is nothing to parse."""
    if not html or html.isspace():
        raise LayoutError("empty document: the response has no HTML to parse")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    if root is None:
        raise LayoutError("empty document: the response has no HTML elements")
    for error in parser.error_log:
        if error.level == etree.ErrorLevels.FATAL:
            raise LayoutError(
                f"the HTML could not be parsed to its end (libxml2: {error.message.strip()}, "
                f"line {error.line}); nesting deeper than 256 elements or a broken file"
            )
    return root


def classes(element: Element) -> list[str]:
    """The element's class names."""
    return (element.get("class") or "").split()


def flat_text(element: Element) -> str:
    """Clean text of an element, ``<br>`` and block boundaries read as spaces, never-text
    elements skipped; for one-line fields (title, byline, captions)."""
    pieces: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if node.tag in NEVER_TEXT_TAGS:
                walker.skip_subtree()
            elif node.tag == "br" or node.tag in BLOCK_TAGS:
                pieces.append(" ")
            if node.tag not in NEVER_TEXT_TAGS and node.text:
                pieces.append(node.text)
        elif node is not element:
            if node.tag in BLOCK_TAGS:
                pieces.append(" ")
            if node.tail:
                pieces.append(node.tail)
    return clean("".join(pieces))


def texts(elements: Iterable[Element]) -> list[str]:
    """``flat_text`` of each element, empty ones dropped."""
    return [text for text in map(flat_text, elements) if text]


def absolute(base: str, href: str | None) -> str | None:
    """``href`` made absolute against the page URL; None when empty."""
    href = (href or "").strip()
    return urljoin(base, href) if href else None
