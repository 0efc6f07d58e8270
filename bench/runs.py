"""One timed run of each contender, in a subprocess, with its wall time and peak memory."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.demo import MIRROR_SETTINGS, crawl_command, scrapy_env
from archiver.layout import OutputLayout
from archiver.urls import PageKind, canonical_url, page_kind

RUN_TIMEOUT = 1800.0  # seconds a single crawl may take before the bench gives up
# pages = HTTP 200 responses, for every contender (wget also asks for images that 404)
_RESPONSE_COUNT = re.compile(r"'downloader/response_status_count/200': (\d+)")
_BARE_ARTICLES = re.compile(r"'bare/articles': (\d+)")
# wget follows every link; query variants (share buttons) of a page it already has are
# skipped, as the archival crawl's canonical URLs skip them. Files go flat (-nd): the site's
# /x and /x/page/2 cannot both be saved in a directory tree.
WGET_OPTIONS = ["--mirror", "--no-verbose", "--no-directories", "--reject-regex", r"[?]"]
BARE_SPIDER = Path(__file__).with_name("bare_spider.py")


@dataclass
class Run:
    """A finished contender run. ``max_rss_mb``: the process's peak plus its child processes'
    (the crawl's worker processes); ``own_rss_mb``: the process's alone."""

    contender: str
    seconds: float
    pages: int
    articles: int
    max_rss_mb: float
    returncode: int
    own_rss_mb: float = 0.0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "pages_per_s": round(self.pages_per_s, 1)}


@dataclass
class Timed:
    seconds: float
    max_rss_mb: float  # the process's peak plus each child process's peak
    returncode: int
    own_rss_mb: float  # the process's peak alone


def peak_rss_mb(pid: int) -> float:
    """``VmHWM`` (peak RSS of the process's own address space, after exec) in MB, or 0."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def child_pids(pid: int) -> set[int]:
    """The process's children now (``/proc/PID/task/*/children``; empty where unsupported)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):  # the task or child ended meanwhile
            found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def timed(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> Timed:
    """Run ``command``: wall time and peak RSS, killed past the timeout.

    The peak is ``VmHWM`` polled from /proc every 20 ms, not ``wait4``'s ``ru_maxrss``: Linux
    carries the high-water mark of the pre-exec (forked) image into ``ru_maxrss``, so a child
    of a bench process holding a 20,000-article site would report the bench's own RSS. The
    children's peaks (the crawl's worker processes) are added: an upper bound of the whole
    crawl's peak, as the peaks need not coincide.
    """
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=out)
        deadline = time.monotonic() + RUN_TIMEOUT
        peak = 0.0
        children: dict[int, float] = {}
        while True:
            peak = max(peak, peak_rss_mb(process.pid))
            for child in child_pids(process.pid):
                children[child] = max(children.get(child, 0.0), peak_rss_mb(child))
            pid, status, _usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, _usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not reap it again
    return Timed(seconds, peak + sum(children.values()), process.returncode, peak)


def stat(log: Path, pattern: re.Pattern[str] = _RESPONSE_COUNT) -> int:
    """A counter from a Scrapy log's stats dump (default: HTTP 200 responses)."""
    match = pattern.search(log.read_text(errors="replace"))
    return int(match.group(1)) if match else 0


def warc_responses(warcs: list[Path]) -> tuple[int, int]:
    """(HTTP 200 response records, distinct article URLs among them) in ``warcs``."""
    responses = 0
    articles: set[str] = set()
    for path in warcs:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response":
                    continue
                if not record.http_headers or record.http_headers.get_statuscode() != "200":
                    continue
                responses += 1
                url = canonical_url(record.rec_headers.get_header("WARC-Target-URI"))
                if page_kind(url) is PageKind.ARTICLE:
                    articles.add(url)
    return responses, len(articles)


def jsonl_records(output: Path) -> int:
    """Lines that are JSON objects in ``output/jsonl/*.jsonl``."""
    count = 0
    for path in sorted(OutputLayout(output).jsonl.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            count += sum(1 for line in lines if line.strip() and json.loads(line))
    return count


def run_bare(base_url: str, work: Path) -> Run:
    """Bare Scrapy (``bench/bare_spider.py``) with the crawl's concurrency, nothing stored."""
    work.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER)]
    command += ["-a", f"base_url={base_url}"]
    framework = {k: v for k, v in MIRROR_SETTINGS.items() if not k.startswith("ARCHIVE_")}
    settings = {
        **framework,
        "ROBOTSTXT_OBEY": "True",
        "TELNETCONSOLE_ENABLED": "False",
        "LOG_LEVEL": "INFO",
    }
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    log = work / "bare.log"
    result = timed(command, env=env, cwd=work, log=log)
    pages, articles = stat(log), stat(log, _BARE_ARTICLES)
    return Run(
        "bare",
        result.seconds,
        pages,
        articles,
        result.max_rss_mb,
        result.returncode,
        result.own_rss_mb,
    )


def run_full(base_url: str, output: Path) -> Run:
    """The archival crawl into a fresh ``output``; ``articles`` = JSONL records written."""
    output.mkdir(parents=True, exist_ok=True)
    log = output.parent / f"{output.name}.log"
    cwd = Path(__file__).resolve().parent.parent
    result = timed(crawl_command(base_url, output), env=scrapy_env(), cwd=cwd, log=log)
    pages = stat(log)
    records = jsonl_records(output)
    return Run(
        "full",
        result.seconds,
        pages,
        records,
        result.max_rss_mb,
        result.returncode,
        result.own_rss_mb,
    )


def run_wget(wget: str, base_url: str, work: Path) -> Run:
    """``wget --mirror --warc-file`` (robots.txt obeyed); pages = WARC response records."""
    work.mkdir(parents=True, exist_ok=True)
    command = [wget, *WGET_OPTIONS, "--no-warc-keep-log", "-P", str(work / "files")]
    command += [f"--warc-file={work / 'wget'}", base_url + "/"]
    result = timed(command, env=dict(os.environ), cwd=work, log=work / "wget.log")
    pages, articles = warc_responses(sorted(work.glob("*.warc.gz")))
    return Run(
        "wget",
        result.seconds,
        pages,
        articles,
        result.max_rss_mb,
        result.returncode,
        result.own_rss_mb,
    )
