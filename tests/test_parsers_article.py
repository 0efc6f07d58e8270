"""The article parser against its fixtures, field by field (tests/fixtures/articles/)."""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from typing import Any

import pytest

from archiver.items import ArticleContent
from archiver.parsers import PARSER_VERSIONS, LayoutError, parse_article
from tests.fixtures.catalog import Fixture, fixtures

ARTICLES = [f for f in fixtures("articles") if not f.is_error()]
NOT_ARTICLES = [f for f in fixtures("articles") if f.is_error()]
FIELDS = [f.name for f in dataclasses.fields(ArticleContent)]
# What must never reach a record's text (SITE.md: image metadata, share buttons, shortcodes).
LEAKS = re.compile(r"Media ID|(?:^|\n)Caption:(?:\n|$)|Share this|\[/?[a-z]+_[a-z_]+[\]\s]")


@cache
def actual(fixture: Fixture) -> dict[str, Any]:
    return fixture.actual()


def test_enough_fixtures() -> None:
    assert len(ARTICLES) >= 25
    assert len(NOT_ARTICLES) >= 6


@pytest.mark.parametrize(
    ("fixture", "field"),
    [(f, name) for f in ARTICLES for name in FIELDS],
    ids=[f"{f.name}::{name}" for f in ARTICLES for name in FIELDS],
)
def test_field(fixture: Fixture, field: str) -> None:
    expected = fixture.expected()
    assert field in expected, f"{fixture.expected_path} lacks {field!r}"
    assert actual(fixture)[field] == expected[field]


@pytest.mark.parametrize("fixture", ARTICLES, ids=lambda f: f.name)
def test_no_unexpected_fields(fixture: Fixture) -> None:
    assert set(fixture.expected()) == set(FIELDS)
    assert set(actual(fixture)) == set(FIELDS)


@pytest.mark.parametrize("fixture", ARTICLES, ids=lambda f: f.name)
def test_nothing_leaks_into_text(fixture: Fixture) -> None:
    record = actual(fixture)
    for value in (record["title"], record["text"], *(i["caption"] or "" for i in record["images"])):
        assert not LEAKS.search(value), value


@pytest.mark.parametrize("fixture", ARTICLES, ids=lambda f: f.name)
def test_record_invariants(fixture: Fixture) -> None:
    record = actual(fixture)
    assert record["word_count"] == len(record["text"].split())
    assert record["section"] == (record["categories"] or [None])[0]
    assert "" not in (record["byline"], record["published"], record["section"])
    assert all(image["url"].startswith("https://") for image in record["images"])
    assert record["parser"] in PARSER_VERSIONS
    paragraphs = record["text"].split("\n\n")
    assert all(p and p == p.strip() and "\n" not in p for p in paragraphs)


@pytest.mark.parametrize("fixture", NOT_ARTICLES, ids=lambda f: f.name)
def test_not_an_article(fixture: Fixture) -> None:
    with pytest.raises(LayoutError) as raised:
        parse_article(fixture.html, fixture.url)
    assert str(raised.value) == fixture.expected()["message"]


def test_fixtures_cover_both_versions() -> None:
    assert {actual(f)["parser"] for f in ARTICLES} == set(PARSER_VERSIONS)


def test_every_page_says_how_it_was_built() -> None:
    for fixture in fixtures("articles"):
        html = fixture.html
        assert not html or html.startswith("<!-- hand-built"), fixture.name


def test_share_link_variant_is_the_same_document() -> None:
    """``?share=facebook`` is the same article (SITE.md): only image URLs depend on the URL."""
    page = next(f for f in ARTICLES if f.name == "seed-defections-free-syrian-army")
    shared = parse_article(page.html, page.url + "?share=facebook")
    assert dataclasses.asdict(shared) == actual(page)


URL = "https://eng-archive.aawsat.com/theaawsat/news-middle-east/x"


def inline_page(article_inner: str) -> str:
    return (
        "<html><head><title>Fallback | ASHARQ AL-AWSAT English Archive 2005 -2017</title></head>"
        f'<body><article id="post-7" class="et_pb_post">{article_inner}</article></body></html>'
    )


def test_headline_without_class_but_not_the_comments_heading() -> None:
    html = inline_page(
        '<h1>Builder headline</h1><div class="entry-content"><p>Text.</p></div>'
        '<section id="comment-wrap"><h1 id="comments">2 Comments</h1></section>'
    )
    assert parse_article(html, URL).title == "Builder headline"


def test_only_a_comments_heading_is_no_headline() -> None:
    html = inline_page(
        '<div class="entry-content"><p>Text.</p></div>'
        '<section id="comment-wrap"><h1 id="comments">2 Comments</h1></section>'
    )
    with pytest.raises(LayoutError, match="no h1 headline"):
        parse_article(html, URL)


def test_empty_headline_and_title_is_a_layout_error() -> None:
    html = inline_page('<h1 class="entry-title"> </h1><div class="entry-content"><p>T.</p></div>')
    html = html.replace("Fallback | ASHARQ AL-AWSAT English Archive 2005 -2017", "")
    with pytest.raises(LayoutError, match="no title"):
        parse_article(html, URL)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("a<br>b", "a b"),
        ("a<br><br>b", "a\n\nb"),
        ("a<br> \n <br>b", "a\n\nb"),
        ("a<br><b></b><br>b", "a\n\nb"),
        ("<p>a<br><br></p><p>b</p>", "a\n\nb"),
        ("<p>a</p>tail<div>c</div>", "a\n\ntail\n\nc"),
        ("<p>x<img src='i.jpg'>y</p>", "xy"),
        ("<p>one <a href='#'>link</a>, two</p>", "one link, two"),
        ("<ul><li>a<ul><li>b</li></ul>c</li></ul>", "a\n\nb\n\nc"),
        ("<blockquote>q<p>p</p></blockquote>", "q\n\np"),
        ("<p>[inset_left]</p><p>Text</p>", "Text"),
        ("<p>a<!-- comment -->b</p>", "ab"),
    ],
)
def test_paragraph_rules(body: str, text: str) -> None:
    html = inline_page(f'<h1 class="entry-title">T</h1><div class="entry-content">{body}</div>')
    assert parse_article(html, URL).text == text
