"""Cron-grade operation, end to end: `archiver crawl` in a subprocess against the replica.

Kills (SIGKILL at several moments, then resume), SIGTERM, growth of the site between runs,
a second concurrent run, an unwritable output, exit codes and the run report.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from archiver import exitcodes
from archiver.demo import MIRROR_SETTINGS, crawl_command, scrapy_env
from archiver.layout import STATE_FILENAME
from archiver.state import CrawlState
from replica import ReplicaServer, Response, build_site
from tests.archive_checks import check_pointer, check_warcs, read_jsonl
from tests.crawling import path_of, request_counts

pytestmark = pytest.mark.e2e

ARTICLES = 40
TIMEOUT = 120  # seconds for any one crawl: far above the few seconds one takes
# Slow enough (about 0.1 s a request, one at a time) that a kill lands mid-crawl; commits
# every 3 records so a kill finds committed, uncommitted and half-written work alike.
# Page requisites off: they would take the first seconds (tests/test_requisites_kill.py
# kills a crawl fetching them).
SLOW = {
    "DOWNLOAD_DELAY": "0.1",
    "CONCURRENT_REQUESTS": "1",
    "ARCHIVE_COMMIT_ITEMS": "3",
    "ARCHIVE_REQUISITES_ENABLED": "False",
}


def archiver_crawl(base_url: str, output: Path, **settings: str) -> list[str]:
    command = [sys.executable, "-m", "archiver.cli", "crawl", "--output", str(output)]
    command += ["--base-url", base_url]
    for name, value in {**MIRROR_SETTINGS, **settings}.items():
        command += ["-s", f"{name}={value}"]
    return command


# A full disk, as the crawl sees it: a write past N bytes fails (EFBIG) instead of killing
# the process (SIGXFSZ ignored). Set in a shim that execs the crawl: no preexec_fn in a test
# process whose replica runs threads.
LIMIT_FILES = (
    "import os, resource, signal, sys; n = int(sys.argv[1]);"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (n, n));"
    "os.execv(sys.argv[2], sys.argv[2:])"
)


def start(
    base_url: str, output: Path, max_file_size: int | None = None, **settings: str
) -> subprocess.Popen[str]:
    command = archiver_crawl(base_url, output, **settings)
    if max_file_size is not None:
        command = [sys.executable, "-c", LIMIT_FILES, str(max_file_size), *command]
    return subprocess.Popen(
        command, env=scrapy_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def run(
    base_url: str, output: Path, max_file_size: int | None = None, **settings: str
) -> tuple[int, str]:
    process = start(base_url, output, max_file_size, **settings)
    log, _ = process.communicate(timeout=TIMEOUT)
    return process.returncode, log


def interrupt(process: subprocess.Popen[str], after: float, signum: int) -> tuple[int, str]:
    """Send ``signum`` ``after`` seconds in (unless the crawl ended first); wait for the end."""
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signum)
    log, _ = process.communicate(timeout=TIMEOUT)
    return process.returncode, log


def reachable(server: ReplicaServer) -> set[str]:
    site = server.site
    paths = {*site.listing_reachable_urls(), *site.sitemap_urls()}
    return {server.base_url + path for path in paths}


def check_complete(output: Path, expected: set[str]) -> list[dict[str, Any]]:
    """Every expected article exactly once across jsonl/, every pointer opens its capture in
    a closed, valid WARC file, no `.open` file anywhere, and the state agrees."""
    assert not list(output.rglob("*.open")), "a file was left open"
    records = read_jsonl(output)
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls)), "an article has more than one record"
    assert set(urls) == expected
    check_warcs(output)
    for record in records:
        check_pointer(output, record)
    state = CrawlState(output / STATE_FILENAME, "check")
    try:
        assert state.archived_count() == len(records)
    finally:
        state.close()
    return records


def reports(output: Path) -> list[dict[str, Any]]:
    paths = sorted((output / "reports").glob("*.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def test_kill_9_at_three_moments_then_resume(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        killed = left_open = 0
        for after in (1.5, 3.0, 4.5):
            process = start(server.base_url, output, **SLOW)
            code, log = interrupt(process, after, signal.SIGKILL)
            killed += code == -signal.SIGKILL
            left_open += bool(list(output.rglob("*.open")))  # what the next start repairs
            assert "Traceback" not in log, log[-3000:]
        assert killed >= 2, "the crawl ended before it could be killed: slow it down"
        assert left_open >= 2, "no kill left a file open: the repair path went untested"
        code, log = run(server.base_url, output)
        assert code == exitcodes.OK, log[-3000:]
        check_complete(output, reachable(server))


def test_growth_fetches_only_new_articles(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, 30)) as server:
        assert run(server.base_url, output)[0] == exitcodes.OK
        old = reachable(server)
        server.grow(45)
        server.clear_requests()
        code, log = run(server.base_url, output)
        assert code == exitcodes.OK, log[-3000:]
        fetched = set(request_counts(server.requests))
        new = reachable(server)
        articles = {path_of(url) for url in new}
        assert fetched & articles == {path_of(url) for url in new - old}
        check_complete(output, new)
    assert [r["articles_new"] for r in reports(output)] == [len(old), len(new - old)]


def test_sigterm_stops_gracefully_and_resumes(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        process = start(server.base_url, output, **SLOW)
        code, log = interrupt(process, 3.0, signal.SIGTERM)
        assert code == exitcodes.INTERRUPTED, log[-3000:]
        assert not list(output.rglob("*.open")), "SIGTERM left a file open"
        check_warcs(output)
        partial = read_jsonl(output)
        assert 0 < len(partial) < ARTICLES
        (report,) = reports(output)
        assert (report["finish_reason"], report["exit_code"]) == ("shutdown", 3)
        server.clear_requests()
        code, log = run(server.base_url, output)
        assert code == exitcodes.OK, log[-3000:]
        fetched = set(request_counts(server.requests))
        assert not fetched & {path_of(r["url"]) for r in partial}, "an article was re-fetched"
        check_complete(output, reachable(server))


def test_a_second_concurrent_run_is_refused(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        first = start(server.base_url, output, **SLOW)
        time.sleep(1.5)
        code, log = run(server.base_url, output)
        assert code == exitcodes.LOCKED, log[-3000:]
        assert f"Another run is using {output}" in log
        scrapy = subprocess.run(
            crawl_command(server.base_url, output),
            check=False,
            env=scrapy_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert scrapy.returncode != 0
        assert "Another run is using" in scrapy.stdout + scrapy.stderr
        assert first.poll() is None, "the first run ended before the second was tried"
        first_log, _ = first.communicate(timeout=TIMEOUT)
        assert first.returncode == exitcodes.OK, first_log[-3000:]
        check_complete(output, reachable(server))
    # Only the first run wrote anything: one JSONL file, one report.
    assert len(list((output / "jsonl").glob("*.jsonl"))) == 1
    assert len(reports(output)) == 1


def test_unwritable_output_fails_before_the_first_request(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    output = blocker / "output"  # root ignores chmod; a path under a file cannot exist at all
    with ReplicaServer(build_site(0, 5)) as server:
        code, log = run(server.base_url, output)
        assert server.requests == []
    assert code == exitcodes.WRITE_ERROR, log[-3000:]
    assert f"Output directory {output} is not writable" in log
    assert "--output DIR" in log


@pytest.mark.parametrize(
    ("limit", "settings", "reason"),
    [
        # No page requisites in the first two: their state rows (two commits each, a WAL
        # page apiece) would fill the disk first, as the third shows.
        # The WARC file, the largest, fills the disk.
        (100_000, {"ARCHIVE_REQUISITES_ENABLED": "False"}, "warc_write_error"),
        # Small WARCs. 80 KB, not 50: a new state database's tables (nine, with their
        # indexes) take ~60 KB of WAL in the one transaction that creates them.
        (
            80_000,
            {"ARCHIVE_WARC_MAX_SIZE": "20000", "ARCHIVE_REQUISITES_ENABLED": "False"},
            "jsonl_write_error",
        ),
        (80_000, {"ARCHIVE_WARC_MAX_SIZE": "20000"}, "state_write_error"),  # requisites' rows
    ],
)
def test_a_full_disk_exits_5_then_resumes(
    tmp_path: Path, limit: int, settings: dict[str, str], reason: str
) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        code, log = run(server.base_url, output, max_file_size=limit, **settings)
        assert code == exitcodes.WRITE_ERROR, log[-3000:]
        assert "Could not write" in log
        (report,) = reports(output)
        assert (report["finish_reason"], report["exit_code"]) == (reason, 5)
        code, log = run(server.base_url, output)
        assert code == exitcodes.OK, log[-3000:]
        check_complete(output, reachable(server))


def test_bad_configuration_exits_2(tmp_path: Path) -> None:
    code, log = run("ftp://127.0.0.1:1", tmp_path / "output")
    assert code == exitcodes.BAD_CONFIG, log[-3000:]
    assert "base_url" in log
    command = [*archiver_crawl("http://127.0.0.1:1", tmp_path / "output"), "-s", "NOVALUE"]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == exitcodes.BAD_CONFIG
    assert "is not NAME=VALUE" in result.stderr
    for bound, named in (
        (["--recheck", "--min-age", "a fortnight"], "ARCHIVE_RECHECK_MIN_AGE"),
        (["--recheck", "--max-requisites", "-1"], "ARCHIVE_RECHECK_MAX_REQUISITES"),
        (["--max-pages", "10"], "add --recheck"),  # a bound without a re-check
    ):
        command = [*archiver_crawl("http://127.0.0.1:1", tmp_path / "output"), *bound]
        result = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=TIMEOUT
        )
        assert result.returncode == exitcodes.BAD_CONFIG, result.stderr[-2000:]
        assert named in result.stderr
        assert "Traceback" not in result.stderr


def test_a_normal_run_exits_0_and_reports(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        code, log = run(server.base_url, output, ARCHIVE_PROGRESS_INTERVAL="0.3", **SLOW)
        assert code == exitcodes.OK, log[-3000:]
        records = check_complete(output, reachable(server))
    assert re.search(r"Progress: [\d.]+ pages/min, [\d.]+ articles/min; \d+ pages", log)
    (report,) = reports(output)
    assert (report["finish_reason"], report["exit_code"]) == ("finished", 0)
    assert report["started"] <= report["ended"]
    assert report["pages_fetched"]["article"] == len(records) == report["articles_new"]
    assert report["pages_fetched"]["listing"] > 0
    assert report["failed"] == []
    warc_bytes = sum(p.stat().st_size for p in (output / "warc").glob("*.warc.gz"))
    assert 0 < report["warc_bytes_written"] <= warc_bytes
    assert not list((output / "reports").glob(".*.tmp"))


def test_failed_pages_exit_1_are_reported_and_retried(tmp_path: Path) -> None:
    output = tmp_path / "output"
    site = build_site(0, 10)
    broken = site.articles[3].path

    def gone(handler: object, response: Response) -> Response:
        return Response(404, b"not found", "text/plain")

    with ReplicaServer(site, faults={broken: gone}) as server:
        code, log = run(server.base_url, output)
        assert code == exitcodes.PAGES_FAILED, log[-3000:]
        (report,) = reports(output)
        assert report["exit_code"] == 1
        assert [(f["url"], f["kind"], f["status"]) for f in report["failed"]] == [
            (server.base_url + broken, "article", 404)
        ]
        server.faults.clear()
        code, log = run(server.base_url, output)
        assert code == exitcodes.OK, log[-3000:]
        check_complete(output, reachable(server))
