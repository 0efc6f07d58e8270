"""The normalisers of archiver.parsers.normalize, one tricky case at a time."""

from __future__ import annotations

import pytest

from archiver.items import Dateline
from archiver.parsers.datelines import split_dateline
from archiver.parsers.normalize import (
    authors_from_byline,
    caption_label_of,
    clean,
    clean_or_none,
    media_id_of,
    parse_date,
    strip_enclosing_shortcodes,
    strip_image_metadata,
    strip_shortcodes,
    strip_title_suffix,
    unique,
)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  a \t b\n\nc  ", "a b c"),
        ("a\u00a0\u00a0b\u2009c\u3000d", "a b c d"),  # no-break, thin, ideographic spaces
        ("Cafe\u0301", "Café"),  # NFC
        ("“quotes” – dashes — and…", "“quotes” – dashes — and…"),  # typography kept
        ("a\u200bb", "a\u200bb"),  # zero-width space is not whitespace to str.split
        ("", ""),
        (None, ""),
    ],
)
def test_clean(raw: str | None, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_clean_or_none_and_unique() -> None:
    assert clean_or_none(" \u00a0 ") is None
    assert clean_or_none(" x ") == "x"
    assert unique(["b", "a", "b", "", "a"]) == ["b", "a"]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("Jun 7, 2014", "2014-06-07"),
        ("June 7, 2014", "2014-06-07"),
        ("Sep 30, 2009", "2009-09-30"),
        ("Sept 30, 2009", "2009-09-30"),
        ("Dec 31, 2017", "2017-12-31"),
        ("  Jun\u00a027,  2014 ", "2014-06-27"),
        ("jun 7 2014", "2014-06-07"),
        ("7 June 2014", "2014-06-07"),
        ("2014-06-07", "2014-06-07"),
        ("2014-06-07T23:30:00+03:00", "2014-06-07"),  # its own calendar date, no tz shift
        ("2014-06-07T01:00:00Z", "2014-06-07"),
        ("2014-06-07 08:00:00", "2014-06-07"),
        ("Feb 30, 2014", None),
        ("2014-13-01", None),
        ("Juin 7, 2014", None),
        ("17/05/2008", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(raw: str | None, iso: str | None) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("Amir Taheri", ["Amir Taheri"]),
        ("Asharq Al-Awsat", []),
        ("asharq al-awsat", []),
        ("Asharq Al Awsat", []),
        ("Aawsat", []),
        ("Caroline Akoum and Paula Astih", ["Caroline Akoum", "Paula Astih"]),
        ("A, B & C and D", ["A", "B", "C", "D"]),
        ("Reuters and AFP", []),
        ("Wael Mahdi and Reuters", ["Wael Mahdi"]),
        ("Sandra Anderson", ["Sandra Anderson"]),  # "and" only as a word
        ("Associated Press", []),
        ("Agence France-Presse", []),
        ("", []),
        (None, []),
    ],
)
def test_authors_from_byline(byline: str | None, authors: list[str]) -> None:
    assert authors_from_byline(byline) == authors


@pytest.mark.parametrize(
    ("title", "stripped"),
    [
        ("Iran | ASHARQ AL-AWSAT English Archive 2005 -2017", "Iran"),
        ("Iran - ASHARQ AL-AWSAT English Archive", "Iran"),
        ("Libya – rebels - ASHARQ AL-AWSAT English Archive", "Libya – rebels"),
        ("Q&A with X", "Q&A with X"),
        (
            "ASHARQ AL-AWSAT English Archive 2005 -2017",
            "ASHARQ AL-AWSAT English Archive 2005 -2017",
        ),
    ],
)
def test_strip_title_suffix(title: str, stripped: str) -> None:
    assert strip_title_suffix(title) == stripped


@pytest.mark.parametrize(
    ("raw", "stripped"),
    [
        ("[inset_left]Quote[/inset_left] Text", "Quote Text"),
        ('[et_pb_text admin_label="Text"]', ""),
        ("[et_pb_text admin_label=”Text” background_layout=”light”]", ""),
        ("[dropcap]T[/dropcap]he story", "The story"),
        ("a [highlight]big[/highlight] deal", "a big deal"),
        ("[gallery ids='1,2,3'] after", "after"),
        ("[video mp4=x.mp4][/video]", ""),
        ('[anything attr="x"]y', "y"),
        ("The Free Syrian Army [FSA] and the Shabiha [militia]", None),
        ("[Asharq Al-Awsat] Do you think so?", None),
        ("[Al-Hashimi] I hope not...", None),
        ("[1] a footnote", None),
        ("[Box] is capitalised: an editorial bracket", None),
        ("a[inset_left]b", "a b"),
    ],
)
def test_strip_shortcodes(raw: str, stripped: str | None) -> None:
    assert strip_shortcodes(raw) == (raw if stripped is None else stripped)


def test_strip_enclosing_shortcodes() -> None:
    assert strip_enclosing_shortcodes(['[caption id="1" width="300"] A cap[/caption]', "x"]) == [
        "",
        "x",
    ]
    spanning = ['before [caption id="1"] one', "two[/caption] after", "z"]
    assert strip_enclosing_shortcodes(spanning) == ["before", "after", "z"]
    assert strip_enclosing_shortcodes(["[embed]https://youtu.be/x[/embed] Text"]) == ["Text"]
    unclosed = ['[caption id="1"] kept']
    assert strip_enclosing_shortcodes(unclosed) == unclosed


def test_image_metadata_labels() -> None:
    assert media_id_of("Media ID: 55275613") == ("55275613", "")
    assert media_id_of("Media ID:55275613 Caption: x") == ("55275613", "Caption: x")
    assert media_id_of("Media ID: abc") is None
    assert media_id_of("The Media ID: 1") is None
    assert caption_label_of("Caption:") == ""
    assert caption_label_of("Caption: Smoke") == "Smoke"
    assert caption_label_of("Captions are hard") is None


@pytest.mark.parametrize(
    ("paragraphs", "media_id", "caption", "rest"),
    [
        (["Media ID: 1", "Caption:", "C", "C", "C", "Text"], "1", "C", ["Text"]),
        (["Media ID: 1", "Caption:", "C", "C", "Text"], "1", "C", ["Text"]),
        (["Media ID: 1", "Caption:", "Not repeated", "Text"], "1", None, ["Not repeated", "Text"]),
        (["Media ID: 1", "C", "C", "Text"], "1", "C", ["Text"]),
        (["Caption:", "C", "C", "Text"], None, "C", ["Text"]),
        (["Caption: C", "C", "Text"], None, "C", ["Text"]),
        (["Caption: C", "Media ID: 2", "Text"], "2", "C", ["Text"]),
        (["Media ID: 3 Caption: C", "C", "C", "Text"], "3", "C", ["Text"]),
        (["Media ID: 1"], "1", None, []),
        (["Same", "Same", "Text"], None, None, ["Same", "Same", "Text"]),  # no label: text
        (["Text", "Media ID: 1"], None, None, ["Text", "Media ID: 1"]),  # only at the start
        ([], None, None, []),
    ],
)
def test_strip_image_metadata(
    paragraphs: list[str], media_id: str | None, caption: str | None, rest: list[str]
) -> None:
    assert strip_image_metadata(paragraphs) == (media_id, caption, rest)


def line(place: str, source: str | None = None) -> Dateline:
    return Dateline(place=place, source=source)


@pytest.mark.parametrize(
    ("paragraph", "dateline", "rest"),
    [
        ("Beirut, Asharq Al-Awsat – Defections rise", line("Beirut", "Asharq Al-Awsat"), None),
        ("Baghdad, Asharq Al-Awsat- The parliament", line("Baghdad", "Asharq Al-Awsat"), None),
        ("Antakya, Asharq Al-Awsat – Refugees", line("Antakya", "Asharq Al-Awsat"), None),
        ("QALACHWALAN, Asharq Al-Awsat- Farmers", line("QALACHWALAN", "Asharq Al-Awsat"), None),
        ("London, Asharq Al-Awsat—A conference", line("London", "Asharq Al-Awsat"), None),
        ("London, Asharq al-Awsat—A conference", line("London", "Asharq al-Awsat"), None),
        ("Beirut, Reuters—The army", line("Beirut", "Reuters"), None),
        ("Ankara, AP—Turkey closed", line("Ankara", "AP"), None),
        ("Kuwait City, KUNA – Kuwaitis voted", line("Kuwait City", "KUNA"), None),
        ("Paris, dpa - A court", line("Paris", "dpa"), None),
        ("RAS LANUF, Libya (Reuters) – Rebels", line("RAS LANUF, Libya", "Reuters"), None),
        ("Washington, D.C. (AP) — Talks", line("Washington, D.C.", "AP"), None),
        ("Sana’a, Asharq Al-Awsat – X", line("Sana’a", "Asharq Al-Awsat"), None),
        ("Khobar- The municipality", line("Khobar"), None),
        ("Abu Dhabi – The UAE", line("Abu Dhabi"), None),
        ("Cairo-It is the second rise", line("Cairo"), None),
        ("Riyadh -The cabinet", line("Riyadh"), None),
        ("Cairo-Al-Azhar said", line("Cairo"), "Al-Azhar said"),
        ("Al-Qaeda in the Arabian Peninsula", None, None),
        ("Al-Qaeda-linked groups survive", None, None),
        ("Pro-government militias advanced", None, None),
        ("Anti-Assad protesters", None, None),
        ("Ex-President Saleh said", None, None),
        ("US-Iran talks resumed", None, None),
        ("El-Sisi said", None, None),
        ("Abu-Bakr said", None, None),
        ("It is now clear that Tehran", None, None),
        ("The Free Syrian Army [FSA] said", None, None),
        ("Twenty-three people died", None, None),
        ("Iran, Iraq and Syria", None, None),
        ("Defections rise - a report", None, None),
        ("", None, None),
    ],
)
def test_split_dateline(paragraph: str, dateline: Dateline | None, rest: str | None) -> None:
    found, remainder = split_dateline(paragraph)
    assert found == dateline
    if dateline is None:
        assert remainder == paragraph
    elif rest is not None:
        assert remainder == rest
    else:
        assert remainder and remainder[0].isupper() and remainder.strip() == remainder
