"""The listing parser against its fixtures, field by field (tests/fixtures/listings/)."""

from __future__ import annotations

import pytest

from archiver.parsers import LayoutError, Listing, ListingEntry, parse_listing
from tests.fixtures.catalog import Fixture, fixtures

LISTINGS = fixtures("listings")
FIELDS = ("entries", "next_page", "last_page")
SIDEBAR_POST = "https://eng-archive.aawsat.com/amir-taheri/opinion/irans-long-game"


def test_enough_fixtures() -> None:
    assert len(LISTINGS) >= 8


@pytest.mark.parametrize(
    ("fixture", "field"),
    [(f, name) for f in LISTINGS for name in FIELDS],
    ids=[f"{f.name}::{name}" for f in LISTINGS for name in FIELDS],
)
def test_field(fixture: Fixture, field: str) -> None:
    assert fixture.actual()[field] == fixture.expected()[field]


@pytest.mark.parametrize("fixture", LISTINGS, ids=lambda f: f.name)
def test_no_unexpected_fields(fixture: Fixture) -> None:
    assert set(fixture.expected()) == set(fixture.actual()) == set(FIELDS)
    entry_fields = set(ListingEntry.__dataclass_fields__)
    for entry in fixture.expected()["entries"]:
        assert set(entry) == entry_fields


@pytest.mark.parametrize("fixture", LISTINGS, ids=lambda f: f.name)
def test_sidebar_links_are_not_entries(fixture: Fixture) -> None:
    urls = [entry.url for entry in parse_listing(fixture.html, fixture.url).entries]
    if fixture.name != "category-opinion-page-1":  # that page lists the post itself
        assert SIDEBAR_POST not in urls
    assert all("/category/" not in url and "/tag/" not in url for url in urls)


def test_types() -> None:
    listing = parse_listing(LISTINGS[0].html, LISTINGS[0].url)
    assert isinstance(listing, Listing)
    assert all(isinstance(entry, ListingEntry) for entry in listing.entries)


def test_empty_document_is_a_layout_error() -> None:
    with pytest.raises(LayoutError, match="empty document"):
        parse_listing("", "https://eng-archive.aawsat.com/category/opinion")


def test_article_page_has_no_entries() -> None:
    page = next(f for f in fixtures("articles") if f.name == "seed-defections-free-syrian-army")
    assert parse_listing(page.html, page.url).entries == []


def test_entries_outside_known_areas_but_not_in_the_sidebar() -> None:
    entry = (
        '<article id="post-{n}" class="et_pb_post"><h2 class="entry-title">'
        '<a href="/a/b/post-{n}">Post {n}</a></h2></article>'
    )
    html = (
        f"<html><body><div id='main'>{entry.format(n=1)}{entry.format(n=2)}</div>"
        f"<div id='sidebar'><div class='widget'>{entry.format(n=3)}</div></div>"
        f"<footer>{entry.format(n=4)}</footer></body></html>"
    )
    listing = parse_listing(html, "https://eng-archive.aawsat.com/category/x")
    assert [e.post_id for e in listing.entries] == [1, 2]
    assert listing.entries[0].url == "https://eng-archive.aawsat.com/a/b/post-1"
    assert listing.entries[0].byline is None and listing.entries[0].categories == []


def test_entry_without_a_title_link_is_skipped() -> None:
    html = (
        "<div id='left-area'><article id='post-1' class='et_pb_post'>"
        "<h2 class='entry-title'>No link</h2></article>"
        "<article id='post-2' class='et_pb_post'><h2 class='entry-title'><a href=' /x/y/z '>"
        "Linked</a></h2></article></div>"
    )
    listing = parse_listing(html, "https://eng-archive.aawsat.com/category/x")
    assert [(e.post_id, e.url, e.title) for e in listing.entries] == [
        (2, "https://eng-archive.aawsat.com/x/y/z", "Linked")
    ]
    assert listing.next_page is None and listing.last_page is None
