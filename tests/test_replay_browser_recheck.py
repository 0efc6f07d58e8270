"""A re-checked archive replays in ReplayWeb.page at the re-check's time: the seed article, its
stylesheet and its images are all revisit records there, and each must resolve to its
original capture in the same WACZ (headless Chromium, as tests/test_replay_browser.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass
class Rechecked:
    output: Path
    seed: dict[str, Any]  # the seed article's record (its first capture)
    ts: str  # the re-check's time, when the seed article was revisited
    revisited: set[str]  # URLs with a revisit record (the seed article, its requisites)
    recheck_warc: Path


@pytest.fixture(scope="module")
def rechecked(tmp_path_factory: pytest.TempPathFactory) -> Rechecked:
    """A crawl of the replica, then a re-check of it all (nothing changed)."""
    output = tmp_path_factory.mktemp("rechecked") / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        first = crawl(server, output)
        assert first.code == exitcodes.OK
        time.sleep(2)  # the revisits' time is then clearly not the originals'
        before = set((output / "warc").glob("*.warc.gz"))
        assert crawl(server, output, "--recheck", ARCHIVE_RECHECK_MIN_AGE="0").code == 0
    seed = next(r for r in first.records if r["url"].endswith(SLUG))
    [recheck_warc] = set((output / "warc").glob("*.warc.gz")) - before
    visits = {uri: date for uri, date, _ in revisits(recheck_warc)}
    assert seed["url"] in visits and {i["url"] for i in seed["images"]} <= set(visits)
    ts = visits[seed["url"]].replace("-", "").replace(":", "").replace("T", "")[:14]
    assert ts != seed["fetched_at"].replace("-", "").replace(":", "").replace("T", "")[:14]
    return Rechecked(output, seed, ts, set(visits), recheck_warc)


def replay_at_recheck(
    archive: Rechecked, tmp_path: Path, files: dict[str, Path], source: str, shot: str
) -> dict[str, int]:
    """Open ``source`` (served from ``files``) in ReplayWeb.page at the re-check's time: the
    seed article, its stylesheet and images render, every revisit resolved."""
    app = replaywebpage_dir()
    files = {"/ui.js": app / "ui.js", "/replay/sw.js": app / "sw.js", **files}
    seed = archive.seed
    with RangeFileServer(files) as server:
        files["/index.html"] = embed_page(
            tmp_path, f"{server.base_url}{source}", seed["url"], archive.ts
        )
        with browsing() as browser:
            browser.page.goto(f"{server.base_url}/index.html")
            frame = open_in_replaywebpage(browser, f"{archive.ts}mp_/{seed['url']}")
            check_article(frame, seed)
            checked = check_requisites(frame, archive.revisited, seed)
            keep_screenshot(browser.page, tmp_path, shot)
        browser.check_stayed_on(server.base_url)
        missing = [line for line in browser.console if "unable to locate original" in line]
        assert not missing, missing
    assert checked["stylesheets"] >= 1 and checked["images"] >= 1, checked
    return checked


def test_replaywebpage_resolves_the_revisits_of_a_rechecked_article(
    rechecked: Rechecked, tmp_path: Path
) -> None:
    wacz = write_wacz(rechecked.output).packages[0]
    replay_at_recheck(
        rechecked, tmp_path, {"/archive.wacz": wacz}, "/archive.wacz", "replay-revisit.png"
    )


def test_split_packages_open_together_and_resolve_revisits_across_them(
    rechecked: Rechecked, tmp_path: Path
) -> None:
    """The re-check's WARC in a package of its own, requiring the first crawl's: opened
    together through the collection JSON, its revisits resolve in the other package."""
    limit = max(path.stat().st_size for path in (rechecked.output / "warc").glob("*.warc.gz"))
    report = write_wacz(rechecked.output, tmp_path / "aawsat.wacz", max_size=limit)
    assert report.collection is not None and len(report.packages) >= 2
    last = report.packages[-1]
    assert report.requires == {last.name: [p.name for p in report.packages[:-1]]}
    files = {f"/{path.name}": path for path in [*report.packages, report.collection]}
    replay_at_recheck(
        rechecked, tmp_path, files, f"/{report.collection.name}", "replay-revisit-split.png"
    )
