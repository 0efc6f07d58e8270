"""The replica's changes between runs (replica/changes.py), as the re-check tests use them."""

from __future__ import annotations

from email.message import Message
from typing import Any, cast

import pytest

from archiver.parsers import LayoutError, extract_article
from replica import build_site, changes
from replica.router import Router

HTML = "text/html; charset=UTF-8"


class FakeHandler:
    """What a fault reads of the request: its headers."""

    def __init__(self, **headers: str) -> None:
        self.headers = Message()
        for name, value in headers.items():
            self.headers[name.replace("_", "-")] = value


@pytest.mark.parametrize("seed", [0, 7])
def test_an_edit_changes_every_articles_text_and_keeps_its_layout(seed: int) -> None:
    site = build_site(seed, 30)
    router = Router(site, "http://x")
    for article in site.articles:
        page = router(article.path)
        edited = changes.edited()(cast(Any, FakeHandler()), page)
        assert edited is not None and edited.body != page.body
        before = extract_article(page.body, HTML, "http://x" + article.path)
        after = extract_article(edited.body, HTML, "http://x" + article.path)
        note = changes.CORRECTION.decode()
        assert note.strip() in after.text and after.text.replace(note, "") == before.text
        assert (after.title, after.published) == (before.title, before.published)


def test_error_pages_and_empty_bodies_are_no_article() -> None:
    page = Router(build_site(0, 3), "http://x")(build_site(0, 3).articles[0].path)
    for fault in (changes.error_page(), changes.empty()):
        bad = fault(cast(Any, FakeHandler()), page)
        assert bad is not None and bad.status == 200
        with pytest.raises(LayoutError):
            extract_article(bad.body, HTML, "http://x/a/b/c")


def test_conditional_answers_304_only_to_the_current_etag() -> None:
    site = build_site(0, 3)
    page = Router(site, "http://x")(site.articles[0].path)
    fault = changes.conditional()
    first = fault(cast(Any, FakeHandler()), page)
    assert first is not None and first.status == 200
    etag = dict(first.headers)["ETag"]
    again = fault(cast(Any, FakeHandler(If_None_Match=etag)), page)
    assert again is not None and (again.status, again.body) == (304, b"")
    stale = fault(cast(Any, FakeHandler(If_None_Match='"old"')), page)
    assert stale is not None and stale.status == 200
    edited = changes.conditional(changes.edited())(cast(Any, FakeHandler(If_None_Match=etag)), page)
    assert edited is not None and edited.status == 200, "an edit changes the ETag"
