"""The worker pool (``ARCHIVE_WORKERS``, archiver.pool): the same outcome as parsing in the
crawl process, a job's exception raised in the caller, a dead worker's jobs failed and the
worker replaced, and no worker outliving its crawl (``kill -9`` included)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from archiver import exitcodes
from archiver.demo import MIRROR_SETTINGS, scrapy_env
from archiver.parsers import LayoutError, extract_article, extract_listing
from archiver.pool import MAX_RESTARTS, WorkerCrashed, WorkerError, WorkerPool
from archiver.pool.crawler import PRELOAD, get_workers
from archiver.pool.protocol import READY, Answer, Job, frame, read_frame
from archiver.pool.worker import serve
from replica import ReplicaServer, build_site
from tests.fixtures.catalog import fixtures

T = TypeVar("T")
BROKEN = [
    b"",
    b"<html><body><article><p>cut off",  # truncated: no </body></html> after the article
    b"<html><body><p>no article here</p></body></html>",
    b"\xff\xfe\x00garbage",
]


def run_async(make: Callable[[WorkerPool], Awaitable[T]], count: int) -> T:
    """``make(pool)`` awaited in an event loop, with a pool of ``count`` started workers."""

    async def main() -> T:
        pool = WorkerPool(count, preload=PRELOAD)
        pool.start()
        await pool.wait_ready()
        try:
            return await make(pool)
        finally:
            pool.close()

    return asyncio.run(main())


async def outcomes(pool: WorkerPool, jobs: list[Job]) -> list[Any]:
    """Each job's result, or ("LayoutError", message), gathered concurrently."""

    async def one(job: Job) -> Any:
        try:
            return await pool.run(job.function, *job.args)
        except LayoutError as exc:
            return ("LayoutError", str(exc))

    return list(await asyncio.gather(*(one(job) for job in jobs)))


def fixture_jobs() -> list[Job]:
    jobs: list[Job] = []
    for extract, name in ((extract_article, "articles"), (extract_listing, "listings")):
        for fixture in fixtures(name):
            body = fixture.html.encode("utf-8")
            jobs.append(Job(extract, (body, "text/html; charset=UTF-8", fixture.url), {}))
    url = "http://127.0.0.1:1/news/broken"
    jobs += [Job(extract_article, (body, None, url), {}) for body in BROKEN]
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
    job = Job(extract_article, (fixture.html.encode("utf-8"), None, fixture.url), {})

    async def scenario(pool: WorkerPool) -> list[str]:
        seen = []
        for _ in range(MAX_RESTARTS + 1):
            await pool.wait_ready()
            worker = pool._procs[0]
            worker.process.kill()
            worker.process.wait()
            with pytest.raises(WorkerCrashed):
                await pool.run(job.function, *job.args)
            seen.append(type(await pool.run(job.function, *job.args)).__name__)  # parses
        return seen

    seen = run_async(scenario, 1)
    assert seen == ["ArticleContent"] * (MAX_RESTARTS + 1)
    died = [r for r in caplog.records if "worker process died" in r.getMessage()]
    assert len(died) == MAX_RESTARTS + 1
    assert all(r.levelname == "WARNING" for r in died)
    assert "every job runs in this process from now on" in died[-1].getMessage()


def test_the_worker_loop_answers_results_and_exceptions_with_their_traceback() -> None:
    """``serve`` (the worker's loop): READY, then one answer per job, in order; a job's
    exception comes back itself, with the worker's traceback."""
    jobs = [
        Job(extract_article, (b"<html></html>", None, "http://x/a"), {}),
        Job(int, ("12",), {}),
        Job(int, ("nonesuch",), {}),
    ]
    answers = io.BytesIO()
    serve(io.BytesIO(b"".join(frame(job) for job in jobs)), answers)
    answers.seek(0)
    messages = [read_frame(answers) for _ in range(4)]
    assert messages[0] == READY
    assert isinstance(messages[1].error, LayoutError) and messages[1].failed
    assert messages[2] == Answer(12)
    assert isinstance(messages[3].error, ValueError)
    assert "invalid literal for int()" in (messages[3].trace or "")
    with pytest.raises(EOFError):
        read_frame(answers)


class Unpicklable(Exception):
    """An exception holding a lock: it cannot travel back from a worker."""

    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = __import__("threading").Lock()


def raise_unpicklable() -> None:
    raise Unpicklable


def test_a_job_exception_is_raised_in_the_caller_with_the_worker_traceback() -> None:
    async def scenario(pool: WorkerPool) -> tuple[BaseException, BaseException]:
        with pytest.raises(LayoutError) as layout:
            await pool.run(extract_article, b"<html></html>", None, "http://x/a")
        with pytest.raises(WorkerError) as unpicklable:
            await pool.run(raise_unpicklable)
        return layout.value, unpicklable.value

    layout, unpicklable = run_async(scenario, 1)
    assert any("in worker process" in note for note in getattr(layout, "__notes__", []))
    assert "Unpicklable: holds a lock" in str(unpicklable)


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


@pytest.mark.e2e
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
    assert get_workers(old).workers == 2
    assert "ARCHIVE_PARSE_WORKERS is now called ARCHIVE_WORKERS" in caplog.text
    both = get_crawler(Spider, {"ARCHIVE_PARSE_WORKERS": 2, "ARCHIVE_WORKERS": 3})
    assert get_workers(both).workers == 3  # the new name wins at the same priority
    assert get_workers(get_crawler(Spider, {"ARCHIVE_WORKERS": 1})).workers == 1
