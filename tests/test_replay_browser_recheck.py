"""A re-checked archive replays in ReplayWeb.page at the re-check's time: the seed article, its
stylesheet and its images are all revisit records there, and each must resolve to its
original capture in the same WACZ (headless Chromium, as tests/test_replay_browser.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from archiver import exitcodes
from archiver.wacz import write_wacz
from replica import ReplicaServer, build_site
from replica.seed_article import SLUG
from tests.browser_tools import browsing, check_article, check_requisites, keep_screenshot
from tests.fault_runs import crawl
from tests.range_server import RangeFileServer
from tests.test_replay_browser import ARTICLES, open_in_replaywebpage, replaywebpage_dir
from tests.test_replay_recheck import revisits

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def embed_page(directory: Path, source: str, url: str, ts: str) -> Path:
    """ReplayWeb.page embedded, opening the WACZ at ``url`` as it was at ``ts``."""
    page = directory / "index.html"
    page.write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>archive</title>'
        '<script src="/ui.js"></script></head><body style="margin:0">'
        '<replay-web-page style="display:block;width:100%;height:100vh" '
        f'source="{source}" url="{url}" ts="{ts}" replayBase="/replay/"></replay-web-page>'
        "</body></html>",
        encoding="utf-8",
    )
    return page


def test_replaywebpage_resolves_the_revisits_of_a_rechecked_article(tmp_path: Path) -> None:
    app = replaywebpage_dir()
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        first = crawl(server, output)
        assert first.code == exitcodes.OK
        time.sleep(2)  # the revisits' time is then clearly not the originals'
        before = set((output / "warc").glob("*.warc.gz"))
        assert crawl(server, output, "--recheck", ARCHIVE_RECHECK_MIN_AGE="0").code == 0
    seed = next(r for r in first.records if r["url"].endswith(SLUG))
    [recheck_warc] = set((output / "warc").glob("*.warc.gz")) - before
    visits = {uri: date for uri, date, _ in revisits(recheck_warc)}
    revisited = set(visits)
    assert seed["url"] in revisited and {i["url"] for i in seed["images"]} <= revisited
    ts = visits[seed["url"]].replace("-", "").replace(":", "").replace("T", "")[:14]
    assert ts != seed["fetched_at"].replace("-", "").replace(":", "").replace("T", "")[:14]
    wacz = write_wacz(output).packages[0]
    files = {"/ui.js": app / "ui.js", "/replay/sw.js": app / "sw.js", "/archive.wacz": wacz}
    with RangeFileServer(files) as server:
        files["/index.html"] = embed_page(
            tmp_path, f"{server.base_url}/archive.wacz", seed["url"], ts
        )
        with browsing() as browser:
            browser.page.goto(f"{server.base_url}/index.html")
            frame = open_in_replaywebpage(browser, f"{ts}mp_/{seed['url']}")
            check_article(frame, seed)
            checked = check_requisites(frame, revisited, seed)
            keep_screenshot(browser.page, tmp_path, "replay-revisit-replaywebpage.png")
        browser.check_stayed_on(server.base_url)
        missing = [line for line in browser.console if "unable to locate original" in line]
        assert not missing, missing
    assert checked["stylesheets"] >= 1 and checked["images"] >= 1, checked
