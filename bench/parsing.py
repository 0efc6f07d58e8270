"""Re-parse of the crawl's WARCs (``archiver.reparse``) against trafilatura on the same pages."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.layout import OutputLayout
from archiver.reparse import reparse
from archiver.urls import PageKind, canonical_url, page_kind

PIP_TIMEOUT = 600


def reparse_rate(
    output: Path, destination: Path, workers: int | None = None
) -> tuple[float, int, float]:
    """(articles/s, records, seconds) of ``reparse(output, destination, workers=workers)``
    (None: ``archiver reparse``'s default, one worker process per CPU), WARC reading included."""
    start = time.perf_counter()
    report = reparse(output, destination, workers=workers)
    seconds = time.perf_counter() - start
    return report.records / seconds, report.records, seconds


def article_bodies(output: Path) -> list[str]:
    """The decoded HTML of every article response (HTTP 200) in ``output/warc``."""
    bodies: list[str] = []
    for path in sorted(OutputLayout(output).warc.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = canonical_url(record.rec_headers.get_header("WARC-Target-URI"))
                if page_kind(url) is not PageKind.ARTICLE:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                # content_stream() undoes Content-Encoding; the replica's pages are UTF-8.
                bodies.append(record.content_stream().read().decode("utf-8", "replace"))
    return bodies


def load_trafilatura(*, install: bool = True) -> Callable[[str], str | None] | None:
    """``trafilatura.extract``, pip-installing trafilatura into this venv if it is missing."""
    try:
        module = importlib.import_module("trafilatura")
    except ImportError:
        if not install:
            return None
        command = [sys.executable, "-m", "pip", "install", "--quiet", "trafilatura"]
        if subprocess.run(command, timeout=PIP_TIMEOUT, check=False).returncode != 0:
            return None
        importlib.invalidate_caches()
        module = importlib.import_module("trafilatura")
    extract: Callable[[str], str | None] = module.extract
    return extract


def trafilatura_version() -> str:
    """The installed trafilatura's version."""
    try:
        return version("trafilatura")
    except PackageNotFoundError:
        return "not installed"


def trafilatura_rate(extract: Callable[[str], str | None], bodies: list[str]) -> float:
    """Articles/s of ``extract`` over already decoded ``bodies`` (no WARC reading timed)."""
    start = time.perf_counter()
    extracted = sum(1 for body in bodies if extract(body))
    seconds = time.perf_counter() - start
    if extracted < len(bodies):
        print(f"  trafilatura extracted text from {extracted}/{len(bodies)} pages", flush=True)
    return len(bodies) / seconds if seconds else 0.0
