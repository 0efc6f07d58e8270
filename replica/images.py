"""Images of a post: featured image, aawsat.net image metadata, and body figures."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from replica import phrases
from replica.coins import Coins
from replica.model import Figure, ImageSpec, ImageStyle, MediaForm, MediaMeta, Para
from replica.prose import Writer

# (form, caption copies): SITE.md's "Media ID" line, a bare "Caption:" line, and the caption
# repeated two or three times; docs/extraction-rules.md also names the other two forms.
_MEDIA_FORMS: tuple[tuple[MediaForm, int], ...] = (
    ("bare-caption", 2),
    ("bare-caption", 3),
    ("inline-caption", 0),
    ("no-caption-line", 2),
)
_FIGURE_STYLES: tuple[ImageStyle, ...] = (
    "wp-caption",
    "linked-caption",
    "wp-caption",
    "bare",
    "lazy",
)
# RFC 2606 reserves .invalid: an "external" image that can never leave the machine.
EXTERNAL_HOST = "http://img.aawsat.invalid"


@dataclass(frozen=True, slots=True)
class PostImages:
    """What a post shows: featured image, its metadata block, body figures."""

    featured: ImageSpec | None
    media: MediaMeta | None
    figures: list[Figure]


def pick_images(
    kind: str, writer: Writer, coins: Coins, *, when: datetime, post_id: int
) -> PostImages:
    """Draw the images of a post published at ``when``."""
    rng = writer.rng
    uploads = f"/wp-content/uploads/{when.year}/{when.month:02d}"
    pictured = kind not in ("opinion", "blog", "review")
    featured = None
    if rng.random() < (0.6 if pictured else 0.2):
        src = f"{uploads}/photo-{post_id + 1}.jpg"
        featured = ImageSpec(src, None, "", "featured", post_id + 1)
    media = None
    if featured is not None and coins.want("media", when.year <= 2013, 0.45):
        media = _media(writer, coins.turn("media"))
    figures = _figures(writer, coins, uploads=uploads, post_id=post_id, pictured=pictured)
    if featured is not None and media is None and coins.want("featured-in-body", True, 0.08):
        # The featured photo repeated in the body with a caption: one image in the record.
        caption = writer.fill(rng.choice(phrases.CAPTIONS))
        copy = ImageSpec(featured.src, caption, "", "wp-caption", featured.attachment_id)
        figures.insert(0, Figure(copy))
    return PostImages(featured, media, figures)


def _media(writer: Writer, turn: int) -> MediaMeta:
    form, repeats = _MEDIA_FORMS[turn % len(_MEDIA_FORMS)]
    caption = writer.fill(writer.rng.choice(phrases.CAPTIONS))
    media_id = str(55_000_000 + writer.rng.randrange(1_000_000))
    return MediaMeta(media_id=media_id, caption=caption, form=form, repeats=repeats)


def _figures(
    writer: Writer, coins: Coins, *, uploads: str, post_id: int, pictured: bool
) -> list[Figure]:
    rng = writer.rng
    if not coins.want("figure", pictured, 0.3):
        return []
    figures = []
    for number in range(rng.randint(1, 2)):
        attachment = post_id + 2 + number
        style = _FIGURE_STYLES[coins.turn("figure") % len(_FIGURE_STYLES)]
        src = f"{uploads}/photo-{attachment}-300x200.jpg"
        if style == "bare" and coins.want("external-image", True, 0.2):
            src = f"{EXTERNAL_HOST}{src}"
        caption = writer.fill(rng.choice(phrases.CAPTIONS)) if "caption" in style else None
        figures.append(Figure(ImageSpec(src, caption, "", style, attachment)))
    return figures


def place_figures(
    paragraphs: list[Para], figures: list[Figure], rng: random.Random
) -> list[Para | Figure]:
    """Interleave figures after random paragraphs, never before the lead."""
    blocks: list[Para | Figure] = list(paragraphs)
    for figure in figures:
        blocks.insert(rng.randint(1, len(blocks)), figure)
    return blocks
