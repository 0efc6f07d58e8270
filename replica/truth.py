"""Ground truth: the record docs/extraction-rules.md defines, computed from the model.

Nothing here reads HTML. The text is the generated paragraphs (lead without its dateline;
image metadata, leaked shortcodes and captions were never part of them), cleaned and joined
by one blank line, so a parser that follows the rules must produce exactly these records.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from replica.model import Article
from replica.text import clean

# extraction-rules.md, "authors": house and wire names dropped from a byline.
HOUSE_AND_WIRE = frozenset(
    {
        "asharq al-awsat",
        "asharq al awsat",
        "asharq al-awsat english",
        "aawsat",
        "reuters",
        "ap",
        "afp",
        "associated press",
        "agence france-presse",
    }
)
_BYLINE_SPLIT = re.compile(r",|&|\band\b")
TRUTH_KEYS = (
    "url",
    "post_id",
    "title",
    "byline",
    "authors",
    "published",
    "section",
    "categories",
    "category_slugs",
    "tags",
    "dateline",
    "text",
    "images",
    "word_count",
    "language",
)


def people_in_byline(byline: str) -> list[str]:
    """Split on ",", "&" and the word "and"; drop house and wire names (case-insensitive)."""
    names = (clean(part) for part in _BYLINE_SPLIT.split(byline))
    return [name for name in names if name and name.casefold() not in HOUSE_AND_WIRE]


def article_truth(article: Article, *, seo: str = "none") -> dict[str, Any]:
    """The expected record of one article, URLs site-relative; ``seo`` is the profile's (a
    Yoast head names every tag)."""
    named = article.flags.tag_list or seo == "yoast"
    text = "\n\n".join(
        filter(None, (clean(p.text) for p in article.paragraphs if not p.pull_quote))
    )
    byline = clean(article.byline)
    categories = list(dict.fromkeys(clean(c.name) for c in article.categories))
    dateline = article.dateline
    return {
        "url": article.path,
        "post_id": article.post_id,
        "title": clean(article.title),
        "byline": byline or None,
        "authors": people_in_byline(byline),
        "published": article.published.date().isoformat(),
        "section": categories[0] if categories else None,
        "categories": categories,
        "category_slugs": list(dict.fromkeys(c.slug for c in article.categories)),
        "tags": _tags(article, named),
        "dateline": None
        if dateline is None
        else {"place": clean(dateline.place), "source": dateline.source},
        "text": text,
        "images": _images(article),
        "word_count": len(text.split()),
        "language": "en",
    }


def _tags(article: Article, named: bool) -> list[dict[str, Any]]:
    """Every tag's slug (the classes); its name where the page shows one: the visible list or
    a Yoast head (extraction-rules.md, "tags")."""
    slugs = dict.fromkeys(tag.slug for tag in article.tags)
    names = {tag.slug: clean(tag.name) for tag in article.tags}
    return [{"slug": slug, "name": names[slug] if named else None} for slug in slugs]


def _images(article: Article) -> list[dict[str, Any]]:
    """Featured first, then body images; metadata attaches to the first; duplicates merge."""
    found: list[dict[str, Any]] = []
    if article.featured is not None:
        found.append(_image(article.featured.src, None))
    for image in article.body_images:
        caption = clean(image.caption) if image.caption else None
        found.append(_image(image.src, caption or None))
    if article.media is not None and found:
        found[0]["caption"] = clean(article.media.caption) or None
        found[0]["media_id"] = article.media.media_id
    merged: dict[str, dict[str, Any]] = {}
    for record in found:
        first = merged.setdefault(record["url"], record)
        for key in ("caption", "media_id"):
            first[key] = first[key] if first[key] is not None else record[key]
    return list(merged.values())


def _image(url: str, caption: str | None) -> dict[str, Any]:
    # A parser never knows the image's capture (page requisites fill it in): None.
    return {"url": url, "caption": caption, "media_id": None, "capture": None}


def absolutize(record: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A copy of a truth record with site-relative URLs made absolute against ``base_url``."""
    base = base_url.rstrip("/")
    out = copy.deepcopy(record)
    out["url"] = base + out["url"] if out["url"].startswith("/") else out["url"]
    for image in out["images"]:
        if image["url"].startswith("/"):
            image["url"] = base + image["url"]
    return out
