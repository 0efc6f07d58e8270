"""The fault tests' harness: run ``archiver crawl`` (exit codes) in a subprocess against a
replica that injects faults, then make the checks every fault test makes of its output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.demo import MIRROR_SETTINGS, scrapy_env
from replica import ReplicaServer
from tests.archive_checks import WarcSummary, check_pointer, check_warcs, read_jsonl
from tests.crawling import request_counts

TIMEOUT = 300  # seconds: far above any fault test's crawl; a hang fails, never blocks


@dataclass
class FaultRun:
    """One finished crawl and what it left."""

    code: int
    log: str
    output: Path
    records: list[dict[str, Any]]
    warcs: WarcSummary
    report: dict[str, Any]
    peak_rss_mb: float  # the crawl process's own peak resident memory (VmHWM)
    requests: list[dict[str, Any]] = field(default_factory=list)  # the server's, this run

    def fetched(self, path: str) -> int:
        """GET requests the server saw for ``path`` (query kept) during this run."""
        return request_counts(self.requests)[path]

    def failed_urls(self) -> dict[str, dict[str, Any]]:
        """The run report's failed pages, by URL."""
        return {entry["url"]: entry for entry in self.report.get("failed", [])}


def crawl(server: ReplicaServer, output: Path, *args: str, **settings: str) -> FaultRun:
    """Crawl ``server`` into ``output`` with ``archiver crawl [args]``; check what it left:
    every closed WARC decompresses to the end and passes ``warcio check``, its requests and
    responses pair, every JSONL line parses, every record's pointer opens its capture."""
    server.clear_requests()
    command = [sys.executable, "-m", "archiver.cli", "crawl", "--output", str(output)]
    command += ["--base-url", server.base_url, *args]
    for name, value in {**MIRROR_SETTINGS, "LOG_LEVEL": "INFO", **settings}.items():
        command += ["-s", f"{name}={value}"]
    log, code, peak_kib = _run(command)
    (output.parent / f"{output.name}-crawl.log").write_text(log, encoding="utf-8")
    records = read_jsonl(output) if (output / "jsonl").is_dir() else []
    warcs = check_warcs(output)
    for record in records:
        check_pointer(output, record)
    return FaultRun(
        code=code,
        peak_rss_mb=peak_kib / 1024,
        log=log,
        output=output,
        records=records,
        warcs=warcs,
        report=_last_report(output),
        requests=server.requests,
    )


def _run(command: list[str]) -> tuple[str, int, int]:
    """Run the crawl; its log (stdout and stderr), exit code and peak RSS in KiB.

    The peak is the crawl's ``VmHWM`` (its own high-water mark), read while it runs: the
    ``ru_maxrss`` of a child started with vfork also counts the parent's peak (pytest's)."""
    peak = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        process = subprocess.Popen(command, env=scrapy_env(), stdout=out, stderr=out, text=True)
        deadline = time.monotonic() + TIMEOUT
        while True:  # bounded: TIMEOUT, then the crawl is killed and the test fails
            peak = max(peak, _high_water_kib(process.pid))
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise TimeoutError(f"crawl still running after {TIMEOUT} s: {command}")
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return out.read(), process.returncode, peak


def _high_water_kib(pid: int) -> int:
    """``VmHWM`` of a running process, in KiB; 0 once it has exited (a zombie has none)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _last_report(output: Path) -> dict[str, Any]:
    paths = sorted((output / "reports").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(paths[-1].read_text(encoding="utf-8")) if paths else {}
