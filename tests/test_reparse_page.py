"""The re-parse reads a capture's Content-Type as the crawl's HtmlResponse would have."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from archiver.reparse import _content_type


@pytest.mark.parametrize(
    "headers",
    [
        [("Content-Type", "text/html; charset=UTF-8")],
        [("content-type", "text/html; charset=windows-1252"), ("Server", "nginx")],
        [("Content-Type", "text/html"), ("CONTENT-TYPE", "text/html; charset=latin-1")],
        [("Server", "nginx")],
        [],
    ],
)
def test_content_type_as_scrapy_headers_give_it(headers: list[tuple[str, str]]) -> None:
    response = HtmlResponse("http://127.0.0.1/a/b/c", headers=headers, body=b"")
    assert _content_type(headers) == response.headers.to_unicode_dict().get("Content-Type")
