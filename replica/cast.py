"""The site-wide cast of a replica: categories, menu, authors and tags.

It depends on (seed, profile) only, never on the number of articles, so a bigger replica of
the same seed has the same cast and its first articles are unchanged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from replica import vocab
from replica.model import Author, Category, MenuItem, Tag
from replica.profile import Profile
from replica.text import slugify

HOUSE = Author(nicename="theaawsat", display="Asharq Al-Awsat", house=True)
# SITE.md's example of a nicename unlike the byline.
WAEL_MAHDI = Author(nicename="w-mahdi", display="Wael Mahdi")
# Known slugs (SITE.md); the last two have unknown slugs there, so each seed picks one.
_CORE = (
    ("opinion", "Opinion"),
    ("news-middle-east", "Middle East"),
    ("features", "Features"),
    ("business", "Business"),
    ("majalla-blogs", "Majalla Blogs"),
    ("interviews", "Interviews"),
)
_LIFESTYLE_SLUGS = ("lifestyle-culture", "lifestyle-and-culture", "culture")
_BOOK_SLUGS = ("book-reviews", "reviews-books", "books-2")
# Roles and how many invented people fill each.
_ROLES = (("columnist", 4), ("reporter", 3), ("feature", 2), ("interviewer", 2))
_ROLES_MORE = (("blogger", 2), ("reviewer", 1))


@dataclass(frozen=True, slots=True)
class Cast:
    """Everything an article draws on besides its own rng."""

    categories: tuple[Category, ...]  # in menu order
    menu: tuple[MenuItem, ...]
    house: Author
    people: dict[str, tuple[Author, ...]]  # role -> authors
    joint: Author  # one WordPress account bylined "X and Y"
    tags: tuple[Tag, ...]

    def category(self, slug: str) -> Category:
        """The category with this slug."""
        return next(category for category in self.categories if category.slug == slug)

    def authors(self) -> tuple[Author, ...]:
        """Every author account, house first."""
        people = [author for group in self.people.values() for author in group]
        return (self.house, *people, self.joint)


def build_cast(seed: int, profile: Profile) -> Cast:
    """Draw the cast for a seed; seed 0 gets the first slug choices."""
    rng = random.Random(f"replica-cast:{seed}")
    categories = _categories(seed, rng, profile.nested_categories)
    people = _people(rng)
    first, second = people["reporter"][0], people["reporter"][1]
    joint = Author(
        nicename=slugify(f"{first.display[0]}{first.display.split()[-1]}-{second.display}"),
        display=f"{first.display} and {second.display}",
    )
    tags = tuple(Tag(slug=slug, name=name) for name, slug in vocab.TAGS)
    return Cast(categories, _menu(categories, profile.menu_depth), HOUSE, people, joint, tags)


def _categories(seed: int, rng: random.Random, nested: int) -> tuple[Category, ...]:
    pick = (lambda options: options[0]) if seed == 0 else rng.choice
    pairs = [*_CORE, (pick(_LIFESTYLE_SLUGS), "Lifestyle & Culture")]
    pairs.append((pick(_BOOK_SLUGS), "Book Reviews"))
    first_nested = len(pairs) - nested
    return tuple(
        Category(
            slug=slug,
            name=name,
            nested=index >= first_nested,
            full_text_listing=slug == "interviews",
        )
        for index, (slug, name) in enumerate(pairs)
    )


def _menu(categories: tuple[Category, ...], depth: int) -> tuple[MenuItem, ...]:
    """Home, the top categories, then "More" holding the nested ones (SITE.md)."""
    top = [MenuItem(c.name, f"/category/{c.slug}") for c in categories if not c.nested]
    nested = [MenuItem(c.name, f"/category/{c.slug}") for c in categories if c.nested]
    if depth == 2:
        # One more level: the last nested category sits under a "#" parent of its own.
        nested[-1] = MenuItem("Reviews", None, (nested[-1],))
    return (MenuItem("Home", "/"), *top, MenuItem("More", None, tuple(nested)))


def _people(rng: random.Random) -> dict[str, tuple[Author, ...]]:
    names = _unique_names(rng, sum(count for _, count in (*_ROLES, *_ROLES_MORE)))
    authors = [_author(name, turn) for turn, name in enumerate(names)]
    people: dict[str, tuple[Author, ...]] = {}
    for role, count in (*_ROLES, *_ROLES_MORE):
        people[role], authors = tuple(authors[:count]), authors[count:]
    people["business"] = (WAEL_MAHDI,)
    # SITE.md: some author pages show full posts instead of excerpts.
    first_columnist = people["columnist"][0]
    people["columnist"] = (
        Author(first_columnist.nicename, first_columnist.display, full_text_listing=True),
        *people["columnist"][1:],
    )
    return people


def _unique_names(rng: random.Random, count: int) -> list[str]:
    firsts = rng.sample(vocab.FIRST_NAMES, count)
    lasts = rng.sample(vocab.LAST_NAMES, count)
    return [f"{first} {last}" for first, last in zip(firsts, lasts, strict=True)]


def _author(name: str, turn: int) -> Author:
    """Login names are often unlike the byline ("Wael Mahdi" is w-mahdi, SITE.md)."""
    first, last = name.split(" ", 1)
    styles = (
        f"{first[0]}-{last}",
        f"{first}-{last}",
        last,
        f"{first}-{last[0]}",
    )
    return Author(nicename=slugify(styles[turn % len(styles)]), display=name)
