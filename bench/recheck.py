"""``python -m bench.recheck [--articles N] [--pad-kb K] [--photo-bpp B] [--html-only]``:
what a re-check of unchanged pages writes.

A first crawl of an N-article replica (the replica's own server: no ETag or Last-Modified,
so every re-check gets the whole page back with a 200 and the payload digests decide),
then ``archiver crawl --recheck`` of every archived page and requisite
(``ARCHIVE_RECHECK_MIN_AGE=0``, no caps). Nothing changed, so each answer is a revisit
record; the target is a re-check writing at most 5% of the first crawl's WARC bytes.

A re-check writes about the same bytes per URL whatever its size (a request record and a
headers-only revisit), so the ratio falls as what was captured grows. The replica's pages
and images are small: article pages ~15 KB (the real site's ~47 KB), every photograph the
same 160-byte JPEG. ``--pad-kb K`` adds K KB of text-like markup (a comment of seeded
random words, as compressible as prose) to every article page; ``--photo-bpp B`` makes
every uploaded photograph ``width x height x B`` bytes (from its WordPress size suffix,
``-300x200``; 1080x675 without one), the added bytes random as JPEG data is: B = 0.2 is a
photograph at JPEG quality ~80. ``--html-only`` crawls and re-checks no requisites.
Results in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from archiver.demo import MIRROR_SETTINGS, scrapy_env
from replica import ReplicaServer, Response, build_site
from replica.server import Fault

TARGET = 0.05  # the re-check's WARC bytes over the first crawl's
_LETTERS = "etaoinshrdlucmfwypvbgkjqxz"
# 2,000 pseudo-words of 2-10 letters: padding about as compressible as prose (~3.5x).
WORDS = ["".join(random.Random(n).choices(_LETTERS, k=2 + n % 9)) for n in range(2000)]
TIMEOUT = 3600
PHOTO = re.compile(r"^/wp-content/uploads/\d{4}/\d{2}/photo-\d+(?:-(\d+)x(\d+))?\.jpg$")
FULL_SIZE = (1080, 675)  # an upload without a size suffix: the theme's largest


def crawl(base_url: str, output: Path, *args: str, **settings: str) -> float:
    """Run ``archiver crawl`` (``args``: e.g. ``--recheck``); its wall time in seconds."""
    command = [sys.executable, "-m", "archiver.cli", "crawl", "--output", str(output)]
    command += ["--base-url", base_url, *args]
    for name, value in {**MIRROR_SETTINGS, "LOG_LEVEL": "WARNING", **settings}.items():
        command += ["-s", f"{name}={value}"]
    started = time.monotonic()
    result = subprocess.run(
        command, check=False, env=scrapy_env(), capture_output=True, timeout=TIMEOUT
    )
    if result.returncode != 0:
        raise SystemExit(f"crawl failed ({result.returncode}): {result.stderr[-2000:]!r}")
    return time.monotonic() - started


def warc_bytes(output: Path) -> dict[str, int]:
    return {path.name: path.stat().st_size for path in (output / "warc").glob("*.warc.gz")}


def last_report(output: Path) -> dict[str, Any]:
    latest = max((output / "reports").glob("*.json"), key=lambda path: path.stat().st_mtime)
    result: dict[str, Any] = json.loads(latest.read_text(encoding="utf-8"))
    return result


def padded(kb: int) -> Any:
    """A fault adding ``kb`` KB of seeded words (the same bytes on every request of a path)
    before ``</body>``: the page grows, its parse and its payload digest stay stable."""

    def pad(handler: BaseHTTPRequestHandler, response: Response) -> Response:
        rng = random.Random(zlib.crc32(handler.path.encode()))
        words: list[str] = []
        size = 0
        while size < kb * 1024:
            words.append(rng.choice(WORDS))
            size += len(words[-1]) + 1
        body = response.body.replace(b"</body>", f"<!-- {' '.join(words)} --></body>".encode())
        return Response(response.status, body, response.content_type, response.headers)

    return pad


def photo_sized(bytes_per_pixel: float) -> Fault:
    """A fault making a photograph as large as a JPEG of its size suffix's pixels: a COM
    segment of seeded random bytes (incompressible, as JPEG data is) after its start."""

    def grow(handler: BaseHTTPRequestHandler, response: Response) -> Response:
        path = handler.path.split("?", 1)[0]
        match = PHOTO.match(path)
        if response.status != 200 or match is None:
            return response
        width, height = (int(n) for n in match.groups()) if match[1] else FULL_SIZE
        size = int(width * height * bytes_per_pixel)
        rng = random.Random(zlib.crc32(path.encode()))
        chunks = []
        while size > 0:  # COM segments hold at most 65,533 bytes each
            part = min(size, 65_533)
            chunks.append(b"\xff\xfe" + (part + 2).to_bytes(2, "big") + rng.randbytes(part))
            size -= part
        body = response.body[:2] + b"".join(chunks) + response.body[2:]
        return Response(response.status, body, response.content_type, response.headers)

    return grow


class PhotoFaults(dict[str, Fault]):
    """The server's faults, and ``photo`` for every uploaded photograph's path."""

    def __init__(self, faults: dict[str, Fault], photo: Fault) -> None:
        super().__init__(faults)
        self.photo = photo

    def get(self, path: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(path) or (self.photo if PHOTO.match(path) else default)


def measure(
    articles: int, work: Path, pad_kb: int = 0, photo_bpp: float = 0, html_only: bool = False
) -> dict[str, Any]:
    output = work / "output"
    site = build_site(0, articles)
    faults = {article.path: padded(pad_kb) for article in site.articles} if pad_kb else {}
    settings = {"ARCHIVE_REQUISITES_ENABLED": "False"} if html_only else {}
    with ReplicaServer(site, faults=faults) as server:
        if photo_bpp:
            server.faults = PhotoFaults(server.faults, photo_sized(photo_bpp))
        crawl_seconds = crawl(server.base_url, output, **settings)
        before = warc_bytes(output)
        recheck_seconds = crawl(
            server.base_url,
            output,
            "--recheck",
            ARCHIVE_RECHECK_MIN_AGE="0",
            ARCHIVE_RECHECK_MAX_PAGES="0",
            ARCHIVE_RECHECK_MAX_REQUISITES="0",
            **settings,
        )
    after = warc_bytes(output)
    first, added = sum(before.values()), sum(after.values()) - sum(before.values())
    section = last_report(output)["recheck"]
    counts = {**section["counts"], "requisites": section["requisites"]["counts"]}
    return {
        "articles": articles,
        "pad_kb": pad_kb,
        "photo_bpp": photo_bpp,
        "html_only": html_only,
        "first_crawl_warc_bytes": first,
        "first_crawl_seconds": round(crawl_seconds, 1),
        "recheck_warc_bytes": added,
        "recheck_seconds": round(recheck_seconds, 1),
        "ratio": round(added / first, 4),
        "target": TARGET,
        "recheck_counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recheck", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000, help="replica size (1000)")
    parser.add_argument("--pad-kb", type=int, default=0, help="KB added to each article page")
    parser.add_argument(
        "--photo-bpp", type=float, default=0, help="photograph bytes per pixel (0: as served)"
    )
    parser.add_argument("--html-only", action="store_true", help="no requisites")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="archiver-bench-recheck-") as tmp:
        result = measure(args.articles, Path(tmp), args.pad_kb, args.photo_bpp, args.html_only)
    print(json.dumps(result, indent=2))
    pages, requisites = result["recheck_counts"], result["recheck_counts"]["requisites"]
    pages_unchanged = pages.get("unchanged", 0) == args.articles
    requisites_unchanged = requisites.get("unchanged", 0) == requisites.get("selected", 0)
    return 0 if result["ratio"] <= TARGET and pages_unchanged and requisites_unchanged else 1


if __name__ == "__main__":
    raise SystemExit(main())
