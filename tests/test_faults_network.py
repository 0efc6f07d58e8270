"""Server and network faults (issue #5, cases 1-8), each against the real crawl in a subprocess.

Every crawl goes through ``tests.fault_runs.crawl``, which also checks what the crawl left:
every closed WARC decompresses to the end, its requests and responses pair, every JSONL line
parses, every record's pointer opens its capture. Each test asserts the exit code.
"""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver import exitcodes
from archiver.demo import scrapy_env
from replica import ReplicaServer, build_site
from replica import faults as F
from replica.site import Site
from tests import fault_runs
from tests.archive_checks import WarcSummary, check_warcs
from tests.fault_runs import FaultRun, crawl

pytestmark = pytest.mark.e2e

ARTICLES = 10
# Small waits for tests; the project's defaults (seconds to a minute) are for the real site.
FAST = {"RETRY_BACKOFF_BASE": "0.5", "RETRY_BACKOFF_MAX": "2", "RETRY_TIMES": "2"}
LIVE_TIMEOUT = 120  # seconds: a live crawl that outlives this is killed and the test fails


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(0, ARTICLES)


def articles(site: Site) -> list[str]:
    return sorted(site.listing_reachable_urls())


def expected(server: ReplicaServer) -> set[str]:
    """Every article URL the crawl can reach (listings and sitemaps)."""
    paths = {*server.site.listing_reachable_urls(), *server.site.sitemap_urls()}
    return {server.base_url + path for path in paths}


def archived(run: FaultRun) -> set[str]:
    return {record["url"] for record in run.records}


def request_times(run: FaultRun, path: str) -> list[float]:
    return [entry["time"] for entry in run.requests if entry["path"] == path]


def truncated_captures(output: Path) -> dict[str, str]:
    """WARC-Truncated of every response record that has one, by target URI."""
    found = {}
    for path in sorted((output / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                reason = record.rec_headers.get_header("WARC-Truncated")
                if record.rec_type == "response" and reason:
                    found[record.rec_headers.get_header("WARC-Target-URI")] = reason
    return found


def gave_up_after_retries(run: FaultRun, url: str, retries: int) -> bool:
    """The crawl's own log shows ``retries`` retries of ``url``, then giving up. (The
    server logs a dripping response only when it stops writing, maybe after the crawl.)"""
    retried = re.findall(rf"Retrying {re.escape(url)} in [\d.]+ s \(retry (\d+)\)", run.log)
    gave_up = f"Gave up retrying <GET {url}> (failed {retries + 1} times)" in run.log
    return retried == [str(n) for n in range(1, retries + 1)] and gave_up


def warnings_matching(log: str, pattern: str) -> list[str]:
    return [line for line in log.splitlines() if " WARNING: " in line and re.search(pattern, line)]


def checked_if_any(output: Path) -> WarcSummary:
    """``check_warcs``, for a crawl that may have captured nothing: then no file at all."""
    if not list(output.glob("warc/*")):
        return WarcSummary()
    return check_warcs(output)


# --- live crawls: act on the crawl while it runs --------------------------------------------


def acting_on(pattern: str, act: Callable[[subprocess.Popen[str]], object], log: Path) -> Any:
    """A stand-in for ``fault_runs._run`` that calls ``act(process)`` once the crawl's log
    shows ``pattern``, then waits for the crawl to end (bounded, like the original)."""

    def run(command: list[str]) -> tuple[str, int, int]:
        with log.open("w", encoding="utf-8") as out:
            process = subprocess.Popen(command, env=scrapy_env(), stdout=out, stderr=out, text=True)
        try:
            deadline = time.monotonic() + LIVE_TIMEOUT
            while not re.search(pattern, log.read_text(encoding="utf-8")):
                assert process.poll() is None, f"crawl ended before {pattern!r} was logged"
                assert time.monotonic() < deadline, f"{pattern!r} never logged"
                time.sleep(0.05)
            act(process)
            process.wait(timeout=LIVE_TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        return log.read_text(encoding="utf-8"), process.returncode, 0

    return run


class NotYetListening:
    """What ``crawl`` needs of a server, for one that starts only once the crawl is running:
    until then its port refuses connections."""

    def __init__(self, server: ReplicaServer) -> None:
        self.server = server
        self.base_url = f"http://{server.host}:{server.port}"

    def clear_requests(self) -> None:
        """Nothing logged yet: the server is not started."""

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.server.requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- 1, 2: 5xx ------------------------------------------------------------------------------


def test_5xx_a_few_times_then_200_is_retried_with_backoff(tmp_path: Path, site: Site) -> None:
    page = articles(site)[0]
    with ReplicaServer(site, faults={page: F.status(503, times=2)}) as server:
        run = crawl(server, tmp_path / "output", **FAST)
        url = server.base_url + page
        assert run.code == exitcodes.OK, run.log[-3000:]
        assert run.fetched(page) == 3
        first, second, third = request_times(run, page)
        assert second - first >= 0.5  # RETRY_BACKOFF_BASE
        assert third - second >= 1.0  # twice that for the second retry
        assert archived(run) == expected(server)
        assert len(run.warcs.responses[url]) == 3  # the two 503s kept as evidence, then the 200
        assert f"Retrying {url} in" in run.log
        assert "'archiver/retry/waits': 2" in run.log


def test_5xx_every_time_is_given_up_reported_and_retried_next_run(
    tmp_path: Path, site: Site
) -> None:
    page = articles(site)[1]
    output = tmp_path / "output"
    with ReplicaServer(site, faults={page: F.status(500)}) as server:
        url = server.base_url + page
        run = crawl(server, output, **FAST)
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
        assert run.fetched(page) == 3  # the request and RETRY_TIMES=2 retries, no more
        failed = run.failed_urls()[url]
        assert (failed["kind"], failed["status"], failed["reason"]) == ("article", 500, "HTTP 500")
        assert url not in archived(run)
        assert len(run.warcs.responses[url]) == 3  # every 500 kept as evidence
        assert warnings_matching(run.log, f"Failed to archive article {re.escape(url)}: HTTP 500")

        server.faults.clear()
        again = crawl(server, output, **FAST)
        assert again.code == exitcodes.OK, again.log[-3000:]
        assert again.fetched(page) == 1
        assert again.failed_urls() == {}
        assert archived(again) == expected(server)  # records of both runs, each once


# --- 3: 429 and Retry-After -----------------------------------------------------------------


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_429_retry_after_is_waited_for(tmp_path: Path, site: Site, form: str) -> None:
    page = articles(site)[2]
    not_before = int(time.time()) + 8  # an HTTP date has whole seconds
    value = "3" if form == "seconds" else formatdate(not_before, usegmt=True)
    with ReplicaServer(site, faults={page: F.too_many_requests(value)}) as server:
        run = crawl(server, tmp_path / "output", **FAST)
        assert run.code == exitcodes.OK, run.log[-3000:]
        first, second = request_times(run, page)
        if form == "seconds":
            assert second - first >= 3.0
        else:
            assert first < not_before, "the crawl reached the page after the date: no wait shown"
            assert second >= not_before
        assert archived(run) == expected(server)
        assert "'archiver/retry/retry_after': 1" in run.log


def test_retry_after_beyond_the_cap_is_reported_not_waited(tmp_path: Path, site: Site) -> None:
    page = articles(site)[3]
    with ReplicaServer(site, faults={page: F.too_many_requests(3600)}) as server:
        run = crawl(server, tmp_path / "output", RETRY_AFTER_MAX="30", **FAST)
        url = server.base_url + page
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
        assert run.fetched(page) == 1
        assert run.failed_urls()[url]["status"] == 429
        assert warnings_matching(run.log, f"Not retrying {re.escape(url)} this run: HTTP 429")
        assert archived(run) == expected(server) - {url}


def test_sigterm_during_a_long_retry_wait_stops_at_once(tmp_path: Path, site: Site) -> None:
    page = articles(site)[4]
    output = tmp_path / "output"
    with ReplicaServer(site, faults={page: F.too_many_requests(300)}) as server:
        url = server.base_url + page
        sigterm = acting_on(
            f"Retrying {re.escape(url)} in 300",
            lambda process: process.send_signal(signal.SIGTERM),
            tmp_path / "live.log",
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fault_runs, "_run", sigterm)
            started = time.monotonic()
            run = crawl(server, output, **FAST)
        # Far less than the 300 s asked for: the wait ended with the crawl (no speed claim).
        assert time.monotonic() - started < LIVE_TIMEOUT
        assert run.code == exitcodes.INTERRUPTED, run.log[-3000:]
        assert run.fetched(page) == 1
        assert "'archiver/retry/abandoned': 1" in run.log
        assert run.failed_urls()[url]["status"] == 429  # recorded: the next run asks again
        again = crawl(server, output, **FAST)  # the fault let one request through: gone
        assert again.code == exitcodes.OK, again.log[-3000:]
        assert archived(again) == expected(server)


# --- 4: refused, reset, short body ----------------------------------------------------------


def test_connection_refused_is_retried_until_the_server_is_up(tmp_path: Path, site: Site) -> None:
    port = free_port()
    with contextlib.ExitStack() as stack:
        server = ReplicaServer(site, port=port)
        stack.callback(server.stop)
        late = NotYetListening(server)
        start = acting_on(
            r"Retrying \S+ in [\d.]+ s \(retry 1\): \w*ConnectionRefused",
            lambda process: server.start(),
            tmp_path / "live.log",
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fault_runs, "_run", start)
            run = crawl(late, tmp_path / "output", **{**FAST, "RETRY_TIMES": "5"})
        assert run.code == exitcodes.OK, run.log[-3000:]
        assert archived(run) == expected(server)


def test_connection_reset_is_retried(tmp_path: Path, site: Site) -> None:
    page = articles(site)[5]
    with ReplicaServer(site, faults={page: F.reset(times=1)}) as server:
        run = crawl(server, tmp_path / "output", **FAST)
        url = server.base_url + page
        assert run.code == exitcodes.OK, run.log[-3000:]
        assert run.fetched(page) == 2
        assert len(run.warcs.responses[url]) == 1  # the reset left nothing to capture
        assert archived(run) == expected(server)


def test_short_body_is_retried_never_captured_short(tmp_path: Path, site: Site) -> None:
    page = articles(site)[6]
    with ReplicaServer(site, faults={page: F.short_body(times=1)}) as server:
        run = crawl(server, tmp_path / "output", **FAST)
        url = server.base_url + page
        assert run.code == exitcodes.OK, run.log[-3000:]
        assert run.fetched(page) == 2
        assert len(run.warcs.responses[url]) == 1  # only the whole page
        assert truncated_captures(run.output) == {}
        assert archived(run) == expected(server)


def test_short_body_kept_when_dataloss_allowed_is_marked_and_not_parsed(
    tmp_path: Path, site: Site
) -> None:
    page = articles(site)[7]
    output = tmp_path / "output"
    with ReplicaServer(site, faults={page: F.short_body(times=1)}) as server:
        url = server.base_url + page
        run = crawl(server, output, DOWNLOAD_FAIL_ON_DATALOSS="False", **FAST)
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
        assert truncated_captures(output) == {url: "disconnect"}  # WARC 1.1 §5.13
        assert url not in archived(run)
        assert "body shorter than its Content-Length" in run.failed_urls()[url]["reason"]
        assert "'archiver/articles/truncated': 1" in run.log
        again = crawl(server, output, **FAST)
        assert again.code == exitcodes.OK, again.log[-3000:]
        assert archived(again) == expected(server)  # records of both runs, each once
        assert again.fetched(page) == 1


# --- 5: slow responses ----------------------------------------------------------------------


def test_a_dripping_response_is_cut_at_the_total_timeout_and_reported(
    tmp_path: Path, site: Site
) -> None:
    page = articles(site)[8]
    with ReplicaServer(site, faults={page: F.drip(6.0)}) as server:
        url = server.base_url + page
        run = crawl(server, tmp_path / "output", DOWNLOAD_TIMEOUT="1", **FAST)
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
        assert gave_up_after_retries(run, url, 2)
        failed = run.failed_urls()[url]
        assert failed["status"] is None
        assert "Timeout" in failed["reason"]
        assert url not in archived(run)
        assert url not in run.warcs.responses  # nothing partial captured


# --- 6: redirects ---------------------------------------------------------------------------


def test_redirect_loops_and_long_chains_are_reported(tmp_path: Path, site: Site) -> None:
    chained, looped = articles(site)[:2]
    faults = {
        chained: F.redirect("/moved/1"),
        **{f"/moved/{n}": F.redirect(f"/moved/{n + 1}") for n in range(1, 5)},
        looped: F.redirect("/elsewhere"),
        "/elsewhere": F.redirect(looped),
    }
    with ReplicaServer(site, faults=faults) as server:
        run = crawl(server, tmp_path / "output", REDIRECT_MAX_TIMES="3", **FAST)
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
        failed = run.failed_urls()
        chained_url, looped_url = server.base_url + chained, server.base_url + looped
        assert "TooManyRedirects: more than 3 redirects" in failed[chained_url]["reason"]
        assert "RedirectLoop: redirect loop" in failed[looped_url]["reason"]
        assert warnings_matching(run.log, "More than 3 redirects")
        assert warnings_matching(run.log, f"Redirect loop, not followed: {re.escape(looped_url)}")
        assert run.fetched(looped) == 1
        assert run.fetched("/moved/4") == 0  # stopped at REDIRECT_MAX_TIMES
        assert archived(run) == expected(server) - {chained_url, looped_url}


# --- 7: gone ------------------------------------------------------------------------------


def test_404_and_410_articles_are_reported_without_a_record(tmp_path: Path, site: Site) -> None:
    missing, gone = articles(site)[8:10]
    output = tmp_path / "output"
    with ReplicaServer(site, faults={missing: F.status(404), gone: F.status(410)}) as server:
        run = crawl(server, output, **FAST)
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
        for path, code in ((missing, 404), (gone, 410)):
            url = server.base_url + path
            assert run.fetched(path) == 1  # a 4xx is not retried
            assert run.failed_urls()[url]["status"] == code
            assert url not in archived(run)
            assert len(run.warcs.responses[url]) == 1  # the error page, as evidence
        server.faults.clear()
        again = crawl(server, output, **FAST)
        assert again.code == exitcodes.OK, again.log[-3000:]
        assert archived(again) == expected(server)  # records of both runs, each once


# --- 8: robots.txt --------------------------------------------------------------------------


def test_robots_404_allows_everything(tmp_path: Path, site: Site) -> None:
    with ReplicaServer(site, faults={"/robots.txt": F.status(404)}) as server:
        run = crawl(server, tmp_path / "output", **FAST)
        assert run.code == exitcodes.OK, run.log[-3000:]
        assert archived(run) == expected(server)
        assert "No robots.txt at" in run.log


@pytest.mark.parametrize("fault", ["503", "timeout"])
def test_robots_unreachable_crawls_nothing_then_next_run_does(
    tmp_path: Path, site: Site, fault: str
) -> None:
    output = tmp_path / "output"
    broken = F.status(503) if fault == "503" else F.drip(6.0)
    with ReplicaServer(site, faults={"/robots.txt": broken}) as server:
        with pytest.MonkeyPatch.context() as patch:
            # Timeouts answer nothing: a crawl that fetched nothing leaves no WARC at all.
            patch.setattr(fault_runs, "check_warcs", checked_if_any)
            run = crawl(server, output, DOWNLOAD_TIMEOUT="1", **FAST)
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]
        assert {entry["path"] for entry in run.requests} <= {"/robots.txt"}  # nothing else
        assert gave_up_after_retries(run, server.base_url + "/robots.txt", 2)  # like any page
        robots = run.failed_urls()[server.base_url + "/robots.txt"]
        assert robots["kind"] == "robots"
        assert len(warnings_matching(run.log, "nothing on .* is fetched this run")) == 1
        assert run.records == []
        server.faults.clear()
        again = crawl(server, output, **FAST)
        assert again.code == exitcodes.OK, again.log[-3000:]
        assert archived(again) == expected(server)


def test_robots_disallow_is_honoured(tmp_path: Path, site: Site) -> None:
    page = articles(site)[0]
    with ReplicaServer(site) as server:
        with urllib.request.urlopen(server.base_url + "/robots.txt", timeout=10) as got:
            original = got.read()
        rules = original.replace(b"User-agent: *\n", f"User-agent: *\nDisallow: {page}\n".encode())
        assert rules != original
        server.faults["/robots.txt"] = F.replace(rules, content_type="text/plain")
        run = crawl(server, tmp_path / "output", **FAST)
        assert run.code == exitcodes.OK, run.log[-3000:]
        assert run.fetched(page) == 0
        paths = [entry["path"] for entry in run.requests]
        assert not [p for p in paths if p.startswith(("/search/", "/?s=", "/wp-admin/"))]
        assert archived(run) == expected(server) - {server.base_url + page}
        assert "'robotstxt/forbidden': 1" in run.log
