"""Headless Chromium for the replay tests: Debian's ``chromium`` driven by Playwright (never a
browser of Playwright's own: there is no download here), every request logged, and a sink
standing in for everything off loopback, so a request that would leave it is caught."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$")
# Chromium's own services (component updates, sign-in, network time) still call these hosts
# whatever the flags: the sink refuses them too; they are the browser's, never a page's.
BROWSER_SERVICES = re.compile(r"(^|\.)(google\.com|googleapis\.com|gvt1\.com)(:\d+)?$")
EMBEDDED = re.compile(r"/(https?://.+)$")  # the archived URL inside a replay URL


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("Debian's chromium not installed (`make test` installs it with apt)")
    return found


class _Sink(BaseHTTPRequestHandler):
    """What Chromium sends its proxy: only requests for hosts off loopback (Chromium never
    proxies loopback). Recorded and refused."""

    seen: list[str]

    def _refuse(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_error(403, "off loopback")

    do_GET = do_POST = do_HEAD = do_CONNECT = do_PUT = do_OPTIONS = _refuse

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Browsing:
    """A page of a fresh browser context, what it requested, and what left loopback."""

    page: Any
    requests: list[str] = field(default_factory=list)
    off_loopback: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # what the page and its workers logged

    def origins(self) -> set[str]:
        return {_origin(url) for url in self.requests if url.startswith("http")}

    def check_stayed_on(self, origin: str) -> None:
        """Every request went to ``origin`` (the replay server): none to the live site, none
        off loopback."""
        assert self.requests, "the page made no request"
        left = [seen for seen in self.off_loopback if not BROWSER_SERVICES.search(_host(seen))]
        assert left == [], f"requests left loopback: {left}"
        assert self.origins() == {origin}, f"requests went elsewhere: {self.origins()}"


def _host(seen: str) -> str:
    """The host a request line in the sink was for (CONNECT host:port, or an absolute URL)."""
    target = seen.split(" ", 1)[1]
    return target.split(":")[0] if "://" not in target else urlsplit(target).hostname or ""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def browsing() -> Iterator[Browsing]:
    """Chromium with a proxy sink for everything off loopback; yields a logged page."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    seen: list[str] = []
    sink = ThreadingHTTPServer(("127.0.0.1", 0), type("Sink", (_Sink,), {"seen": seen}))
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    proxy = f"--proxy-server=http://127.0.0.1:{sink.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=[*CHROMIUM_ARGS, proxy]
            )
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                browsing = Browsing(context.new_page(), off_loopback=seen)
                context.on("request", lambda request: browsing.requests.append(request.url))
                browsing.page.on(
                    "console", lambda m: browsing.console.append(f"{m.type}: {m.text}")
                )
                yield browsing
            finally:
                browser.close()
    finally:
        sink.shutdown()
        sink.server_close()
        thread.join(timeout=10)


def wait_for_frame(page: Any, marker: str, seconds: float) -> Any:
    """The frame (at any depth) whose URL holds ``marker``, once it has an ``h1``."""
    deadline_ms = seconds * 1000
    step = 250
    waited = 0.0
    while waited < deadline_ms:  # bounded: seconds / 0.25 polls
        for frame in page.frames:
            if marker in frame.url and frame.locator("h1").count():
                return frame
        page.wait_for_timeout(step)
        waited += step
    frames = [frame.url for frame in page.frames]
    raise AssertionError(f"no frame with {marker!r} and a heading after {seconds}s: {frames}")


def check_article(frame: Any, record: dict[str, Any]) -> None:
    """The archived article is on screen: its headline and its body text, visible."""
    heading = frame.locator("h1").first
    heading.wait_for(state="visible", timeout=30_000)
    assert " ".join(heading.inner_text().split()) == record["title"]
    text = " ".join(frame.locator("body").inner_text().split())
    for paragraph in record["text"].split("\n\n")[:3]:
        assert " ".join(paragraph.split())[:80] in text
    assert frame.locator("p", has_text=record["text"][:40]).first.is_visible()


REQUISITES_JS = """() => ({
  sheets: [...document.styleSheets].filter(s => s.href).map(s => {
    let rules = -1; try { rules = s.cssRules.length } catch (e) {}
    return {href: s.href, rules};
  }),
  images: [...document.images].map(i => ({
    src: i.currentSrc || i.src, complete: i.complete,
    width: i.naturalWidth, height: i.naturalHeight,
  })),
  columns: (() => {
    const main = document.querySelector('#left-area'), side = document.querySelector('#sidebar');
    if (!main || !side) return null;
    return {main: main.getBoundingClientRect().left, side: side.getBoundingClientRect().left};
  })(),
})"""


def archived_url(replayed: str) -> str:
    """The archived URL a replay URL serves (pywb and ReplayWeb.page both end with it)."""
    match = EMBEDDED.search(replayed)
    return match.group(1) if match else replayed


def check_requisites(frame: Any, archived: set[str], record: dict[str, Any]) -> dict[str, int]:
    """The page's stylesheets and images are replayed from the archive: each archived
    stylesheet parsed with rules, Divi's two columns side by side (the layout comes from the
    archived style.css), each archived image decoded to a non-zero natural size, the record's
    own images among them; returns how many of each were checked."""
    frame.wait_for_load_state("load", timeout=30_000)
    found = frame.evaluate(REQUISITES_JS)
    sheets = [s for s in found["sheets"] if archived_url(s["href"]) in archived]
    images = [i for i in found["images"] if archived_url(i["src"]) in archived]
    assert sheets, f"no archived stylesheet replayed: {found['sheets']}"
    for sheet in sheets:
        assert sheet["rules"] > 0, f"stylesheet not replayed: {sheet}"
    assert found["columns"] is not None, "no #left-area and #sidebar on the page"
    assert found["columns"]["side"] > found["columns"]["main"], found["columns"]
    for image in images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image
    shown = {archived_url(image["src"]) for image in images}
    missing = {image["url"] for image in record["images"]} - shown
    assert not missing, f"the record's images not replayed: {missing}"
    return {"stylesheets": len(sheets), "images": len(images)}


def keep_screenshot(page: Any, directory: Path, name: str) -> Path:
    """A screenshot, kept as the test's artefact (and copied to $ARCHIVER_SCREENSHOTS)."""
    path = directory / name
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000, "the screenshot is (nearly) blank"
    if target := os.environ.get("ARCHIVER_SCREENSHOTS"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path
