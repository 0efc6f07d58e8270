"""The dateline grammar of docs/extraction-rules.md: what may open a body before its dash.

Precision first: a dateline is taken only in one of three written shapes, and anything else
stays text, so the rule never eats words that belong to the article.

- places, then ``, SOURCE`` and a dash: "Baghdad and Erbil, Asharq Al-Awsat- ";
- places, then `` (SOURCE)`` and a dash: "RAS LANUF, Libya (Reuters) – ";
- a lone place and a dash, only when the place is in the gazetteer (2016-17 copy):
  "Khobar- ", "Cairo-It is ...", and not "Enough – " or "The Council — for once — ...".

SOURCE is a known outlet, never any capitalised words.
"""

from __future__ import annotations

import re

from archiver.items import Dateline
from archiver.parsers.gazetteer import is_place
from archiver.parsers.normalize import clean

_UPPER = "A-ZÀ-ÖØ-Þ"
# A capitalised word (internal - ' ’ . allowed: "Sana’a", "D.C.", "Al-Anbar"), or a
# lower-case Arabic article joined to one ("el-Sheikh", "ez-Zor").
_WORD = rf"(?:[{_UPPER}]|(?:al|el|ad|ar|as|ash|az|ez|an)-[{_UPPER}])[\w'’.]*(?:-[\w'’.]+)*"
_PLACE = rf"{_WORD}(?: {_WORD}){{0,3}}"
_JOIN = r"(?: (?i:and) |, | ?/ ?)"
_PLACES = rf"{_PLACE}(?:{_JOIN}{_PLACE}){{0,4}}"
# Every spelling the eras use (SITE.md "Dateline conventions by era"), case-insensitive.
KNOWN_SOURCES = (
    "Asharq Al-Awsat English",
    "Asharq Al-Awsat",
    "Asharq Al Awsat",
    "Asharq Alawsat",
    "Asharq Al-Awsat Newspaper",
    "Al-Sharq Al-Awsat",
    "Associated Press",
    "Agence France-Presse",
    "Agence France Presse",
    "Reuters",
    "AP",
    "AFP",
    "DPA",
    "Xinhua",
    "KUNA",
    "SPA",
    "WAM",
    "MENA",
    "UPI",
    "ANSA",
    "IRNA",
    "Anadolu",
)
_ONE_SOURCE = "(?:" + "|".join(re.escape(s) for s in KNOWN_SOURCES) + r")(?!\w)"
_SOURCE = rf"(?i:{_ONE_SOURCE}(?: ?/ ?{_ONE_SOURCE})?)"
_DASH = r"\s*[-–—]"
_SOURCED = (
    re.compile(rf"(?P<place>{_PLACES}) \((?P<source>{_SOURCE})\){_DASH}\s*"),
    re.compile(rf"(?P<place>{_PLACES}), (?P<source>{_SOURCE}){_DASH}\s*"),
)
# Lone place: "Khobar- ", "Jeddah – " (a space after the dash, or nothing after it) ...
_LONE_SPACED = re.compile(rf"(?P<place>{_PLACE})(?P<dash>{_DASH})(?:\s+|$)")
# ... or "Cairo-It is" (a word without a hyphen, an upper-case letter straight after).
_LONE_TIGHT = re.compile(
    rf"(?P<place>[{_UPPER}][\w'’.]*(?: [{_UPPER}][\w'’.]*){{0,2}})\s*[-–—](?=[{_UPPER}])"
)
_NEXT_WORD = re.compile(rf"[{_UPPER}][\w'’.]*")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def split_dateline(paragraph: str) -> tuple[Dateline | None, str]:
    """``(dateline, rest)`` from a body's first paragraph; ``(None, paragraph)`` if none."""
    for pattern in _SOURCED:
        if match := pattern.match(paragraph):
            dateline = Dateline(place=clean(match["place"]), source=clean(match["source"]))
            return dateline, paragraph[match.end() :]
    end = _lone_place_end(paragraph)
    if end is None:
        return None, paragraph
    place = clean(paragraph[:end].rstrip().rstrip("-–—"))
    return Dateline(place=place, source=None), paragraph[end:].lstrip()


def _lone_place_end(paragraph: str) -> int | None:
    """Where a lone-place dateline ends (after its dash), or None when there is none."""
    if match := _LONE_SPACED.match(paragraph):
        dash = match["dash"].strip()
        rest = paragraph[match.end() :]
        if is_place(match["place"]) and not _parenthetical(dash, rest):
            return match.end()
        return None
    if match := _LONE_TIGHT.match(paragraph):
        rest = paragraph[match.end() :]
        if is_place(match["place"]) and not _route(rest):
            return match.end()
    return None


def _parenthetical(dash: str, rest: str) -> bool:
    """ "Most — if not all — of them": the same spaced dash again before the sentence ends
    makes the first one open an aside, not close a dateline."""
    sentence = rest[: found.start()] if (found := _SENTENCE_END.search(rest)) else rest
    return f" {dash} " in sentence or sentence.endswith(f" {dash}")


def _route(rest: str) -> bool:
    """ "Beirut-Damascus highway", "Cairo-Riyadh ties": two places joined by a hyphen are a
    compound, not a dateline and a sentence; so is a lead with nothing after the dash."""
    word = _NEXT_WORD.match(rest)
    return word is None or is_place(word[0].rstrip(".'’"))


__all__ = ["KNOWN_SOURCES", "split_dateline"]
