"""Tags and categories from post_class() classes, named from the page (parsers/terms.py),
and pull quotes (parsers/pullquotes.py)."""

from __future__ import annotations

import json

import pytest

from archiver.items import Tag
from archiver.parsers import parse_article
from archiver.parsers.pullquotes import drop_pull_quotes
from archiver.parsers.terms import link_slug, sanitize_title

URL = "https://eng-archive.aawsat.com/theaawsat/news-middle-east/x"


def page(classes: str, head: str = "", after: str = "") -> str:
    return (
        f"<html><head><title>T</title>{head}</head><body>"
        f'<article id="post-7" class="et_pb_post post-7 hentry {classes}">'
        '<h1 class="entry-title">T</h1><p class="post-meta"> by <span class="author vcard">'
        '<a href="/author/a">A B</a></span> | <a href="https://eng-archive.aawsat.com/category/'
        'news-middle-east" rel="category tag">Middle East</a></p>'
        f'<div class="entry-content"><p>Text here.</p></div>{after}</article></body></html>'
    )


def keywords(value: object) -> str:
    graph = {"@graph": [{"@type": "Article", "keywords": value}]}
    return f"<script type='application/ld+json'>{json.dumps(graph)}</script>"


def test_tags_are_the_classes_even_without_any_name() -> None:
    content = parse_article(page("category-news-middle-east tag-syria tag-arab-spring"), URL)
    assert content.tags == [Tag(slug="syria", name=None), Tag(slug="arab-spring", name=None)]
    assert content.category_slugs == ["news-middle-east"]


@pytest.mark.parametrize(
    "head",
    [
        keywords(["Arab Spring", "Syria"]),  # by sanitize_title: order does not matter
        keywords("Arab Spring, Syria"),  # the older comma-separated string
        '<meta property="article:tag" content="Syria" />'
        '<meta property="article:tag" content="Arab Spring" />',
    ],
)
def test_head_names_are_paired_with_the_slugs(head: str) -> None:
    content = parse_article(page("tag-syria tag-arab-spring", head), URL)
    assert content.tags == [
        Tag(slug="syria", name="Syria"),
        Tag(slug="arab-spring", name="Arab Spring"),
    ]


def test_fewer_head_names_than_tags_pair_only_by_slug() -> None:
    content = parse_article(page("tag-gcc tag-syria", keywords(["Syria"])), URL)
    assert content.tags == [Tag(slug="gcc", name=None), Tag(slug="syria", name="Syria")]


def test_a_visible_link_names_its_slug_and_adds_a_tag_the_classes_lack() -> None:
    links = (
        '<p class="post-tags"><a href="https://eng-archive.aawsat.com/tag/gcc/" rel="tag">'
        'Gulf Cooperation Council</a> <a href="/tag/oil" rel="tag">Oil</a></p>'
    )
    content = parse_article(page("tag-gcc", after=links), URL)
    assert content.tags == [
        Tag(slug="gcc", name="Gulf Cooperation Council"),
        Tag(slug="oil", name="Oil"),
    ]


def test_without_classes_the_meta_lines_links_give_the_category_slugs() -> None:
    assert parse_article(page(""), URL).category_slugs == ["news-middle-east"]


def test_slugs() -> None:
    assert sanitize_title("Culture & Arts") == "culture-arts"
    assert sanitize_title("Sana’a") == "sanaa"
    assert link_slug("https://x/tag/arab-spring/") == "arab-spring"
    assert link_slug("https://x/tag/%D8%B3") == "س"
    assert link_slug("https://x/category/opinion") is None


@pytest.mark.parametrize(
    ("paragraphs", "kept"),
    [
        (["A.", "[inset_left]B c.[/inset_left]", "X. B c. Y."], ["A.", "X. B c. Y."]),
        (["A.", "[inset_left]", "B c.", "[/inset_left]", "X. B c."], ["A.", "X. B c."]),
        (["A.", "[inset_left]", "B c.", "X. B c."], ["A.", "X. B c."]),
        (["A.", "[inset_right]B c.", "X. B c."], ["A.", "X. B c."]),
        (["A.", "[pullquote]B c.[/pullquote] and more", "X. B c."], ["A.", "and more", "X. B c."]),
        # a span repeating nothing is text: its words are never dropped on a guess
        (["A.", "[inset_left]New words.[/inset_left]", "X."], None),
        (["A.", "[inset_left][/inset_left]", "X."], None),
    ],
)
def test_pull_quotes(paragraphs: list[str], kept: list[str] | None) -> None:
    got = [p for p in drop_pull_quotes(paragraphs) if p]
    assert got == (paragraphs if kept is None else kept)


def test_category_slugs_follow_the_meta_lines_order_and_keep_every_class() -> None:
    html = page("category-opinion tag-x category-news-middle-east category-hidden")
    assert parse_article(html, URL).category_slugs == ["news-middle-east", "opinion", "hidden"]
