"""Text helpers shared by the generator, the renderer and the ground truth.

``clean`` is docs/extraction-rules.md's "Common text normalisation"; ``encode`` turns clean
model text into the HTML text WordPress would emit (wptexturize entities, &amp;, &nbsp;).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

EntityStyle = Literal["utf8", "numeric", "named"]

# What wptexturize and older imported posts emit for typography (both decode the same).
_NUMERIC = {
    "’": "&#8217;",
    "‘": "&#8216;",
    "“": "&#8220;",
    "”": "&#8221;",
    "–": "&#8211;",
    "—": "&#8212;",
    "…": "&#8230;",
    "\u00a0": "&nbsp;",
    "\u2009": "&#8201;",
}
_NAMED = {
    "’": "&rsquo;",
    "‘": "&lsquo;",
    "“": "&ldquo;",
    "”": "&rdquo;",
    "–": "&ndash;",
    "—": "&mdash;",
    "…": "&hellip;",
    "\u00a0": "&nbsp;",
    "\u2009": "&thinsp;",
}


def clean(value: str) -> str:
    """Entities already decoded: NFC, whitespace runs to one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def escape(value: str) -> str:
    """Minimal HTML text escaping (quotes stay literal in text nodes)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: str) -> str:
    """Escape a value for a double-quoted HTML attribute."""
    return escape(value).replace('"', "&quot;")


def encode(value: str, style: EntityStyle, *, title: bool = False) -> str:
    """Render text as HTML in one of the entity styles found on the site.

    WordPress titles encode "&" as ``&#038;`` (wptexturize); body text uses ``&amp;``.
    """
    if style == "utf8":
        return escape(value)
    table = _NUMERIC if style == "numeric" else _NAMED
    out = escape(value)
    if title and style == "numeric":
        out = out.replace("&amp;", "&#038;")
    return "".join(table.get(char, char) for char in out)


def slugify(title: str) -> str:
    """WordPress sanitize_title: accents stripped, lower case, punctuation dropped, hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = ascii_title.replace("&", " ").lower()
    ascii_title = re.sub(r"[’'`\"]", "", ascii_title)
    return re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")


def capitalize_first(sentence: str) -> str:
    """Upper-case the first letter, leaving quotes and brackets in front of it alone."""
    for index, char in enumerate(sentence):
        if char.isalpha():
            return sentence[:index] + char.upper() + sentence[index + 1 :]
    return sentence
