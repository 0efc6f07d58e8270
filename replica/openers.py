"""Leads that test a dateline rule's precision and recall (issue 14): datelines naming several
places, and openers that look like datelines and are not ("Enough – ", "The Arab League —
for once — ...").

The truth needs no parsing: a multi-place dateline is a ``Dateline`` of the model; an opener
is part of the lead ``Para``'s text, so the truth keeps it in the text, as the rules do.
Drawn from their own rng (``extras``), so the posts' other choices stay what they were.
"""

from __future__ import annotations

from dataclasses import replace

from replica.coins import Coins
from replica.model import Block, Dateline, Para

# Capitalised words that open opinion columns and are no place anywhere.
NON_PLACES = ("Enough", "Finally", "Again", "Alas", "Listen", "Imagine", "Consider", "Frankly")
# Subjects of a lead with an aside between dashes; two are places, which the aside's second
# dash still marks as no dateline.
SUBJECTS = ("The Arab League", "The Security Council", "Hezbollah", "Tehran", "Cairo", "OPEC")
ASIDES = (
    "for the first time since {year}",
    "once again",
    "as many had expected",
    "despite repeated warnings",
    "or so it seemed",
)
JOINS = (" and ", ", ", "/")
DASHES = ("–", "—")


def vary_dateline(
    dateline: Dateline | None, extras: Coins, cities: tuple[str, ...]
) -> Dateline | None:
    """Sometimes a sourced dateline names two places ("Baghdad and Erbil, Asharq Al-Awsat- ")."""
    if dateline is None or dateline.source is None or "(" in dateline.display:
        return dateline
    others = [city for city in cities if city != dateline.place]
    if not extras.want("multi-place-dateline", bool(others), 0.15):
        return dateline
    join = JOINS[extras.turn("multi-place-join") % len(JOINS)]
    places = dateline.place + join + extras.rng.choice(others)
    display = places + dateline.display[len(dateline.place) :]
    return Dateline(display=display, place=places, source=dateline.source)


def vary_lead(
    body: list[Block], dateline: Dateline | None, extras: Coins, kind: str, year: int
) -> list[Block]:
    """Sometimes an undated lead opens with a non-place word and a dash, or with a subject
    and an aside between two dashes; the text keeps every word of it."""
    position = next((n for n, block in enumerate(body) if isinstance(block, Para)), None)
    eligible = dateline is None and position is not None and kind != "interview"
    if position is None or not eligible:
        return body
    lead = body[position]
    assert isinstance(lead, Para)
    rng = extras.rng
    dash = DASHES[extras.turn("opener-dash") % len(DASHES)]
    if extras.want("non-place-opener", kind == "opinion", 0.2):
        text = f"{rng.choice(NON_PLACES)} {dash} {lead.text}"
    elif extras.want("parenthetical-lead", True, 0.08):
        aside = rng.choice(ASIDES).format(year=year - rng.randint(2, 9))
        rest = lead.text[:1].lower() + lead.text[1:]
        text = f"{rng.choice(SUBJECTS)} {dash} {aside} {dash} {rest}"
    else:
        return body
    return [*body[:position], replace(lead, text=text), *body[position + 1 :]]
