"""The images of an article: featured image first, then the body's, with their captions.

Implements the "images" rule of docs/extraction-rules.md.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urljoin

from archiver.items import Image
from archiver.parsers.body import is_aside
from archiver.parsers.dom import Element, classes, flat_text
from archiver.parsers.normalize import clean_or_none

# Where a featured image sits before the body: Divi's meta wrapper, or a thumbnail link.
FEATURED_CLASSES = frozenset(("et_post_meta_wrapper",))
# Emoji that WordPress turns into images are characters, not images of the article.
_EMOJI_CLASSES = frozenset(("wp-smiley", "emoji"))
_SRC_ATTRIBUTES = ("src", "data-src", "data-lazy-src", "data-orig-file")


def image_url(img: Element, base: str) -> str | None:
    """Absolute URL of the image file: ``src``, else a lazy-loading attribute; a ``data:``
    placeholder is not a URL."""
    for attribute in _SRC_ATTRIBUTES:
        value = (img.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return str(urljoin(base, value))
    return None


def _elsewhere(element: Element) -> bool:
    """Share buttons, related posts, comments (avatars), lazy-load copies in noscript."""
    return element.tag == "noscript" or is_aside(element)


def _caption_of(container: Element) -> str | None:
    for node in container.iter("figcaption", "p", "div", "span", "dd"):
        if node.tag == "figcaption" or "wp-caption-text" in classes(node):
            return clean_or_none(flat_text(node))
    return None


def _image(img: Element, stop: Element, base: str) -> Image | None:
    """The Image of an ``img`` under ``stop``, or None when it is not an article image."""
    url = image_url(img, base)
    if url is None or not _EMOJI_CLASSES.isdisjoint(classes(img)):
        return None
    caption = None
    for ancestor in img.iterancestors():
        if ancestor is stop:
            break
        if _elsewhere(ancestor):
            return None
        if caption is None and (ancestor.tag == "figure" or "wp-caption" in classes(ancestor)):
            caption = _caption_of(ancestor)
    return Image(url=url, caption=caption, media_id=None)


def body_images(content: Element, base: str) -> list[Image]:
    """Each article ``img`` in the body, in document order."""
    found = (_image(img, content, base) for img in content.iter("img"))
    return [image for image in found if image is not None]


def featured_images(article: Element, content: Element, base: str) -> list[Image]:
    """Images before the body: in the meta wrapper, or ``article > a > img``."""
    found: list[Image] = []
    for element in article.iter():
        if element is content:
            break
        if element.tag == "img" and _is_featured(element, article):
            image = _image(element, article, base)
            found.extend([image] if image else [])
    return found


def _is_featured(img: Element, article: Element) -> bool:
    parent = img.getparent()
    if parent is not None and parent.tag == "a" and parent.getparent() is article:
        return True
    for ancestor in img.iterancestors():
        if ancestor is article:
            return False
        if not FEATURED_CLASSES.isdisjoint(classes(ancestor)):
            return True
    return False


def with_metadata(images: list[Image], media_id: str | None, caption: str | None) -> list[Image]:
    """Attach the body's image metadata to the first image (the featured one when there is
    one; dropped when there is no image), then merge duplicate URLs."""
    if images and (media_id or caption):
        first = images[0]
        filled = dataclasses.replace(
            first, caption=first.caption or caption, media_id=first.media_id or media_id
        )
        images = [filled, *images[1:]]
    return merge_duplicates(images)


def merge_duplicates(images: list[Image]) -> list[Image]:
    """One Image per URL: the first copy wins; a missing caption or media id is filled from
    later copies."""
    merged: dict[str, Image] = {}
    for image in images:
        kept = merged.setdefault(image.url, image)
        if kept is not image:
            merged[image.url] = dataclasses.replace(
                kept,
                caption=kept.caption or image.caption,
                media_id=kept.media_id or image.media_id,
            )
    return list(merged.values())
