"""The archive opens in the tools archivists use, in a real browser (headless Chromium):
ReplayWeb.page with the WACZ, and pywb with the collection. The seed article renders from
the archive (the replica is stopped by then), every request stays on the replay server, and
a screenshot of each is kept.

Needs Debian's chromium, Playwright (the dev extra), ReplayWeb.page from npm
(ARCHIVER_REPLAYWEB, ``npm ci`` in tests/replay) and pywb (ARCHIVER_PYWB_VENV): ``make test``
installs them all; a test lacking one is skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archiver.indexes import MERGED_NAME
from archiver.replay import pywb_bin, replay_url, serving
from archiver.wacz import write_wacz
from replica import ReplicaServer, build_site
from replica.seed_article import SLUG
from tests.archive_checks import read_jsonl
from tests.browser_tools import (
    browsing,
    check_article,
    check_requisites,
    keep_screenshot,
    wait_for_frame,
)
from tests.crawling import run_crawl
from tests.range_server import RangeFileServer

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ARTICLES = 40  # the smallest replica that holds the seed article
REPLAYWEB = Path(__file__).parent / "replay" / "node_modules" / "replaywebpage"
LOAD_SECONDS = 60
FIRST_LOAD_SECONDS = 20  # then one reload (see open_in_replaywebpage)


@dataclass
class Archive:
    output: Path
    wacz: Path
    seed: dict[str, Any]  # the seed article's record
    live_origin: str  # the replica's, stopped by now: nothing may ask it for anything
    archived: set[str]  # URLs with a 200 capture, from the merged CDXJ


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    output = tmp_path_factory.mktemp("browser") / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        assert run_crawl(server.base_url, output).returncode == 0
        live_origin = server.base_url
    seed = next(r for r in read_jsonl(output) if r["url"].endswith(SLUG))
    wacz = write_wacz(output).packages[0]
    archived = set()
    for line in (output / "indexes" / MERGED_NAME).read_text().splitlines():
        fields = json.loads(line.split(" ", 2)[2])
        if fields.get("status") == "200":
            archived.add(fields["url"])
    return Archive(output, wacz, seed, live_origin, archived)


def embed_page(directory: Path, source: str, url: str) -> Path:
    """The page that embeds ReplayWeb.page: its <replay-web-page> opens the WACZ at url."""
    page = directory / "index.html"
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>archive</title>'
        '<script src="/ui.js"></script></head><body style="margin:0">'
        '<replay-web-page style="display:block;width:100%;height:100vh" '
        f'source="{source}" url="{url}" replayBase="/replay/"></replay-web-page>'
        "</body></html>",
        encoding="utf-8",
    )
    return page


def open_in_replaywebpage(browser: Any, marker: str) -> Any:
    """The replayed frame. A first visit can race the service worker's registration: the
    replay frame's first request reaches the server before the worker controls it (a 404)
    and ReplayWeb.page waits for ever; as a reader would, reload once the worker is there."""
    try:
        return wait_for_frame(browser.page, marker, FIRST_LOAD_SECONDS)
    except AssertionError:
        browser.page.reload()
    try:
        return wait_for_frame(browser.page, marker, LOAD_SECONDS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nconsole: {browser.console[-20:]}") from None


def replaywebpage_dir() -> Path:
    found = Path(os.environ.get("ARCHIVER_REPLAYWEB") or REPLAYWEB)
    if not (found / "ui.js").is_file():
        pytest.skip("ReplayWeb.page not installed: `npm ci` in tests/replay (make test does)")
    return found


def test_replaywebpage_renders_the_seed_article_from_the_wacz(
    archive: Archive, tmp_path: Path
) -> None:
    app = replaywebpage_dir()
    files = {"/ui.js": app / "ui.js", "/replay/sw.js": app / "sw.js", "/archive.wacz": archive.wacz}
    with RangeFileServer(files) as server:
        page_file = embed_page(tmp_path, f"{server.base_url}/archive.wacz", archive.seed["url"])
        files["/index.html"] = page_file
        with browsing() as browser:
            browser.page.goto(f"{server.base_url}/index.html")
            frame = open_in_replaywebpage(browser, "mp_/" + archive.seed["url"])
            check_article(frame, archive.seed)
            checked = check_requisites(frame, archive.archived, archive.seed)
            keep_screenshot(browser.page, tmp_path, "replay-replaywebpage.png")
        browser.check_stayed_on(server.base_url)
        ranges = [header for method, path, header in server.requests if path == "/archive.wacz"]
        assert any(header.startswith("bytes=") for header in ranges)  # read by ranges
    assert checked["stylesheets"] >= 1 and checked["images"] >= 1, checked


def test_pywb_renders_the_seed_article_from_the_collection(
    archive: Archive, tmp_path: Path
) -> None:
    bin_dir = pywb_bin()
    if bin_dir is None:
        pytest.skip("pywb not found: set ARCHIVER_PYWB_VENV to a venv with pywb installed")
    with serving(archive.output, bin_dir=bin_dir) as collection, browsing() as browser:
        browser.page.goto(replay_url(collection, archive.seed))
        frame = wait_for_frame(browser.page, "mp_/" + archive.seed["url"], LOAD_SECONDS)
        check_article(frame, archive.seed)
        checked = check_requisites(frame, archive.archived, archive.seed)
        keep_screenshot(browser.page, tmp_path, "replay-pywb.png")
        origin = collection.rsplit("/", 1)[0]
    browser.check_stayed_on(origin)
    assert checked["stylesheets"] >= 1 and checked["images"] >= 1, checked
