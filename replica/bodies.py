"""Article titles and bodies by kind of post: clean paragraphs plus their decorations."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from replica import phrases, vocab
from replica.model import Dateline, Para
from replica.prose import Writer
from replica.text import capitalize_first, clean

# Capitalised words then a dash at the very start: something a parser could take for a
# dateline. Leads are redrawn until they do not look like that, so the truth is unambiguous.
_DASHY = re.compile(r"^(?:[A-Z][\w'’.]*,?\s+){0,4}[A-Z][\w'’.]*\s*[-–—]")
_LEADS = {
    "news": phrases.NEWS_LEADS,
    "wire": phrases.NEWS_LEADS,
    "opinion": phrases.OPINION_LEADS,
    "business": phrases.BUSINESS_LEADS,
    "feature": phrases.FEATURE_LEADS,
    "review": phrases.REVIEW_LEADS,
    "blog": phrases.BLOG_LEADS,
}
_BODY = {
    "news": phrases.NEWS,
    "wire": phrases.NEWS,
    "opinion": phrases.OPINION,
    "business": phrases.BUSINESS,
    "feature": phrases.FEATURE,
    "review": phrases.REVIEW,
    "blog": phrases.NEWS,
}
_LENGTH = {"news": (3, 7), "wire": (3, 5), "opinion": (4, 8), "business": (3, 6)}
_SUBHEADS = ("A family trade", "Old and new", "What comes next", "The numbers")


@dataclass(frozen=True, slots=True)
class Draft:
    """A post's headline and clean paragraphs, before images and markup choices."""

    title: str
    paragraphs: list[Para]


def compose(kind: str, writer: Writer, dateline: Dateline | None, extras: bool) -> Draft:
    """Write a post of ``kind``; ``extras`` allows subheads, quotes and lists."""
    if kind == "interview":
        return _interview(writer, dateline)
    lead = _lead(writer, _LEADS[kind], dateline)
    low, high = _LENGTH.get(kind, (3, 6))
    texts = [writer.paragraph(_BODY[kind], lead)]
    texts += [writer.paragraph(_BODY[kind]) for _ in range(writer.rng.randint(low, high))]
    paragraphs = [Para(text) for text in texts]
    if extras:
        _add_extras(kind, writer, paragraphs)
    return Draft(title=writer.title(kind), paragraphs=paragraphs)


def _lead(writer: Writer, templates: tuple[str, ...], dateline: Dateline | None) -> str:
    """The opening sentence; after a no-space dateline ("Cairo-It is...") it starts "It is"."""
    if dateline is not None and dateline.source is None and not dateline.display.endswith(" "):
        templates = tuple(t for t in phrases.NEWS_LEADS if t.startswith("It is"))
    for _ in range(50):
        lead = writer.sentence(templates)
        if not _DASHY.match(lead):
            return lead
    raise RuntimeError("no dash-free lead found; check phrases.py lead templates")


def _add_extras(kind: str, writer: Writer, paragraphs: list[Para]) -> None:
    rng = writer.rng
    if kind in ("feature", "review") and len(paragraphs) > 3:
        paragraphs.insert(2, Para(rng.choice(_SUBHEADS), tag="h3"))
    elif kind == "opinion":
        quote = "“" + capitalize_first(writer.fill(rng.choice(phrases.CLAUSES))) + ".”"
        paragraphs.insert(len(paragraphs) - 1, Para(clean(quote), tag="blockquote"))
    elif kind == "business":
        items = (f"Revenue: {writer.slot('money')}", f"Growth: {writer.slot('pct')} percent")
        paragraphs.extend(Para(item, tag="li") for item in items)


def _interview(writer: Writer, dateline: Dateline | None) -> Draft:
    """Intro, then "[Asharq Al-Awsat] question" / "[Surname] answer" pairs (SITE.md)."""
    rng = writer.rng
    surname = rng.choice(vocab.INTERVIEWEE_SURNAMES)
    name = f"{rng.choice(vocab.FIRST_NAMES)} {surname}"
    role = rng.choice(vocab.INTERVIEWEE_ROLES)
    intro = [t.replace("{role}", role).replace("{name}", name) for t in phrases.INTERVIEW_INTRO]
    paragraphs = [Para(writer.paragraph(phrases.NEWS, _lead(writer, tuple(intro), dateline)))]
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
        (phrases.QUESTIONS_FIRST, phrases.ANSWERS_FIRST)
    ]
    pairs += [(phrases.QUESTIONS, phrases.ANSWERS)] * rng.randint(2, 5)
    for questions, answers in pairs:
        paragraphs.append(Para(f"[Asharq Al-Awsat] {writer.sentence(questions)}"))
        paragraphs.append(Para(clean(f"[{surname}] {writer.sentence(answers)}")))
    return Draft(title=_interview_title(rng, role, name), paragraphs=paragraphs)


def _interview_title(rng: random.Random, role: str, name: str) -> str:
    """SITE.md: titles keep prefixes such as "Asharq Al-Awsat Interview: " and "Q&A with "."""
    forms = (f"Asharq Al-Awsat Interview: {role} {name}", f"Q&A with {role} {name}")
    return rng.choice((*forms, f"Asharq Al-Awsat talks to {name}"))


def pull_quote(paragraphs: list[Para], rng: random.Random, wrap: str) -> Para:
    """A sentence of the post repeated inside a leaked shortcode ("[inset_left]...")."""
    sentences = [
        sentence
        for paragraph in paragraphs[1:]
        for sentence in re.split(r"(?<=\.) ", paragraph.text)
        if sentence.endswith(".") and not set(sentence) & set("“”[")
    ]
    return Para(rng.choice(sentences) if sentences else paragraphs[-1].text, wrap=wrap)
