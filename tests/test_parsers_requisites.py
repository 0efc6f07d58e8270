"""The requisite extractor: HTML and CSS to the URLs a page needs, exactly as written."""

from __future__ import annotations

import pytest

from archiver.parsers.requisites import css_requisites, html_requisites, srcset_urls
from replica import build_site
from replica.requisite_truth import page_requisites
from replica.router import Router

PAGE = "http://127.0.0.1:8000/theaawsat/news-middle-east/a-post"


def urls(html: str, url: str = PAGE) -> list[str]:
    return [r.url for r in html_requisites(html, url)]


def test_images_every_srcset_candidate_and_lazy_attributes() -> None:
    html = (
        '<img src="/u/a.jpg" srcset="/u/a.jpg 1080w, /u/a-300x200.jpg 300w,'
        '/u/a-1024x683.jpg 1024w">'
        '<img src="data:image/gif;base64,R0l" data-src="/u/lazy.jpg" '
        'data-srcset="/u/lazy.jpg 1x, /u/lazy-2x.jpg 2x" data-lazy-src="/u/other.jpg">'
        '<picture><source srcset="/u/wide.png 600w"><img src="/u/narrow.png"></picture>'
    )
    assert urls(html) == [
        "http://127.0.0.1:8000/u/a.jpg",
        "http://127.0.0.1:8000/u/a-300x200.jpg",
        "http://127.0.0.1:8000/u/a-1024x683.jpg",
        "http://127.0.0.1:8000/u/lazy.jpg",
        "http://127.0.0.1:8000/u/other.jpg",
        "http://127.0.0.1:8000/u/lazy-2x.jpg",
        "http://127.0.0.1:8000/u/wide.png",
        "http://127.0.0.1:8000/u/narrow.png",
    ]


def test_links_scripts_media_and_styles_keep_their_queries() -> None:
    html = (
        "<head><link rel='stylesheet' href='/t/style.css?ver=2.7.10'>"
        '<link rel="shortcut icon" href="/fav.png"><link rel="apple-touch-icon" href="/t.png">'
        '<link rel="preload" href="/f.woff" as="font"><link rel="canonical" href="/x">'
        '<link rel="alternate" href="/feed"><script src="/j.js?ver=1.12.4"></script>'
        "<style>body{background:url('/bg.png')}</style></head>"
        '<body><video src="/v.mp4" poster="/p.jpg"><source src="/v.webm"></video>'
        '<audio src="/a.mp3"></audio><div style="background-image: url(/d.png)"></div>'
        '<a href="/not-a-requisite.jpg">x</a><iframe src="/embed"></iframe></body>'
    )
    paths = [u.removeprefix("http://127.0.0.1:8000") for u in urls(html)]
    assert paths == [
        "/t/style.css?ver=2.7.10", "/fav.png", "/t.png", "/f.woff", "/j.js?ver=1.12.4",
        "/bg.png", "/v.mp4", "/p.jpg", "/v.webm", "/a.mp3", "/d.png",
    ]  # fmt: skip
    kinds = {r.url.rsplit("/", 1)[1]: r.kind for r in html_requisites(html, PAGE)}
    assert kinds["style.css?ver=2.7.10"] == "stylesheet"
    assert kinds["j.js?ver=1.12.4"] == "script"


def test_base_href_fragments_and_non_http_urls() -> None:
    html = (
        '<base href="http://127.0.0.1:8000/sub/"><img src="a.jpg#frag">'
        '<img src="javascript:void(0)"><img src="about:blank"><img src="#top">'
        '<img src="https://cdn.example/x.png"><img src="a.jpg">'
    )
    assert urls(html) == ["http://127.0.0.1:8000/sub/a.jpg", "https://cdn.example/x.png"]


def test_css_imports_font_faces_and_backgrounds_resolve_against_the_stylesheet() -> None:
    css = """@import url("css/anim.css?ver=2");
    @import 'print.css';
    /* url(commented.png) */
    @font-face { src: url("core/fonts/modules.eot?#iefix") format("eot"),
                 url(core/fonts/modules.svg#ETmodules) format("svg"); }
    a { background: url('../img/bg.png') } b { background: url(data:image/png;base64,AA) }"""
    found = css_requisites(css, "http://h:1/theme/style.css?ver=2.7.10")
    assert [(r.url, r.kind) for r in found] == [
        ("http://h:1/theme/css/anim.css?ver=2", "stylesheet"),
        ("http://h:1/theme/print.css", "stylesheet"),
        ("http://h:1/theme/core/fonts/modules.eot", "other"),
        ("http://h:1/theme/core/fonts/modules.svg", "other"),
        ("http://h:1/img/bg.png", "other"),
    ]


@pytest.mark.parametrize(
    ("srcset", "expected"),
    [
        ("a.jpg 300w, b.jpg 1080w", ["a.jpg", "b.jpg"]),
        ("a.jpg,b.jpg 2x", ["a.jpg,b.jpg"]),  # a comma inside a URL stays
        ("a.jpg, b.jpg", ["a.jpg", "b.jpg"]),
        ("  a.jpg  1x ,b.jpg 2x,  ", ["a.jpg", "b.jpg"]),
        ("", []),
    ],
)
def test_srcset_candidates(srcset: str, expected: list[str]) -> None:
    assert srcset_urls(srcset) == expected


def test_every_replica_page_gives_the_requisites_its_truth_lists() -> None:
    """The extractor against the replica's ground truth (computed from the model, not the
    HTML), on every HTML page of a replica with a CDN host."""
    site = build_site(seed=0, articles=60)
    base, cdn = "http://127.0.0.1:9", "http://127.0.0.2:9"
    router = Router(site, base, cdn)
    checked = 0
    for path in router.paths():
        response = router(path)
        if response.status != 200 or not response.content_type.startswith("text/html"):
            continue
        got = {r.url for r in html_requisites(response.body.decode(), base + path)}
        assert got == page_requisites(site, path, base, cdn), path
        checked += 1
    assert checked > 60
