"""URL canonical forms and page kinds (SITE.md, URLs)."""

from __future__ import annotations

import pytest

from archiver.urls import PageKind, canonical_url, normalize_base_url, page_kind, site_key

ARTICLE = "https://eng-archive.aawsat.com/tariq-alhomayed/opinion/iran-senses-defeat-in-syria"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE + "/",
        ARTICLE + "?share=facebook",
        ARTICLE + "/?share=twitter&nb=1",
        ARTICLE + "#comments",
        "HTTPS://Eng-Archive.AAWSAT.com:443/tariq-alhomayed/opinion/iran-senses-defeat-in-syria",
        "https://eng-archive.aawsat.com/tariq-alhomayed/opinion/./x/../iran-senses-defeat-in-syria",
        "https://eng-archive.aawsat.com//tariq-alhomayed/opinion/iran-senses-defeat-in-syria",
    ],
)
def test_variants_of_an_article_share_one_canonical_url(variant: str) -> None:
    assert canonical_url(variant) == ARTICLE


def test_root_and_ports() -> None:
    assert canonical_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/"
    assert canonical_url("http://127.0.0.1:80/a/b/c") == "http://127.0.0.1/a/b/c"
    assert site_key("http://127.0.0.1/x") == "http://127.0.0.1:80"
    assert site_key("http://127.0.0.1:8000/x") != site_key("http://127.0.0.2:8000/x")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", PageKind.ROOT),
        ("/robots.txt", PageKind.ROBOTS),
        ("/wp-sitemap.xml", PageKind.SITEMAP),
        ("/wp-sitemap-posts-post-1.xml", PageKind.SITEMAP),
        ("/category/opinion", PageKind.LISTING),
        ("/category/opinion/page/830", PageKind.LISTING),
        ("/tag/syria/page/2", PageKind.LISTING),
        ("/theaawsat/news-middle-east/libyan-rebels-stream-west", PageKind.ARTICLE),
        ("/w-mahdi/business/oil-producers-await-change-saudi-stance", PageKind.ARTICLE),
        ("/wp-content/uploads/2012/03", PageKind.OTHER),
        ("/wp-content/uploads/2012/03/photo.jpg", PageKind.OTHER),
        ("/a/b", PageKind.OTHER),
        ("/a/b/c/d", PageKind.OTHER),
    ],
)
def test_page_kinds(path: str, kind: PageKind) -> None:
    assert page_kind("https://eng-archive.aawsat.com" + path) is kind


@pytest.mark.parametrize(
    "bad", ["eng-archive.aawsat.com", "ftp://x.org", "http://x.org/archive", "http://x.org/?a=1"]
)
def test_a_bad_base_url_names_the_fix(bad: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        normalize_base_url(bad)


def test_base_url_is_reduced_to_its_root() -> None:
    assert normalize_base_url("HTTP://127.0.0.1:8000/") == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://eng-archive.aawsat.com:443/a/b/c", "https://eng-archive.aawsat.com/a/b/c"),
        ("http://eng-archive.aawsat.com:80/a/b/c", "http://eng-archive.aawsat.com/a/b/c"),
        ("https://eng-archive.aawsat.com:80/a/b/c", "https://eng-archive.aawsat.com:80/a/b/c"),
        ("http://[::1]:8000/a/b/c/", "http://[::1]:8000/a/b/c"),
        (ARTICLE + "?utm_source=x&utm_medium=y&fbclid=z", ARTICLE),
    ],
)
def test_default_ports_and_tracking_parameters(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_the_default_port_is_the_same_site() -> None:
    assert site_key("https://eng-archive.aawsat.com:443/x") == site_key(ARTICLE)
    assert site_key("HTTPS://ENG-ARCHIVE.aawsat.com/x") == site_key(ARTICLE)
    assert site_key("http://eng-archive.aawsat.com/x") != site_key(ARTICLE)  # scheme counts


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "mailto:a@b.org", "http:///x", "http://h:99999/", "http://[::1"]
)
def test_urls_naming_no_site_have_no_site_key(url: str) -> None:
    assert site_key(url) == ""


@pytest.mark.parametrize("url", ["http://h:99999/a", "http://h:port/a", "http://[::1/a"])
def test_a_url_naming_no_page_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)
