"""``python -m bench.export [--records N]``: ``archiver export`` speed and peak memory.

A synthetic dataset of N schema-1 records (default 100,000) is written as JSONL: the
replica's ground-truth records, each copied under new URLs and spread over 2005-2017, with
capture fields like a crawl's. ``archiver export`` then runs once per format in a
subprocess, timed, its peak RSS polled from /proc (``bench.runs.timed``). The figures go
to stdout as JSON (BENCHMARKS.md, "Export", records them).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from archiver.items import SCHEMA_VERSION
from bench.runs import timed
from replica import absolutize, build_site

FILES = 4  # JSONL files, as several runs leave them


def synthetic_records(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """``count`` valid records: the replica's truth, re-dated and re-addressed."""
    rng = random.Random(seed)
    base = [absolutize(t, "https://eng-archive.aawsat.com") for t in build_site(seed=0).truth()]
    records = []
    for number in range(count):
        record = dict(base[number % len(base)])
        year = 2005 + number % 13
        record["url"] = f"{record['url']}-{number}"
        record["published"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        records.append({"schema_version": SCHEMA_VERSION, **record, **_capture(number)})
    return records


def _capture(number: int) -> dict[str, Any]:
    return {
        "fetched_at": f"2026-11-25T03:{number // 3600 % 60:02d}:{number % 60:02d}Z",
        "warc": {
            "filename": f"ARCHIVER-20261125034538778-{number // 5000:05d}-be1763e7.warc.gz",
            "offset": number * 5000,
            "length": 5000,
            "record_id": f"<urn:uuid:047f29aa-5d57-4030-b973-{number:012x}>",
        },
        "payload_digest": "sha1:RDI5IESFYHTC6VK3SG7FQGJ53AG4UFYK",
        "parser": "divi-article/1.0",
        "version": 1,
        "supersedes": None,
    }


def write_dataset(output: Path, count: int) -> int:
    """Write the synthetic JSONL under ``output/jsonl``; its size in bytes."""
    directory = output / "jsonl"
    directory.mkdir(parents=True)
    records = synthetic_records(count)
    size = 0
    for part in range(FILES):
        path = directory / f"ARCHIVER-2026112503453877{part}-bench.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in records[part::FILES]:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        size += path.stat().st_size
    return size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"records": args.records}
    with tempfile.TemporaryDirectory(prefix="archiver-bench-export-") as tmp:
        output = Path(tmp) / "output"
        results["jsonl_mb"] = round(write_dataset(output, args.records) / 1e6, 1)
        for fmt in ("parquet", "csv"):
            command = [sys.executable, "-m", "archiver.cli", "export", str(output)]
            command += ["--format", fmt]
            run = timed(
                command, env={"PATH": "/usr/bin:/bin"}, cwd=Path.cwd(), log=Path(tmp) / f"{fmt}.log"
            )
            results[fmt] = {
                "seconds": round(run.seconds, 2),
                "records_per_s": round(args.records / run.seconds),
                "peak_rss_mb": round(run.max_rss_mb, 1),
                "returncode": run.returncode,
            }
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
