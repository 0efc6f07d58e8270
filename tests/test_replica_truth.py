"""The replica's ground truth agrees with its own HTML, read by the extraction rules.

A small reference reading of docs/extraction-rules.md (bs4 + lxml) runs on every rendered
article page and must reproduce ``absolutize(truth)`` exactly. It is not the project's
parser; it checks that what the replica renders and what it claims are the same thing, so
the truth can be trusted as a parser's expected output.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from archiver.parsers.gazetteer import is_place
from replica import Profile, Router, absolutize, build_site
from replica.truth import TRUTH_KEYS, people_in_byline

BASE = "http://127.0.0.1:8765"
_LEAF = {"p", "h2", "h3", "h4", "h5", "h6", "li", "pre"}
_CONTAINER = {"div", "ul", "ol", "section", "article", "table", "tbody", "tr", "td", "figure"}
_NOT_TEXT = "script, style, noscript, iframe, form, div.sharedaddy, #jp-relatedposts, "
_NOT_TEXT += ".jp-relatedposts, div.page-links, #comments, #respond, .comment-respond, "
_NOT_TEXT += "div.wp-caption, figure, img"
_SHORTCODE_NAMES = {
    "caption", "embed", "gallery", "video", "audio", "playlist", "dropcap", "pullquote", "quote",
    "tweet", "youtube", "highlight", "box", "button", "column", "one_half", "one_third",
    "divider", "spacer",
}  # fmt: skip
_SHORTCODE = re.compile(r"\[/?([A-Za-z][\w-]*)((?:\s[^\]]*)?)\]")
_WORD = r"[A-Z](?:[\w'.]|-(?=\w))*"
_PLACE = rf"{_WORD}(?: {_WORD}){{0,3}}"
_KNOWN = "Asharq Al-Awsat|Asharq Al Awsat|Reuters|AP|AFP|DPA|Xinhua|KUNA|SPA|WAM|MENA"
_SOURCE = rf"(?:{_KNOWN}|Associated Press|Agence France-Presse)"
_PLACES = rf"{_PLACE}(?:(?: and |, |/){_PLACE}){{0,4}}"
_DASH = r"\s*[-–—]\s*"
_WITH_SOURCE = re.compile(rf"^(?P<place>{_PLACES}), (?P<source>{_SOURCE}){_DASH}")
_PAREN = re.compile(rf"^(?P<place>{_PLACES}) \((?P<source>{_SOURCE})\){_DASH}")
_BARE = re.compile(rf"^(?P<place>{_PLACE})\s*(?P<dash>[-–—])(?P<space>\s*)")


def clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _tokens(node: Tag) -> list[str | None]:
    """Text pieces, "<br>" markers and None for paragraph boundaries, in order."""
    out: list[str | None] = []
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:
                out.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "br":
                out.append("<br>")
            elif child.name in _LEAF or child.name == "blockquote" or child.name in _CONTAINER:
                out += [None, *_tokens(child), None]
            else:
                out += _tokens(child)
    return out


def paragraphs(container: Tag) -> list[str]:
    """Paragraphs per the rules: blocks, and runs split by two or more <br>."""
    text, out, brs = "", [], 0
    for token in [*_tokens(container), None]:
        if token == "<br>":
            brs += 1
            continue
        if token is not None and not token.strip() and brs:
            continue  # whitespace between <br>s keeps the run of breaks going
        if token is None or brs >= 2:
            out.append(text)
            text = ""
        elif brs == 1:
            text += " "
        brs = 0
        text += token or ""
    return [p for p in (clean(x) for x in out) if p]


def _strip_shortcodes(paragraph: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name, attrs = match.group(1), match.group(2)
        is_code = "_" in name or name in _SHORTCODE_NAMES or "=" in attrs
        return " " if is_code else match.group(0)

    return clean(_SHORTCODE.sub(replace, paragraph))


def _without_pull_quotes(paras: list[str]) -> list[str]:
    """extraction-rules.md, "pull quotes": an [inset_left] span (closed, or to the end of its
    paragraph, or the next paragraph after a lone opening tag) repeating the body is dropped."""
    out, quotes, index = [], [], 0
    while index < len(paras):
        match = re.fullmatch(r"\[(inset_left|inset_right)\](.*?)(?:\[/\1\])?", paras[index])
        if match and not match.group(2) and index + 1 < len(paras):
            quotes.append(paras[index + 1])
            index += 2
            continue
        if match:
            quotes.append(match.group(2))
        else:
            out.append(paras[index])
        index += 1
    body = " ".join(out)
    assert all(clean(q) in body for q in quotes)  # the replica's pull quotes all repeat
    return out


def _metadata(paras: list[str]) -> tuple[int, str | None, str | None]:
    """(paragraphs to skip, media_id, caption) for the image metadata block."""
    match = re.fullmatch(r"Media ID: ?(\d+)", paras[0]) if paras else None
    if not match:
        return 0, None, None
    index, caption = 1, None
    if index < len(paras) and paras[index].startswith("Caption:"):
        caption = clean(paras[index].removeprefix("Caption:")) or None
        index += 1
    if caption is None and index + 1 < len(paras) and paras[index] == paras[index + 1]:
        caption = paras[index]
        while index < len(paras) and paras[index] == caption:
            index += 1
    return index, match.group(1), caption


def dateline(paragraph: str) -> tuple[dict[str, Any] | None, str]:
    for pattern in (_WITH_SOURCE, _PAREN):
        match = pattern.match(paragraph)
        if match:
            return match.groupdict(), paragraph[match.end() :]
    match = _BARE.match(paragraph)
    if match and is_place(match.group("place")):
        place, rest = match.group("place"), paragraph[match.end() :]
        first_sentence = re.split(r"[.!?](?:\s|$)", rest, maxsplit=1)[0]
        aside = f" {match.group('dash')} " in f"{first_sentence} "
        next_word = re.match(r"[A-Z][\w'’.]*", rest)
        tight = next_word is not None and not is_place(next_word.group(0))
        if (match.group("space") and not aside) or (not match.group("space") and tight):
            return {"place": place, "source": None}, rest
    return None, paragraph


def _images(article: Tag, content: Tag, media: tuple[str | None, str | None]) -> list[dict]:
    meta = article.select_one("div.et_post_meta_wrapper")
    found = [
        {"url": img["src"], "caption": None, "media_id": None, "capture": None}
        for img in meta("img")
    ]
    skip = content.select("div.sharedaddy, #jp-relatedposts")
    for img in content("img"):
        if any(img in block.descendants for block in skip):
            continue
        box = img.find_parent(class_="wp-caption")
        caption = clean(box.select_one(".wp-caption-text").get_text()) if box else None
        found.append({"url": img.get("src") or img["data-src"], "caption": caption or None})
        found[-1].update(media_id=None, capture=None)
    if media[0] and found:
        found[0]["caption"], found[0]["media_id"] = media[1], media[0]
    merged: dict[str, dict] = {}
    for image in found:
        first = merged.setdefault(image["url"], image)
        for key in ("caption", "media_id"):
            first[key] = first[key] if first[key] is not None else image[key]
    return list(merged.values())


def extract(html: str, url: str) -> dict[str, Any]:
    """The record of an article page, read per docs/extraction-rules.md."""
    soup = BeautifulSoup(html, "lxml")
    article = soup.select_one("article.et_pb_post h1.entry-title").find_parent("article")
    content = article.select_one("div.entry-content")
    meta_line = article.select_one("p.post-meta")
    byline = " and ".join(clean(a.get_text()) for a in meta_line.select("span.author a"))
    categories = list(dict.fromkeys(clean(a.get_text()) for a in meta_line("a", rel="category")))
    raw_date = clean(meta_line.select_one("span.published").get_text())
    published = datetime.strptime(
        raw_date, "%b %d, %Y" if len(raw_date.split()[0]) == 3 else "%B %d, %Y"
    )
    skip_tags = article.select("div.sharedaddy, #jp-relatedposts, #comment-wrap")
    links = [
        a for a in article.find_all("a", rel=True)
        if "tag" in a["rel"] and "category" not in a["rel"]
        and not any(a in block.descendants for block in skip_tags)
    ]  # fmt: skip
    classes = article.get("class") or []
    tag_slugs = [name.removeprefix("tag-") for name in classes if name.startswith("tag-")]
    names = {a["href"].rstrip("/").rsplit("/", 1)[1]: clean(a.get_text()) for a in links}
    head = [clean(m["content"]) for m in soup.select('meta[property="article:tag"]')]
    if len(head) == len(tag_slugs):
        names = {**dict(zip(tag_slugs, head, strict=True)), **names}
    images_at = _images(article, content, (None, None))  # before content is pruned
    for node in content.select(_NOT_TEXT):
        node.replace_with(soup.new_tag("div"))
    inner = content.select("div.et_pb_text_inner") or [content]
    paras = _without_pull_quotes([p for box in inner for p in paragraphs(box)])
    paras = [_strip_shortcodes(p) for p in paras]
    paras = [p for p in paras if p]
    skip, media_id, caption = _metadata(paras)
    paras = paras[skip:]
    found_dateline, paras[0] = dateline(paras[0])
    text = "\n\n".join(p for p in paras if p)
    images = images_at
    if media_id and images:
        images[0]["caption"], images[0]["media_id"] = caption, media_id
    return {
        "url": url,
        "post_id": int(article["id"].removeprefix("post-")),
        "title": clean(article.select_one("h1.entry-title").get_text()),
        "byline": byline or None,
        "authors": people_in_byline(byline),
        "published": published.date().isoformat(),
        "section": categories[0] if categories else None,
        "categories": categories,
        "category_slugs": [
            name.removeprefix("category-") for name in classes if name.startswith("category-")
        ],
        "tags": [{"slug": slug, "name": names.get(slug)} for slug in tag_slugs],
        "dateline": found_dateline,
        "text": text,
        "images": images,
        "word_count": len(text.split()),
        "language": "en",
    }


def _check_site(site: Any) -> None:
    router = Router(site, BASE)
    for record in site.truth():
        assert tuple(record) == TRUTH_KEYS
        expected = absolutize(record, BASE)
        response = router(record["url"])
        got = extract(response.body.decode("utf-8"), expected["url"])
        for key in TRUTH_KEYS:
            assert got[key] == expected[key], (record["url"], key)


def test_bundled_truth_matches_rendered_pages() -> None:
    _check_site(build_site())


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_random_profile_truth_matches_rendered_pages(seed: int) -> None:
    profile = Profile.random(random.Random(seed))
    _check_site(build_site(seed, 60, profile))


def test_reference_reader_sees_dateline_forms() -> None:
    assert dateline("Cairo-It is late.")[0] == {"place": "Cairo", "source": None}
    assert dateline("Khalid Al-Amin said so.")[0] is None
    assert dateline("RAS LANUF, Libya (Reuters) – Rebels")[0] == {
        "place": "RAS LANUF, Libya",
        "source": "Reuters",
    }
