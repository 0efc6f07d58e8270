"""Running the real crawl (``scrapy crawl archive``) in a subprocess against a replica."""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archiver.demo import crawl_command, scrapy_env

CRAWL_TIMEOUT = 600  # seconds: far above a replica crawl (~10 s); a hang fails, never blocks


@dataclass
class CrawlResult:
    returncode: int
    log: str


def run_crawl(base_url: str, output: Path, *args: str, **settings: str) -> CrawlResult:
    """Crawl the replica at ``base_url`` into ``output``; the log goes to output/../crawl.log."""
    command = crawl_command(base_url, output, LOG_LEVEL="INFO", **settings) + list(args)
    result = subprocess.run(
        command,
        check=False,
        env=scrapy_env(),
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
    )
    log = result.stdout + result.stderr
    (output.parent / f"{output.name}-crawl.log").write_text(log, encoding="utf-8")
    return CrawlResult(result.returncode, log)


def request_counts(requests: list[dict[str, object]]) -> Counter[str]:
    """GET requests per path (query kept) from a replica's request log."""
    counts: Counter[str] = Counter()
    for entry in requests:
        if entry.get("method") == "GET":
            counts[str(entry["path"])] += 1
    return counts


def path_of(url: str) -> str:
    return urlsplit(url).path
