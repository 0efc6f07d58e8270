"""A crawled article replays in pywb with its stylesheet, fonts and every image loaded from
the archive: each URL the replayed page (and its replayed stylesheets) asks pywb for is
there, as a browser would ask for it."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from archiver.parsers.requisites import Requisite, css_requisites, html_requisites
from replica import ReplicaServer, build_site
from replica.requisite_truth import huge, missing
from tests.archive_checks import read_jsonl
from tests.crawling import run_crawl
from tests.pywb_tools import make_collection, pywb_bin, running_wayback

pytestmark = [pytest.mark.replay, pytest.mark.e2e]

_ARCHIVED = re.compile(r"/archive/\d+[a-z_]*/(https?://.+)$")


def load(url: str) -> tuple[int, str, bytes]:
    """What a browser gets for ``url`` (redirects to the nearest capture followed)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.headers.get("Content-Type", ""), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def test_an_article_replays_with_its_stylesheet_and_images(tmp_path: Path) -> None:
    bin_dir = pywb_bin()
    if bin_dir is None:
        pytest.skip("pywb not found: set ARCHIVER_PYWB_VENV to a venv with pywb installed")
    site = build_site(seed=0, articles=40)
    output = tmp_path / "output"
    with (
        ReplicaServer(site, host="127.0.0.2") as cdn,
        ReplicaServer(site, cdn=cdn.base_url) as server,
    ):
        base, cdn_base = server.base_url, cdn.base_url
        result = run_crawl(
            base, output, ARCHIVE_REQUISITE_HOSTS=cdn_base, DOWNLOAD_MAXSIZE=str(1 << 20)
        )
    assert result.returncode == 0, result.log[-3000:]
    record = max(read_jsonl(output), key=lambda r: len(r["images"]))
    assert record["images"], "no archived article has an image"
    not_captured = {*missing(base), huge(base), "http://0.gravatar.com", "http://img.aawsat"}
    make_collection(bin_dir, tmp_path, sorted((output / "warc").glob("*.warc.gz")))
    with running_wayback(bin_dir, tmp_path) as wayback:
        status, _, page = load(f"{wayback}/archive/2mp_/{record['url']}")
        assert status == 200
        page_url = f"{wayback}/archive/2mp_/{record['url']}"
        found = html_requisites(page.decode(), page_url)
        loaded = _load_all(found, wayback, (base, cdn_base), not_captured)
    originals = set(loaded)
    assert base + "/wp-content/themes/Divi/style.css?ver=2.7.10" in originals
    assert base + "/wp-content/themes/Divi/core/admin/fonts/modules.woff" in originals
    assert {i["url"] for i in record["images"] if i["url"].startswith(base)} <= originals
    assert any(url.startswith(cdn_base) for url in originals)
    misses = {url: status for url, status in loaded.items() if status != 200}
    assert not misses, f"pywb missed captured requisites: {misses}"


def _load_all(
    requisites: list[Requisite], wayback: str, sites: tuple[str, ...], not_captured: set[str]
) -> dict[str, int]:
    """Every requisite the replayed page asks for, stylesheets' own ones too (as pywb
    rewrote them): the original URL → the status pywb answered. pywb leaves lazy-load
    attributes to its client-side rewriting (wombat), which asks the archive for them as
    images: so does this."""
    loaded: dict[str, int] = {}
    todo = list(requisites)
    while todo:
        requisite = todo.pop()
        match = _ARCHIVED.search(requisite.url)
        original = match.group(1) if match else requisite.url
        replayed = requisite.url if match else f"{wayback}/archive/2im_/{original}"
        if original in loaded or not original.startswith(sites):
            continue  # seen, or pywb's own scripts
        if original.startswith(tuple(not_captured)):
            continue
        status, content_type, body = load(replayed)
        loaded[original] = status
        if status == 200 and content_type.startswith("text/css"):
            todo.extend(css_requisites(body.decode("utf-8", "replace"), replayed))
    return loaded
