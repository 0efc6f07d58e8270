"""Worker processes (``ARCHIVE_WORKERS``, archiver.workers): the same outcome as parsing and
encoding in the crawl process, a dead worker's pages reported and the worker replaced, and
no worker outliving its crawl (``kill -9`` included)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import pickle
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from archiver import exitcodes, workers
from archiver.demo import MIRROR_SETTINGS, scrapy_env
from archiver.parsers import LayoutError
from replica import ReplicaServer, build_site
from tests.fixtures.catalog import fixtures

T = TypeVar("T")
BROKEN = [
    b"",
    b"<html><body><article><p>cut off",  # truncated: no </body></html> after the article
    b"<html><body><p>no article here</p></body></html>",
    b"\xff\xfe\x00garbage",
]


def run_async(make: Callable[[workers.WorkerPool], Awaitable[T]], count: int) -> T:
    """``make(pool)`` awaited in an event loop, with a pool of ``count`` started workers."""

    async def main() -> T:
        pool = workers.WorkerPool(count)
        pool.start()
        await pool.wait_ready()
        try:
            return await make(pool)
        finally:
            pool.close()

    return asyncio.run(main())


async def outcomes(pool: workers.WorkerPool, jobs: list[workers.Job]) -> list[Any]:
    """Each job's result, or ("LayoutError", message), gathered concurrently."""

    async def one(job: workers.Job) -> Any:
        try:
            return await pool.run(job)
        except LayoutError as exc:
            return ("LayoutError", str(exc))

    return list(await asyncio.gather(*(one(job) for job in jobs)))


def fixture_jobs() -> list[workers.Job]:
    jobs: list[workers.Job] = []
    for kind, name in (("article", "articles"), ("listing", "listings")):
        for fixture in fixtures(name):
            body = fixture.html.encode("utf-8")
            jobs.append((kind, (body, "text/html; charset=UTF-8", fixture.url)))
    url = "http://127.0.0.1:1/news/broken"
    jobs += [("article", (body, None, url)) for body in BROKEN]
    return jobs


@pytest.mark.parametrize("count", [1, 2])
def test_workers_give_what_the_crawl_process_gives(count: int) -> None:
    jobs = fixture_jobs()
    in_process = run_async(lambda pool: outcomes(pool, jobs), 0)
    in_workers = run_async(lambda pool: outcomes(pool, jobs), count)
    assert in_workers == in_process
    assert sum(isinstance(o, tuple) and o[0] == "LayoutError" for o in in_process) >= len(BROKEN)


def test_a_dead_worker_fails_its_pages_and_is_replaced(caplog: pytest.LogCaptureFixture) -> None:
    fixture = fixtures("articles")[0]
    job: workers.Job = ("article", (fixture.html.encode("utf-8"), None, fixture.url))

    async def scenario(pool: workers.WorkerPool) -> list[str]:
        seen = []
        for _ in range(workers.MAX_RESTARTS + 1):
            await pool.wait_ready()
            worker = pool._procs[0]
            worker.process.kill()
            worker.process.wait()
            with pytest.raises(workers.WorkerCrashed):
                await pool.run(job)
            seen.append(type(await pool.run(job)).__name__)  # the next page parses
        return seen

    seen = run_async(scenario, 1)
    assert seen == ["ArticleContent"] * (workers.MAX_RESTARTS + 1)
    died = [r for r in caplog.records if "worker process died" in r.getMessage()]
    assert len(died) == workers.MAX_RESTARTS + 1
    assert all(r.levelname == "WARNING" for r in died)
    assert "in the crawl process from now on" in died[-1].getMessage()


def test_a_parser_bug_in_a_worker_is_raised_with_its_traceback() -> None:
    """``serve`` (the worker's loop) answers an unexpected exception with its traceback."""
    frames = b""
    for job in [("article", (b"<html></html>", None, "http://x/a")), ("nonesuch", ())]:
        payload = pickle.dumps(job)
        frames += struct.pack("<I", len(payload)) + payload
    answers = io.BytesIO()
    workers.serve(io.BytesIO(frames), answers)
    data, messages = answers.getvalue(), []
    while data:
        (length,) = struct.unpack_from("<I", data)
        messages.append(pickle.loads(data[4 : 4 + length]))
        data = data[4 + length :]
    assert messages[0] == workers.READY
    assert messages[1][0] == "layout"
    assert messages[2][0] == "error" and "KeyError: 'nonesuch'" in messages[2][1]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the task ended meanwhile
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; its new parent reaps it


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_no_worker_outlives_a_killed_crawl(tmp_path: Path) -> None:
    slow = {"DOWNLOAD_DELAY": "0.1", "CONCURRENT_REQUESTS": "1", "ARCHIVE_WORKERS": "2"}
    command = [sys.executable, "-m", "archiver.cli", "crawl", "--output", str(tmp_path / "out")]
    with ReplicaServer(build_site(0, 40)) as server:
        command += ["--base-url", server.base_url]
        for name, value in {**MIRROR_SETTINGS, **slow}.items():
            command += ["-s", f"{name}={value}"]
        crawl = subprocess.Popen(
            command, env=scrapy_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 60
            while len(spawned := children(crawl.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(spawned) == 2, "the crawl did not start its two worker processes"
            time.sleep(1.5)  # mid-crawl: pages are being parsed
            assert crawl.poll() is None, "the crawl ended before it could be killed"
            os.kill(crawl.pid, signal.SIGKILL)
            crawl.wait()
            deadline = time.monotonic() + 10
            while any(alive(pid) for pid in spawned) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not [pid for pid in spawned if alive(pid)], "a worker process outlived its crawl"
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait()


def test_a_negative_worker_count_is_a_configuration_error(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "archiver.cli", "crawl", "--output", str(tmp_path / "out")]
    command += ["--base-url", "http://127.0.0.1:9", "-s", "ARCHIVE_WORKERS=-1"]
    result = subprocess.run(
        command, check=False, env=scrapy_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == exitcodes.BAD_CONFIG, result.stderr[-2000:]
    assert "ARCHIVE_WORKERS must be 0" in result.stderr


def test_the_old_setting_name_still_counts_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    old = get_crawler(Spider, {"ARCHIVE_PARSE_WORKERS": 2})
    assert workers.get_workers(old).workers == 2
    assert "ARCHIVE_PARSE_WORKERS is now called ARCHIVE_WORKERS" in caplog.text
    both = get_crawler(Spider, {"ARCHIVE_PARSE_WORKERS": 2, "ARCHIVE_WORKERS": 3})
    assert workers.get_workers(both).workers == 3  # the new name wins at the same priority
    assert workers.get_workers(get_crawler(Spider, {"ARCHIVE_WORKERS": 1})).workers == 1
