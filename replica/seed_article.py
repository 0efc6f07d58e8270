"""The one real article (SITE.md's seed page), bundled verbatim in data/seed_article.txt.

The file is the crude text extraction SITE.md describes: a header line, a blank line, the
``<title>``, Divi's "Select Page" label, a blank line, then the body paragraphs separated by
blank lines. Only its title and paragraphs are real; its date (Nov 22, 2011), category and
nicename are synthetic metadata chosen to match the site's conventions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from replica.text import clean

DATELINE = "Beirut, Asharq Al-Awsat – "
TITLE_SUFFIX = " | ASHARQ AL-AWSAT English Archive 2005 -2017"
# Synthetic metadata: the text extraction carries no date; Nov 22, 2011 fits its events.
PUBLISHED = datetime(2011, 11, 22, 10, 42)
NICENAME = "theaawsat"
CATEGORY = "news-middle-east"
SLUG = "defections-from-syrian-army-on-the-rise-free-syrian-army"


@dataclass(frozen=True, slots=True)
class SeedText:
    """Title and body paragraphs of the seed page; the first still opens with its dateline."""

    title: str
    paragraphs: tuple[str, ...]


def load_seed() -> SeedText:
    """Read and split the bundled seed page."""
    raw = resources.files("replica").joinpath("data/seed_article.txt")
    blocks = [clean(block) for block in raw.read_text(encoding="utf-8").split("\n\n")]
    title_line = blocks[1].split(" Select Page")[0]
    title = title_line.removesuffix(TITLE_SUFFIX)
    paragraphs = tuple(block for block in blocks[2:] if block)
    if not paragraphs[0].startswith(DATELINE):
        raise ValueError("data/seed_article.txt: the first paragraph lost its dateline")
    return SeedText(title=title, paragraphs=paragraphs)
