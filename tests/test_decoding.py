"""``page_text``: the charset policy of archiver/decoding.py, case by case (issue #5, case 11)."""

from __future__ import annotations

import pytest

from archiver.decoding import page_text

TEXT = "Café naïve – “Beyoğlu” … 30 €"  # outside Latin-1 too (ğ, quotes, €)
LATIN = "Café naïve – “quoted” … 30 €"  # all in Windows-1252


def html(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def body_text(decoded: str) -> str:
    return decoded.split("<p>", 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=UTF-8",
        "text/html",  # no charset
        None,  # no Content-Type at all
        "text/html; charset=ISO-8859-1",  # the old servers' default, wrong for these bytes
        "text/html; charset=windows-1252",
        "text/html; charset=no-such-charset",
    ],
)
def test_utf8_bytes_read_as_utf8_whatever_is_declared(content_type: str | None) -> None:
    body = html(TEXT).encode("utf-8")
    assert body_text(page_text(body, content_type)) == TEXT


def test_utf8_bytes_under_a_contradicting_meta() -> None:
    body = html(TEXT, '<meta charset="ISO-8859-1">').encode("utf-8")
    assert body_text(page_text(body, "text/html; charset=UTF-8")) == TEXT
    assert body_text(page_text(body, None)) == TEXT


@pytest.mark.parametrize(
    ("content_type", "meta"),
    [
        ("text/html; charset=windows-1252", ""),
        ("text/html; charset=ISO-8859-1", ""),  # browsers read ISO-8859-1 as Windows-1252
        ("text/html", '<meta charset="windows-1252">'),
        # the header is wrong (the bytes are not UTF-8); the page's own meta is right
        (
            "text/html; charset=UTF-8",
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
        ),
    ],
)
def test_legacy_bytes_read_in_the_declared_charset(content_type: str, meta: str) -> None:
    body = html(LATIN, meta).encode("cp1252")
    assert body_text(page_text(body, content_type)) == LATIN


def test_header_wins_over_meta_when_both_are_legacy() -> None:
    arabic = "السلام"
    body = html(arabic, '<meta charset="windows-1252">').encode("cp1256")
    assert body_text(page_text(body, "text/html; charset=windows-1256")) == arabic


def test_undeclared_legacy_bytes_read_as_windows_1252() -> None:
    assert body_text(page_text(html(LATIN).encode("cp1252"), "text/html")) == LATIN


def test_stray_windows_1252_bytes_in_a_utf8_page() -> None:
    body = html(TEXT).encode("utf-8").replace(b"<p>", b"<p>it\x92s ")
    assert body_text(page_text(body, "text/html; charset=UTF-8")) == "it’s " + TEXT


@pytest.mark.parametrize(
    "bad",
    [b"\xff\xfe\xfd", b"\xe2\x80", b"\xed\xa0\x80", b"\x81\x8d\x8f\x90\x9d", b"\xc0\xaf"],
)
def test_invalid_utf8_never_raises(bad: bytes) -> None:
    body = b"<html><body><p>a" + bad + b"b</p></body></html>"
    text = page_text(body, "text/html; charset=utf-8")
    assert body_text(text).startswith("a") and body_text(text).endswith("b")
    assert text.startswith("<html><body>")


def test_unassigned_windows_1252_bytes_become_replacement_characters() -> None:
    assert body_text(page_text(b"<p>a\x81b</p>", None)) == "a\ufffdb"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_wins_and_is_dropped(encoding: str) -> None:
    body = html(TEXT).encode(encoding)
    decoded = page_text(body, "text/html; charset=ISO-8859-1")
    assert decoded.startswith("<html>")
    assert body_text(decoded) == TEXT


def test_declared_utf16_without_bom() -> None:
    body = html(TEXT).encode("utf-16-le")
    assert body_text(page_text(body, "text/html; charset=UTF-16LE")) == TEXT


def test_empty_body() -> None:
    assert page_text(b"", "text/html; charset=UTF-8") == ""
