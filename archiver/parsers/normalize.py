"""Text normalisers shared by the page parsers: pure str -> str functions, each unit-tested.

Every rule here is one of docs/extraction-rules.md; the facts behind them are SITE.md's.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# ---------------------------------------------------------------------------------------------
# clean


def words(text: str) -> frozenset[str]:
    """The set of the whitespace-separated words of ``text`` (for keyword tables)."""
    return frozenset(text.split())


def clean(text: str | None) -> str:
    """NFC, every whitespace run (what ``str.split()`` splits on) to one space, stripped."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_or_none(text: str | None) -> str | None:
    """``clean(text)``, or None when that is empty: a record never holds ``""``."""
    return clean(text) or None


def unique(items: list[str]) -> list[str]:
    """The non-empty items in order, duplicates removed."""
    return [item for item in dict.fromkeys(items) if item]


# ---------------------------------------------------------------------------------------------
# dates: "Jun 27, 2014" / "June 27, 2014" (SITE.md, HIGH) and ISO strings from SEO markup

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def parse_date(text: str | None) -> str | None:
    """A displayed or ISO date as ``YYYY-MM-DD``; None when it is not a real date.

    Month names come from a table rather than ``strptime("%b")``, whose names follow the
    process locale. ISO datetimes keep their own calendar date: no time-zone conversion.
    """
    value = clean(text)
    if match := _ISO.fullmatch(value):
        return _iso_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _MONTH_FIRST.fullmatch(value):
        month, day, year = match[1], match[2], match[3]
    elif match := _DAY_FIRST.fullmatch(value):
        day, month, year = match[1], match[2], match[3]
    else:
        return None
    number = _MONTHS.get(month.lower())
    return _iso_date(int(year), number, int(day)) if number else None


def _iso_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# bylines: a person, several people, or the house / wire name (SITE.md "Bylines")

HOUSE_NAMES = frozenset(
    name.casefold()
    for name in (
        "Asharq Al-Awsat",
        "Asharq Al Awsat",
        "Asharq Al-Awsat English",
        "Aawsat",
        "Reuters",
        "AP",
        "AFP",
        "Associated Press",
        "Agence France-Presse",
    )
)
_BYLINE_SPLIT = re.compile(r",|&|\band\b")


def authors_from_byline(byline: str | None) -> list[str]:
    """The people in a byline: split on ``,``, ``&`` and ``and``; house and wire names go."""
    names = (clean(part) for part in _BYLINE_SPLIT.split(byline or ""))
    return [name for name in names if name and name.casefold() not in HOUSE_NAMES]


# ---------------------------------------------------------------------------------------------
# titles

_TITLE_SUFFIX = re.compile(r"\s+[|\-–—]\s+ASHARQ AL-AWSAT English Archive\b.*$", re.IGNORECASE)


def strip_title_suffix(title: str | None) -> str:
    """A ``<title>`` without the site's suffix, either generation (SITE.md "<title>")."""
    return clean(_TITLE_SUFFIX.sub("", clean(title)))


# ---------------------------------------------------------------------------------------------
# shortcodes leaked into bodies (SITE.md: "[inset_left]" is not text, "[FSA]" is)

SHORTCODE_NAMES = words(
    "caption embed gallery video audio playlist dropcap pullquote quote tweet youtube "
    "highlight box button column one_half one_third divider spacer"
)
# Attribute values and tags are bounded so that hostile text costs linear time.
_QUOTED = r"(?:[\"“”″][^\"“”″\]]{0,500}[\"“”″]|'[^'\]]{0,500}'|[^\s\]\"'“”″]{1,500})"
_SHORTCODE = re.compile(
    rf"\[(/?)([A-Za-z][\w-]{{0,40}})((?:\s+[\w-]{{1,40}}\s*=\s*{_QUOTED})*)\s*/?\]"
)
# [caption]...[/caption] and [embed]...[/embed] enclose a caption or a bare URL: dropped whole.
_ENCLOSING = {name: re.compile(rf"\[{name}\b[^\]]{{0,1000}}\]") for name in ("caption", "embed")}


# Inline shortcodes wrap part of a word ("[dropcap]T[/dropcap]he"): they leave nothing.
INLINE_SHORTCODES = frozenset(("dropcap", "highlight"))


def _replace_shortcode(match: re.Match[str]) -> str:
    name = match[2]
    if not ("_" in name or name in SHORTCODE_NAMES or match[3]):
        return match[0]  # "[FSA]", "[militia]": editorial brackets are text
    return "" if name in INLINE_SHORTCODES else " "


def strip_shortcodes(text: str) -> str:
    """``text`` without shortcode tags (each leaves one space, inline ones nothing), cleaned."""
    if "[" in text:
        text = _SHORTCODE.sub(_replace_shortcode, text)
    return clean(text)


def strip_enclosing_shortcodes(paragraphs: list[str]) -> list[str]:
    """Drop ``[caption ...]...[/caption]`` and ``[embed]...[/embed]`` whole, even when they
    span paragraphs; an unclosed opening tag is left to ``strip_shortcodes``."""
    joined = "\n\n".join(paragraphs)
    if "[caption" not in joined and "[embed" not in joined:
        return paragraphs
    for name, opening in _ENCLOSING.items():
        joined = _drop_enclosed(joined, opening, f"[/{name}]")
    return [clean(paragraph) for paragraph in joined.split("\n\n")]


def _drop_enclosed(text: str, opening: re.Pattern[str], closing: str) -> str:
    kept, position = [], 0
    while match := opening.search(text, position):
        end = text.find(closing, match.end())
        if end < 0:
            break  # no closing tag after this one: none after the next ones either
        # keep a paragraph break that fell inside the dropped span
        kept += [
            text[position : match.start()],
            " \n\n " if "\n\n" in text[match.end() : end] else " ",
        ]
        position = end + len(closing)
    kept.append(text[position:])
    return "".join(kept)


# ---------------------------------------------------------------------------------------------
# image metadata opening imported aawsat.net posts (SITE.md: "Media ID: N", "Caption:", ...)

_MEDIA_ID = re.compile(r"Media ID:\s*(\d+)\s*(.*)", re.IGNORECASE | re.DOTALL)
_CAPTION = re.compile(r"Caption:\s*(.*)", re.IGNORECASE | re.DOTALL)


def media_id_of(paragraph: str) -> tuple[str, str] | None:
    """``("55275613", rest)`` when the paragraph opens with ``Media ID: 55275613``."""
    match = _MEDIA_ID.fullmatch(paragraph)
    return (match[1], match[2]) if match else None


def caption_label_of(paragraph: str) -> str | None:
    """The text after a leading ``Caption:`` (``""`` when bare); None when not a label."""
    match = _CAPTION.fullmatch(paragraph)
    return match[1] if match else None


def strip_image_metadata(
    paragraphs: list[str],
) -> tuple[str | None, str | None, list[str]]:
    """Split ``(media_id, caption, rest)`` off the opening of a body's cleaned paragraphs."""
    rest = list(paragraphs)
    media_id = caption = None
    labelled = False
    for _ in range(2):  # "Media ID" and "Caption:" lines, in either order, once each
        if rest and media_id is None and (found := media_id_of(rest[0])):
            media_id, rest[0] = found
            rest = rest if rest[0] else rest[1:]
        elif rest and not labelled and (label := caption_label_of(rest[0])) is not None:
            labelled, caption, rest = True, label or None, rest[1:]
    if media_id is None and not labelled:
        return None, None, rest
    if caption is None and len(rest) >= 2 and rest[0] == rest[1]:
        caption = rest[0]  # the caption repeated at least twice in a row
    while caption is not None and rest and rest[0] == caption:
        rest = rest[1:]
    return media_id, caption, rest
