"""``python -m bench.packaging [--articles N]``: a WACZ written from an N-article archive,
its wall time and peak memory beside the crawl's that made the archive.

The crawl is the full archival crawl (a subprocess) of a replica served by the replica's
own threaded server in this process (the bench's fallback when nginx is missing); the
package is ``archiver wacz`` in a subprocess, its peak RSS polled from /proc like every
bench run (``bench.runs.timed``). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from archiver.demo import scrapy_env
from bench import runs, server
from replica import build_site


def measure(articles: int, tmp: Path) -> dict[str, object]:
    site = build_site(seed=0, articles=articles)
    with server.Fallback(site, server.free_port()) as served:
        crawl = runs.run_full(served.base_url, tmp / "output")
    package = tmp / "archive.wacz"
    command = [
        sys.executable,
        "-m",
        "archiver.cli",
        "wacz",
        str(tmp / "output"),
        "-o",
        str(package),
    ]
    cwd = Path(__file__).resolve().parent.parent
    wacz = runs.timed(command, env=scrapy_env(), cwd=cwd, log=tmp / "wacz.log")
    warc_bytes = sum(p.stat().st_size for p in (tmp / "output" / "warc").glob("*.warc.gz"))
    return {
        "articles": crawl.articles,
        "warc_bytes": warc_bytes,
        "wacz_bytes": package.stat().st_size if package.exists() else 0,
        "crawl": {"seconds": round(crawl.seconds, 1), "max_rss_mb": round(crawl.max_rss_mb, 1)},
        "wacz": {
            "seconds": round(wacz.seconds, 1),
            "max_rss_mb": round(wacz.max_rss_mb, 1),
            "returncode": wacz.returncode,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.packaging", description=__doc__)
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-wacz-") as tmp:
        print(json.dumps(measure(args.articles, Path(tmp)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
