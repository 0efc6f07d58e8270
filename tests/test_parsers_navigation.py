"""Category discovery from menus against its fixtures (tests/fixtures/navigation/)."""

from __future__ import annotations

import pytest

from archiver.parsers import LayoutError, category_links
from tests.fixtures.catalog import Fixture, fixtures

PAGES = fixtures("navigation")


@pytest.mark.parametrize("fixture", PAGES, ids=lambda f: f.name)
def test_category_links(fixture: Fixture) -> None:
    assert fixture.actual() == fixture.expected()


def test_relative_links_and_other_hosts() -> None:
    html = """<ul class="menu"><li><a href="/category/opinion">O</a></li>
    <li><a href="//eng-archive.aawsat.com/category/business">B</a></li>
    <li><a href="https://example.com/category/x">X</a></li>
    <li><a href="mailto:x@y.z">M</a></li><li><a href="">E</a></li></ul>"""
    assert category_links(html, "https://eng-archive.aawsat.com/x/y/z") == [
        "https://eng-archive.aawsat.com/category/opinion",
        "https://eng-archive.aawsat.com/category/business",
    ]


def test_no_menu_no_links() -> None:
    html = '<p><a href="/category/opinion">in text</a></p>'
    assert category_links(html, "https://eng-archive.aawsat.com/") == []


def test_empty_document() -> None:
    with pytest.raises(LayoutError):
        category_links(" ", "https://eng-archive.aawsat.com/")


def test_categories_widget_and_nav_elements() -> None:
    html = """<nav><a href="/category/opinion">O</a></nav>
    <div class="widget widget_categories"><ul><li class="cat-item">
    <a href="/category/book-reviews">Book Reviews</a></li></ul></div>"""
    assert category_links(html, "https://eng-archive.aawsat.com/") == [
        "https://eng-archive.aawsat.com/category/opinion",
        "https://eng-archive.aawsat.com/category/book-reviews",
    ]
