"""Profile one full crawl with py-spy (sampling, subprocesses included) and name the top costs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from archiver.demo import crawl_command, scrapy_env

PROFILE_TIMEOUT = 1800
TOP = 15


def py_spy() -> str | None:
    """py-spy next to this interpreter, or on PATH, installing it with pip if missing."""
    local = Path(sys.executable).with_name("py-spy")
    if local.exists():
        return str(local)
    found = shutil.which("py-spy")
    if found:
        return found
    command = [sys.executable, "-m", "pip", "install", "--quiet", "py-spy"]
    subprocess.run(command, timeout=600, check=False)
    return str(local) if local.exists() else None


def record(base_url: str, output: Path, raw: Path) -> bool:
    """Sample a full crawl into ``raw`` (collapsed stacks, one ``stack count`` a line)."""
    spy = py_spy()
    if spy is None:
        print("py-spy unavailable: no profile", flush=True)
        return False
    command = [spy, "record", "--format", "raw", "--rate", "200", "--subprocesses"]
    command += ["--output", str(raw), "--", *crawl_command(base_url, output)]
    result = subprocess.run(
        command, env=scrapy_env(), capture_output=True, timeout=PROFILE_TIMEOUT, check=False
    )
    return result.returncode == 0 and raw.exists()


def _stacks(raw: Path) -> Counter[tuple[str, ...]]:
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


BUCKETS = {
    "startup (imports)": ("<frozen importlib",),
    "article/listing parsing (archiver/parsers)": ("archiver/parsers/",),
    "WARC capture (archiver/capture)": ("archiver/capture/",),
    "gzip/zlib": ("gzip.py", "zlib"),
    "pipelines, JSONL, state": ("archiver/pipelines.py", "archiver/jsonl.py", "archiver/state.py"),
    "schema validation (jsonschema)": ("jsonschema/",),
    "BeautifulSoup": ("bs4/",),
    "lxml": ("lxml",),
}


def summarize(raw: Path) -> dict[str, object]:
    """Shares of all samples: top functions by own samples, archiver's functions inclusive,
    and coarse buckets (a sample counts in a bucket when any frame of its stack matches)."""
    stacks = _stacks(raw)
    total = sum(stacks.values()) or 1
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    for stack, count in stacks.items():
        if stack:
            own[stack[-1]] += count
        for frame in set(stack):
            inclusive[frame] += count
        for bucket, needles in BUCKETS.items():
            if any(needle in frame for frame in stack for needle in needles):
                buckets[bucket] += count

    def share(pairs: list[tuple[str, int]]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in pairs]

    ours = [(name, n) for name, n in inclusive.most_common() if "archiver/" in name]
    return {
        "samples": total,
        "buckets_percent": share(buckets.most_common()),
        "own_percent": share(own.most_common(TOP)),
        "archiver_inclusive_percent": share(ours[:TOP]),
    }
