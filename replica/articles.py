"""Assembles articles one at a time from the cast, a per-post rng and the running state.

Post ``i`` uses ``random.Random(f"replica:{seed}:{i}")`` plus state built from posts
``0..i-1`` only (clock, post id, coverage coins, used slugs), so it is a function of
(seed, profile, i) and a bigger replica of a seed extends a smaller one with newer posts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from replica import bodies, openers, phrases, seed_article
from replica.cast import Cast
from replica.coins import Coins
from replica.datelines import era_of, make_dateline
from replica.images import pick_images, place_figures
from replica.model import (
    Article,
    Author,
    Block,
    Category,
    Comment,
    Dateline,
    Figure,
    Para,
    RenderFlags,
    StrayShortcode,
    Tag,
)
from replica.profile import Profile
from replica.prose import Writer
from replica.text import EntityStyle, slugify

# Gaps between posts shrink geometrically: ~150 posts span 2005-2017, and however many are
# added the dates stay increasing and bunch up in 2017 rather than run into the future.
_SPAN_DAYS = 4700
_FLOOR_MINUTES = 53
# Primary categories in blocks of 20 (indexes into Cast.categories, menu order): every
# category gets at least one post in each block, so 150 posts give multi-page listings.
_SCHEDULE = (0,) * 5 + (1,) * 5 + (2, 2, 3, 3, 4, 5, 5, 6, 6, 7)
_KINDS = ("opinion", "news", "feature", "business", "blog", "interview", "feature", "review")
# A second category for two-category posts, by primary category index.
_SECOND = {0: 4, 1: 2, 2: 6, 3: 1, 4: 0, 5: 1, 6: 2, 7: 6}
_DATELINE_CHANCE = {"news": 0.95, "wire": 1.0, "business": 0.6, "feature": 0.4, "interview": 0.5}
_SHORTCODES = (("wrap", "inset_left"), ("stray", "inset_left"), ("wrap", "inset_right"))
_BUILDER_CODE = ('[et_pb_text admin_label="Text" background_layout="light"]', "[/et_pb_text]")


@dataclass
class GenState:
    """What generation carries from one post to the next."""

    seed: int
    profile: Profile
    cast: Cast
    clock: datetime
    post_id: int
    ratio: float  # the gap decay for this seed
    coins: Coins = field(default_factory=Coins)
    extras: Coins = field(default_factory=Coins)  # issue 14's variations: their own rng
    slugs: set[str] = field(default_factory=set)
    seed_placed: bool = False
    by_category: dict[str, list[int]] = field(default_factory=dict)


def new_state(seed: int, profile: Profile, cast: Cast) -> GenState:
    """Fresh state for a seed: its own start date, first post id and date spacing."""
    rng = random.Random(f"replica-clock:{seed}")
    start = datetime(2005, 1, 3, 9, 0) + timedelta(days=rng.randint(0, 30))
    ratio = 0.981 + rng.uniform(-0.002, 0.002)
    return GenState(seed, profile, cast, start, 1000 + rng.randint(0, 500), ratio)


def next_article(state: GenState, index: int) -> Article:
    """Generate post ``index``; posts must be generated in order from 0."""
    rng = random.Random(f"replica:{state.seed}:{index}")
    state.coins.start(index, rng)
    state.extras.start(index, random.Random(f"replica-extras:{state.seed}:{index}"))
    days = _SPAN_DAYS * (1 - state.ratio) * state.ratio**index * rng.uniform(0.6, 1.4)
    state.clock += timedelta(minutes=round(days * 1440) + _FLOOR_MINUTES)
    state.post_id += rng.randint(2, 40)
    if not state.seed_placed and state.clock >= seed_article.PUBLISHED:
        state.seed_placed = True
        state.clock = seed_article.PUBLISHED
        article = _seed_post(state, index, rng)
    else:
        article = _generated(state, index, rng)
    state.slugs.add(article.slug)
    for category in article.categories:
        state.by_category.setdefault(category.slug, []).append(index)
    return article


def _generated(state: GenState, index: int, rng: random.Random) -> Article:
    coins, cast = state.coins, state.cast
    primary_index = _primary(state.seed, index)
    kind = _KINDS[primary_index]
    if kind == "news" and rng.random() < 0.25:
        kind = "wire"
    writer = Writer(rng, state.clock.year)
    dateline = _dateline(state, kind, writer.cities)
    draft = bodies.compose(kind, writer, dateline, coins.want("extras", True, 0.3))
    dateline = openers.vary_dateline(dateline, state.extras, writer.cities)
    title = _title(kind, draft.title, coins)
    slug = _unique_slug(state, slugify(title))
    images = pick_images(kind, writer, coins, when=state.clock, post_id=state.post_id)
    paragraphs = _decorate(draft.paragraphs, kind, coins, index)
    body = _with_shortcodes(place_figures(paragraphs, images.figures, rng), kind, state)
    body = openers.vary_lead(body, dateline, state.extras, kind, state.clock.year)
    return Article(
        index=index,
        post_id=state.post_id,
        kind=kind,
        authors=_authors(cast, kind, coins),
        categories=_categories(cast, primary_index, coins),
        slug=slug,
        title=title,
        published=state.clock,
        tags=_tags(cast, kind, writer, coins),
        dateline=dateline,
        body=tuple(body),
        media=images.media,
        featured=images.featured,
        related=_related(state, cast.categories[primary_index], index),
        comments=_comments(writer, state.clock, coins),
        flags=_flags(state, coins),
    )


def _primary(seed: int, index: int) -> int:
    block = list(_SCHEDULE)
    random.Random(f"replica-schedule:{seed}:{index // len(block)}").shuffle(block)
    return block[index % len(block)]


def _dateline(state: GenState, kind: str, cities: tuple[str, ...]) -> Dateline | None:
    coins = state.coins
    if coins.rng.random() >= _DATELINE_CHANCE.get(kind, 0.0):
        return None
    era = "wire" if kind == "wire" else era_of(state.clock)
    return make_dateline(era, coins.turn(f"dateline:{era}"), coins.rng, cities)


def _title(kind: str, title: str, coins: Coins) -> str:
    if coins.want("opinion-prefix", kind == "opinion", 0.3):
        return f"Opinion: {title}"
    return title


def _unique_slug(state: GenState, base: str) -> str:
    slug, number = base, 2
    while slug in state.slugs:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _authors(cast: Cast, kind: str, coins: Coins) -> tuple[Author, ...]:
    rng, people = coins.rng, cast.people
    if kind == "wire":
        return (cast.house,)
    if coins.want("coauthor-links", kind == "news", 0.05):
        return tuple(rng.sample(people["reporter"], 2))
    if coins.want("joint-account", kind == "news", 0.05):
        return (cast.joint,)
    staff = {"news": 0.55, "feature": 0.3, "business": 0.3}.get(kind, 0.0)
    if rng.random() < staff:
        return (cast.house,)
    role = {"news": "reporter", "feature": "feature", "interview": "interviewer"}.get(kind)
    if kind == "business":
        role = "business" if rng.random() < 0.7 else "reporter"
    pool = people[role or {"opinion": "columnist", "blog": "blogger"}.get(kind, "reviewer")]
    return (rng.choice(pool),)


def _categories(cast: Cast, primary: int, coins: Coins) -> tuple[Category, ...]:
    first = cast.categories[primary]
    if coins.want("two-categories", True, 0.12):
        return (first, cast.categories[_SECOND[primary]])
    return (first,)


def _tags(cast: Cast, kind: str, writer: Writer, coins: Coins) -> tuple[Tag, ...]:
    if coins.want("no-tags", True, 0.2):
        return ()
    by_name = {tag.name: tag for tag in cast.tags}
    names = [writer.country]
    names += {"review": ["Books"], "business": ["Economy", "Oil"]}.get(kind, [])
    names += writer.rng.sample([tag.name for tag in cast.tags], writer.rng.randint(0, 2))
    return tuple(by_name[name] for name in dict.fromkeys(names))


def _decorate(paragraphs: list[Para], kind: str, coins: Coins, index: int) -> list[Para]:
    """Single line breaks and links to older posts: markup only, the text is unchanged."""
    rng, out = coins.rng, []
    for position, para in enumerate(paragraphs):
        breakable = para.tag == "p" and ". " in para.text and position > 0
        line_break = coins.want("line-break", breakable, 0.12)
        linkable = para.tag == "p" and position > 0 and index > 0 and kind != "interview"
        link_to = rng.randrange(index) if coins.want("inline-link", linkable, 0.08) else None
        out.append(Para(para.text, para.tag, para.wrap, link_to, line_break, para.pull_quote))
    return out


def _with_shortcodes(blocks: list[Para | Figure], kind: str, state: GenState) -> list[Block]:
    """SITE.md: raw shortcodes such as "[inset_left]" leak into some bodies, wrapping a pull
    quote (a sentence of the body again), closed or not (issue 14)."""
    coins = state.coins
    paragraphs = [block for block in blocks if isinstance(block, Para)]
    eligible = kind in ("news", "opinion", "feature", "business") and len(paragraphs) >= 3
    out: list[Block] = list(blocks)
    if coins.want("shortcode", eligible, 0.12):
        form, name = _SHORTCODES[coins.turn("shortcode") % len(_SHORTCODES)]
        quote = bodies.pull_quote(paragraphs, coins.rng, name)
        closed = not state.extras.want("unclosed-pull-quote", True, 0.3)
        if form == "wrap":
            out.insert(2, Para(quote.text, wrap=name, pull_quote=True, closed=closed))
        else:
            plain = Para(quote.text, pull_quote=True)
            closing = [StrayShortcode(f"[/{name}]")] if closed else []
            out[2:2] = [StrayShortcode(f"[{name}]"), plain, *closing]
    if coins.want("builder-shortcode", eligible, 0.03):
        out.insert(1, StrayShortcode(_BUILDER_CODE[0]))
        out.append(StrayShortcode(_BUILDER_CODE[1]))
    return out


def _related(state: GenState, category: Category, index: int) -> tuple[int, ...]:
    older = state.by_category.get(category.slug, [])[-10:]
    if not state.coins.want("related", len(older) >= 3, 0.4):
        return ()
    return tuple(sorted(state.coins.rng.sample(older, 3), reverse=True))


def _comments(writer: Writer, when: datetime, coins: Coins) -> tuple[Comment, ...]:
    if not coins.want("comments", True, 0.25):
        return ()
    rng = writer.rng
    comments = [
        Comment(writer.person(), when + timedelta(minutes=rng.randint(30, 4000)), text)
        for text in rng.sample(phrases.COMMENTS, rng.randint(1, 3))
    ]
    return tuple(sorted(comments, key=lambda comment: comment.when))


def _flags(state: GenState, coins: Coins) -> RenderFlags:
    rng, profile, year = coins.rng, state.profile, state.clock.year
    entities: EntityStyle = rng.choices(("utf8", "numeric", "named"), (3, 6, 1))[0]
    if coins.want("named-entities", True, 0.0):
        entities = "named"
    wrapper = profile.body_wrapper
    suffix = profile.title_suffix
    return RenderFlags(
        entities=entities,
        br_body=coins.want("br-body", True, 0.35 if year < 2014 else 0.1),
        builder=wrapper == "builder" or coins.want("builder", wrapper == "mixed", 0.2),
        title_suffix=suffix if suffix != "mixed" else rng.choice(("later", "older")),
        spacing=coins.want("spacing", True, 0.2),
        nfd=coins.want("nfd", True, 0.05),
        wrap_lines=coins.want("wrap-lines", True, 0.25),
        meta_comments=rng.random() < 0.5,
        tag_list=_tag_list(profile, state.extras),
    )


def _tag_list(profile: Profile, extras: Coins) -> bool:
    """A visible tag list, or (SITE.md: most pages) the tags only as classes."""
    if profile.tag_list != "mixed":
        return profile.tag_list == "visible"
    return not extras.want("class-only-tags", True, 0.6)


def _seed_post(state: GenState, index: int, rng: random.Random) -> Article:
    """SITE.md's one real article; its date, category and tags are synthetic metadata."""
    seed = seed_article.load_seed()
    lead = seed.paragraphs[0].removeprefix(seed_article.DATELINE)
    body = (Para(lead), *(Para(text) for text in seed.paragraphs[1:]))
    by_slug = {tag.slug: tag for tag in state.cast.tags}
    return Article(
        index=index,
        post_id=state.post_id,
        kind="seed",
        authors=(state.cast.house,),
        categories=(state.cast.category(seed_article.CATEGORY),),
        slug=seed_article.SLUG,
        title=seed.title,
        published=seed_article.PUBLISHED,
        tags=(by_slug["syria"], by_slug["arab-spring"]),
        dateline=Dateline(seed_article.DATELINE, "Beirut", "Asharq Al-Awsat"),
        body=body,
        media=None,
        featured=None,
        related=_related(state, state.cast.category(seed_article.CATEGORY), index),
        comments=(),
        flags=_seed_flags(state.profile),
    )


def _seed_flags(profile: Profile) -> RenderFlags:
    """The seed page as captured: numeric entities, <p> body, the later title suffix."""
    suffix: Literal["later", "older"] = "older" if profile.title_suffix == "older" else "later"
    return RenderFlags(
        entities="numeric",
        br_body=False,
        builder=profile.body_wrapper == "builder",
        title_suffix=suffix,
        spacing=False,
        nfd=False,
        wrap_lines=False,
        meta_comments=True,
        tag_list=profile.tag_list != "classes",
    )
