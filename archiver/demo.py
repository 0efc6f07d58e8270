"""``archiver demo``: serve the bundled replica, crawl it with ``scrapy crawl archive``, stop
the replica and show what was archived. Offline: everything stays on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from archiver.jsonl import iter_records
from archiver.layout import OutputLayout
from replica import ReplicaServer, build_site

# A replica on loopback is no public site: no delay, more concurrency. The real site keeps
# the polite defaults of archiver/settings.py.
MIRROR_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    # Scrapy (>= 2.13, asyncio reactor) starts CONCURRENT_ITEMS worker tasks (default 100) for
    # every response's callback output (scrapy.utils.asyncio._parallel_asyncio), whether it
    # yields one item or none: ~15% of a loopback crawl's CPU. The pipelines are synchronous,
    # so one worker does the same work in the same order. A framework setting, no archival
    # one: the bench gives it to bare Scrapy too.
    "CONCURRENT_ITEMS": "1",
    # Pages parsed and WARC records encoded in a worker process (archiver.pool) while the
    # reactor fetches, appends and stores: a loopback crawl is CPU-bound, and there is a
    # second core.
    "ARCHIVE_WORKERS": "1",
}


def crawl_command(base_url: str, output: Path, **settings: str) -> list[str]:
    """The ``scrapy crawl archive`` command line for a mirror at ``base_url``."""
    command = [sys.executable, "-m", "scrapy", "crawl", "archive", "-a", f"base_url={base_url}"]
    for name, value in {**MIRROR_SETTINGS, "ARCHIVE_OUTPUT_DIR": str(output), **settings}.items():
        command += ["-s", f"{name}={value}"]
    return command


def scrapy_env() -> dict[str, str]:
    """The environment for a ``scrapy`` subprocess: the project's settings wherever it runs."""
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "archiver.settings"}


# A fixed address: an archive's identity (its URLs) includes the host and port, so a second
# demo on the same output is incremental only if the replica comes back where it was.
DEMO_PORT = 8765


def run_demo(output: Path, *, seed: int = 0, port: int = DEMO_PORT) -> int:
    site = build_site(seed=seed)
    try:
        server = ReplicaServer(site, port=port).start()
    except OSError as exc:
        print(
            f"archiver demo: cannot serve the replica on 127.0.0.1:{port} ({exc}): "
            "pass a free port with --port"
        )
        return 2
    with server:
        print(f"Replica of the archive serving at {server.base_url}", flush=True)
        command = crawl_command(server.base_url, output)
        print("Crawling:", " ".join(command), flush=True)
        returncode = subprocess.call(command, env=scrapy_env())
    print("Replica stopped.")
    summarize(output)
    return returncode


def summarize(output: Path) -> None:
    """Print the archive's files and one record, as a newcomer would want to see them."""
    warcs = sorted(OutputLayout(output).warc.glob("*.warc.gz"))
    records = list(iter_records(OutputLayout(output).jsonl))
    print(f"\nArchived under {output}/:")
    for path in warcs:
        print(f"  warc/{path.name}  {path.stat().st_size:,} bytes")
    for path in sorted(OutputLayout(output).jsonl.glob("*.jsonl")):
        print(f"  jsonl/{path.name}")
    print(f"{len(records)} article records in jsonl/, {len(warcs)} WARC file(s) in warc/")
    if records:
        sample = {k: v for k, v in records[0].items() if k != "text"}
        sample["text"] = records[0]["text"][:200] + "…"
        print("One record (text shortened):")
        print(json.dumps(sample, indent=2, ensure_ascii=False))
