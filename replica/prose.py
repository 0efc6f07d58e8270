"""Plausible English news prose from phrases.py templates, deterministic for a given rng."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

from replica import phrases, vocab
from replica.text import capitalize_first, clean

_SLOT = re.compile(r"\{(\w+)\}")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")


class Writer:
    """Fills templates for one article: a home country, a year and a cast of names."""

    def __init__(self, rng: random.Random, year: int) -> None:
        self.rng = rng
        self.year = year
        home: tuple[str, str, tuple[str, ...]] = rng.choice(vocab.COUNTRIES)
        self.country, self.demonym, self.cities = home
        self._slots: dict[str, Callable[[], str]] = self._slot_table()
        self._used: set[str] = set()  # templates already used in this article

    def _slot_table(self) -> dict[str, Callable[[], str]]:
        pick = self.rng.choice
        return {
            "country": lambda: self.country,
            "demonym": lambda: self.demonym,
            "city": lambda: self.cities[0] if len(self.cities) == 1 else pick(self.cities),
            "city2": lambda: pick(pick(vocab.COUNTRIES)[2]),
            "world_city": lambda: pick(vocab.WORLD_CITIES),
            "org": lambda: pick(vocab.ORGS),
            "org2": lambda: pick(vocab.ORGS),
            "bracketed": lambda: pick(vocab.BRACKETED),
            "company": lambda: pick(vocab.COMPANIES),
            "official": self.official,
            "name": self.person,
            "number": lambda: f"{self.rng.randint(3, 1400):,}",
            "pct": lambda: f"{self.rng.randint(1, 19)}.{self.rng.randint(0, 9)}",
            "money": lambda: f"${self.rng.randint(2, 90)}.{self.rng.randint(1, 9)} billion",
            "price": lambda: str(self.rng.randint(38, 124)),
            "quarter": lambda: pick(phrases.QUARTERS),
            "day": lambda: pick(vocab.DAYS),
            "month": lambda: pick(_MONTHS),
            "year": lambda: str(self.year),
            "prev_year": lambda: str(self.year - self.rng.randint(1, 6)),
            "decade": lambda: str(pick((1950, 1960, 1970, 1980))),
            "topic": lambda: pick(vocab.TOPICS),
            "topic2": lambda: pick(vocab.TOPICS),
            "backer": lambda: pick(phrases.BACKERS),
            "clause": lambda: self.fill(pick(phrases.CLAUSES)),
            "sentence": lambda: self.sentence(phrases.NEWS),
        }

    def slot(self, name: str) -> str:
        """One slot's value; a capitalised slot name capitalises the value."""
        key = name.lower().removesuffix("_cap")
        value = self._slots[key]()
        return capitalize_first(value) if name[0].isupper() or name.endswith("_cap") else value

    def fill(self, template: str) -> str:
        """Fill every ``{slot}`` of a template."""
        return _SLOT.sub(lambda match: self.slot(match.group(1)), template)

    def sentence(self, templates: Sequence[str]) -> str:
        """One sentence from a template list, capitalised; fresh templates first."""
        fresh = [template for template in templates if template not in self._used]
        template = self.rng.choice(fresh or templates)
        self._used.add(template)
        return capitalize_first(self.fill(template))

    def paragraph(self, templates: Sequence[str], lead: str | None = None) -> str:
        """Two to four sentences; ``lead`` (already written) opens it when given."""
        count = self.rng.randint(2, 4)
        sentences = [lead] if lead else []
        while len(sentences) < count:
            sentences.append(self.sentence(templates))
        return clean(" ".join(sentences))

    def person(self) -> str:
        """An invented full name."""
        return f"{self.rng.choice(vocab.FIRST_NAMES)} {self.rng.choice(vocab.LAST_NAMES)}"

    def official(self) -> str:
        """ "Syrian Foreign Minister Omar Haddad" and the like."""
        role = self.rng.choice(phrases.OFFICIAL_ROLES)
        return f"{self.demonym} {role} {self.person()}"

    def title(self, kind: str) -> str:
        """A headline for the kind of post, typography included."""
        templates = phrases.TITLES["news" if kind == "wire" else kind]
        return clean(capitalize_first(self.fill(self.rng.choice(templates))))
