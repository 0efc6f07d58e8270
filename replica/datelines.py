"""Dateline conventions by era (SITE.md, HIGH) and a rotation that shows every one of them.

The first time an era's style is used it takes SITE.md's own example place, so any replica
big enough to reach an era shows the exact examples ("QALACHWALAN, Asharq Al-Awsat- ").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from replica import vocab
from replica.model import Dateline


@dataclass(frozen=True, slots=True)
class Style:
    """A dateline pattern: ``{p}`` is the place, ``source`` the outlet (None: no outlet)."""

    pattern: str
    source: str | None
    example: str  # SITE.md's place for this style, used on its first appearance
    places: str  # which pool later places come from: city, village, world, wire, bare


AAWSAT = "Asharq Al-Awsat"
ERAS: dict[str, tuple[Style, ...]] = {
    # 2005-08: not described by SITE.md; the 2009-12 conventions are assumed, random places.
    "2005-08": (
        Style("{p}, Asharq Al-Awsat- ", AAWSAT, "", "city"),
        Style("{p}, Asharq Al-Awsat – ", AAWSAT, "", "city"),
    ),
    "2009-12": (
        Style("{p}, Asharq Al-Awsat- ", AAWSAT, "Baghdad", "city"),
        Style("{p}, Asharq Al-Awsat – ", AAWSAT, "Antakya", "city"),
        Style("{p}, Asharq Al-Awsat- ", AAWSAT, "QALACHWALAN", "village"),
    ),
    "2013-15": (Style("{p}, Asharq Al-Awsat—", AAWSAT, "London", "world"),),
    # 2016-17: place and dash, no outlet; "Cairo-It is..." has no space after the dash.
    "2016-17": (
        Style("{p}- ", None, "Khobar", "city"),
        Style("{p}-", None, "Cairo", "bare"),
        Style("{p} – ", None, "Jeddah", "city"),
    ),
    "wire": (
        Style("{p}, Reuters—", "Reuters", "Beirut", "city"),
        Style("{p}, AP—", "AP", "Ankara", "city"),
        Style("{p} (Reuters) – ", "Reuters", "RAS LANUF, Libya", "wire"),
        Style("{p}, AFP—", "AFP", "Tunis", "city"),
    ),
}


def era_of(when: datetime) -> str:
    """The dateline era of a publication date (later than 2017 counts as 2016-17)."""
    if when.year < 2009:
        return "2005-08"
    if when.year < 2013:
        return "2009-12"
    return "2013-15" if when.year < 2016 else "2016-17"


def make_dateline(era: str, turn: int, rng: random.Random, home: tuple[str, ...]) -> Dateline:
    """The ``turn``-th dateline of an era: styles rotate, SITE.md's examples come first.

    Later places come from the style's pool; city styles prefer the story's ``home`` cities.
    """
    styles = ERAS[era]
    style = styles[turn % len(styles)]
    first_use = turn < len(styles) and bool(style.example)
    place = style.example if first_use else _place(style, rng, home)
    return Dateline(display=style.pattern.format(p=place), place=place, source=style.source)


def _place(style: Style, rng: random.Random, home: tuple[str, ...]) -> str:
    cities = list(home)
    if style.places == "village":
        return rng.choice(vocab.KURDISH_VILLAGES)
    if style.places == "world":
        return rng.choice(vocab.WORLD_CITIES)
    if style.places == "wire":
        return ", ".join(rng.choice(vocab.WIRE_PLACES))
    if style.places == "bare":
        # The no-space form is only a dateline for a single word of 3+ letters.
        return rng.choice([city for city in cities if city.isalpha()] or ["Cairo"])
    return rng.choice(cities)
