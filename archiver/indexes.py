"""CDXJ indexes of the closed WARC files: one per file, and one merged across them.

The lines are cdxj-indexer's (the indexer pywb and py-wacz use): a SURT key, the 14-digit
capture time, then JSON with url, mime, status, digest, length, offset and filename, one line
per response record, sorted as plain text. ``offset``/``length`` are those of the record's
gzip member, the very numbers a JSONL record's ``warc`` pointer carries.

| path | what |
|---|---|
| ``indexes/NAME.cdxj`` | the index of ``warc/NAME.warc.gz``, written once the file is closed |
| ``indexes/index.cdxj`` | every per-file index merged, what pywb and the WACZ read |

Every index is written as ``NAME.PID.open`` and renamed, so a reader never sees half of one.
Pure: no Scrapy; the crawl calls it from ``archiver.extensions.indexing``, ``archiver index``
directly.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from archiver.capture.naming import WARC_SUFFIX
from archiver.files import OPEN_SUFFIX, published
from archiver.layout import OutputLayout

logger = logging.getLogger(__name__)

INDEX_SUFFIX = ".cdxj"
MERGED_NAME = "index.cdxj"
REVISIT_MIME = "warc/revisit"  # the "mime" of a revisit record's line (cdxj-indexer's)
# Lines sorted in memory before cdxj-indexer spills a sorted run to a temporary file: bounds
# what indexing a 1 GB WARC costs the crawl that closed it.
SORT_BUFFER_BYTES = 8 * 1024 * 1024


def index_path(indexes: Path, warc: Path) -> Path:
    """Where the index of one WARC file lives."""
    return indexes / (warc.name.removesuffix(WARC_SUFFIX) + INDEX_SUFFIX)


def closed_warcs(warc_dir: Path) -> list[Path]:
    """The closed WARC files, in name (and so time) order."""
    return sorted(warc_dir.glob(f"*{WARC_SUFFIX}")) if warc_dir.is_dir() else []


def index_warc(warc: Path, indexes: Path) -> Path:
    """Write the sorted CDXJ index of one closed WARC file; return its path."""
    # Imported here: cdxj-indexer brings surt, tldextract and requests (~0.2 s), which a
    # crawl's start-up need not wait for.
    from cdxj_indexer.main import CDXJIndexer  # noqa: PLC0415

    target = index_path(indexes, warc)
    with _atomic_text(target) as out:
        CDXJIndexer(out, [str(warc)], sort=True, max_sort_buff_size=SORT_BUFFER_BYTES).process_all()
    logger.info("Indexed %s in %s", warc.name, target)
    return target


def merged_lines(index_files: Iterable[Path]) -> Iterator[str]:
    """The lines of sorted index files, merged in order, streamed (a line at a time)."""
    with ExitStack() as stack:
        sources = [stack.enter_context(path.open(encoding="utf-8")) for path in index_files]
        yield from heapq.merge(*sources)


def index_lines(index_files: Iterable[Path]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(SURT key, 14-digit timestamp, JSON fields) of every line of these CDXJ files."""
    for path in index_files:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                key, stamp, rest = line.split(" ", 2)
                yield key, stamp, json.loads(rest)


def merge_indexes(indexes: Path, index_files: Iterable[Path]) -> Path:
    """Write ``index.cdxj``: the given per-file indexes merged."""
    target = indexes / MERGED_NAME
    with _atomic_text(target) as out:
        out.writelines(merged_lines(index_files))
    return target


def remove_leftovers(indexes: Path) -> list[Path]:
    """Delete the ``.open`` indexes a killed process left (call only holding the output)."""
    leftovers = sorted(indexes.glob(f"*{OPEN_SUFFIX}")) if indexes.is_dir() else []
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


@dataclass(slots=True)
class IndexReport:
    """What ``ensure_indexes`` found and did."""

    built: list[Path] = field(default_factory=list)  # per-file indexes written
    indexes: list[Path] = field(default_factory=list)  # the per-file index of every closed WARC
    merged: Path | None = None  # None: no closed WARC, nothing to merge
    open_files: list[Path] = field(default_factory=list)  # WARCs still .open: not indexed


def ensure_indexes(layout: OutputLayout, *, rebuild: bool = False) -> IndexReport:
    """Index every closed WARC lacking an index (every one with ``rebuild``), then merge."""
    report = IndexReport(open_files=sorted(layout.warc.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")))
    for warc in closed_warcs(layout.warc):
        path = index_path(layout.indexes, warc)
        if rebuild or not _is_newer(path, warc):
            report.built.append(index_warc(warc, layout.indexes))
        report.indexes.append(path)
    merged = layout.indexes / MERGED_NAME
    if report.indexes:
        stale = rebuild or any(not _is_newer(merged, path) for path in report.indexes)
        report.merged = merge_indexes(layout.indexes, report.indexes) if stale else merged
    return report


def _is_newer(derived: Path, source: Path) -> bool:
    # A WARC is renamed when closed and never written again: an index at least as recent is
    # its index (one older is that of a file repaired since); the same for the merged index.
    try:
        return derived.stat().st_mtime >= source.stat().st_mtime
    except FileNotFoundError:
        return False


@contextmanager
def _atomic_text(target: Path) -> Iterator[TextIO]:
    """Write a text file as ``NAME.open``; fsync and rename it to NAME once whole."""
    # The pid keeps two processes (a crawl ending, an `archiver wacz` beside it) from
    # writing the same partial file.
    partial = target.with_name(f"{target.name}.{os.getpid()}{OPEN_SUFFIX}")
    with (
        published(target, partial=partial) as written,
        written.open("w", encoding="utf-8", newline="\n") as out,
    ):
        yield out
