"""Package an output directory as WACZ 1.1.1: the one file an archivist hands on and opens.

A package holds ``archive/`` (the closed WARC files, stored as they are: never recompressed),
``indexes/index.cdx.gz`` with ``index.idx`` (the merged CDXJ in 300-line gzip blocks and the
index of those blocks, as py-wacz and Browsertrix write it: a replay tool reads only the
blocks it needs), ``pages/pages.jsonl`` and ``pages/extraPages.jsonl`` (``archiver.pages``),
``datapackage.json`` (every resource's sha256 and size) and ``datapackage-digest.json``.

Memory stays bounded whatever the archive's size: every entry is streamed into the ZIP in
1 MiB chunks and hashed on the way, the index lines are merged from the per-file indexes a
line at a time. Only whole files are packaged: ``.open`` WARCs a killed run left are repaired
first (``archiver.capture.recovery``), and any that cannot be (a running crawl's) are left
out and named. With ``max_size`` the WARCs are shared out among several packages, whole
files each (a file larger than ``max_size`` gets a package of its own); a package whose
re-check revisits refer to originals in an earlier one names it in ``relation.requires``
(``archiver.wacz_requires``), and ``NAME.json`` beside them lists them all: the multi-WACZ
collection ReplayWeb.page opens as one archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from archiver import __version__, indexes, pages, wacz_requires
from archiver.capture.recovery import repair_directory
from archiver.files import published, write_json_atomically
from archiver.layout import OutputLayout

logger = logging.getLogger(__name__)

WACZ_VERSION = "1.1.1"
CHUNK = 1 << 20
DEFAULT_NAME = "archive.wacz"
DEFAULT_TITLE = "ASHARQ AL-AWSAT English Archive 2005-2017"
SPOOL_BYTES = 8 << 20  # extra pages kept in memory up to this, then in a temporary file


class NoWarcs(ValueError):
    """The output directory holds no closed WARC file: there is nothing to package."""


@dataclass(frozen=True, slots=True)
class Resource:
    """One entry of the package as datapackage.json lists it."""

    path: str
    sha256: str
    size: int

    def as_json(self) -> dict[str, Any]:
        name = self.path.rsplit("/", 1)[-1].lower()
        return {
            "name": name,
            "path": self.path,
            "hash": f"sha256:{self.sha256}",
            "bytes": self.size,
        }


@dataclass(slots=True)
class WaczReport:
    """What ``write_wacz`` wrote and what it left out."""

    packages: list[Path] = field(default_factory=list)
    warcs: int = 0
    pages: int = 0
    extra_pages: int = 0
    left_out: list[Path] = field(default_factory=list)  # .open WARCs not packaged
    requires: dict[str, list[str]] = field(default_factory=dict)  # package → packages needed
    missing_originals: list[str] = field(default_factory=list)  # revisits' URLs, no original
    collection: Path | None = None  # split: the JSON that opens all the packages together


def write_wacz(
    root: Path,
    target: Path | None = None,
    *,
    max_size: int | None = None,
    title: str = DEFAULT_TITLE,
) -> WaczReport:
    """Package the output root ``root`` (default file: ``packages/archive.wacz``)."""
    layout = OutputLayout(Path(root))
    target = Path(target) if target else layout.packages / DEFAULT_NAME
    repair_directory(layout.warc)  # a killed run's .open files, unless a crawl holds them
    index_report = indexes.ensure_indexes(layout)
    warcs = indexes.closed_warcs(layout.warc)
    if not warcs:
        raise NoWarcs(
            f"{layout.warc} holds no closed WARC file (*.warc.gz): name the output root of a "
            f"crawl, or crawl into it first (archiver crawl --output {layout.root})"
        )
    report = WaczReport(left_out=index_report.open_files, warcs=len(warcs))
    parts = plan_parts(warcs, max_size)
    part_indexes = [[indexes.index_path(layout.indexes, warc) for warc in part] for part in parts]
    digests: list[str] = []  # of the packages written, when split (read back once each)
    for number, part in enumerate(parts):
        path = target if len(parts) == 1 else _numbered(target, number + 1)
        relation = _requirements(part_indexes[number], part_indexes[:number], path, report, digests)
        _write_package(layout, part, path, title, report, relation=relation)
        report.packages.append(path)
        if len(parts) > 1:
            digests.append(wacz_requires.sha256(path))
    if len(parts) > 1:
        collection = wacz_requires.collection(report.packages, digests, title)
        report.collection = write_json_atomically(target.with_suffix(".json"), collection)
    return report


def _requirements(
    part: list[Path], earlier: list[list[Path]], path: Path, report: WaczReport, digests: list[str]
) -> list[dict[str, str]]:
    """``relation.requires`` of one package: the earlier packages holding originals of its
    revisits. Revisits with no original anywhere are logged and reported."""
    needs = wacz_requires.needs(part, earlier)
    relation = [
        {"filename": report.packages[n].name, "hash": digests[n]} for n in sorted(needs.packages)
    ]
    if relation:
        report.requires[path.name] = [entry["filename"] for entry in relation]
    if needs.missing:
        logger.warning(
            "%s: %d revisit records whose original is in no package up to it (first: %s)",
            path.name,
            len(needs.missing),
            needs.missing[0],
        )
        report.missing_originals += needs.missing
    return relation


def plan_parts(warcs: list[Path], max_size: int | None) -> list[list[Path]]:
    """Share whole WARC files out among packages of at most ``max_size`` bytes of WARC."""
    if not max_size:
        return [warcs]
    parts: list[list[Path]] = [[]]
    total = 0
    for warc in warcs:
        size = warc.stat().st_size
        if parts[-1] and total + size > max_size:
            parts.append([])
            total = 0
        parts[-1].append(warc)
        total += size
    return parts


def _numbered(target: Path, number: int) -> Path:
    return target.with_name(f"{target.stem}-{number:03d}{target.suffix}")


def _write_package(
    layout: OutputLayout,
    warcs: list[Path],
    target: Path,
    title: str,
    report: WaczReport,
    *,
    relation: list[dict[str, str]],
) -> None:
    with _atomic_zip(target) as archive:
        package = _Package(archive)
        for warc in warcs:
            with warc.open("rb") as source:
                package.add(f"archive/{warc.name}", source, size=warc.stat().st_size)
        index_files = [indexes.index_path(layout.indexes, warc) for warc in warcs]
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as extra:
            report.extra_pages += package.add_index(indexes.merged_lines(index_files), extra)
            names = {warc.name for warc in warcs}
            first = package.add_pages(layout, names, report)
            if extra.tell():
                extra.seek(0)
                package.add("pages/extraPages.jsonl", extra)
        package.finish(_metadata(title, first, report, relation))
    logger.info("Wrote %s (%d WARC files)", target, len(warcs))


class _Package:
    """The entries of one WACZ file, each streamed in and hashed on the way."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.resources: list[Resource] = []

    def add(self, path: str, source: IO[bytes], *, size: int = 0) -> None:
        """Copy a file object into the entry ``path``, chunk by chunk."""
        with self._entry(path, compress=False, size=size) as out:
            while chunk := source.read(CHUNK):
                out.write(chunk)

    def add_lines(self, path: str, lines: Iterable[bytes]) -> None:
        with self._entry(path, compress=False) as out:
            for line in lines:
                out.write(line)

    def add_index(self, lines: Iterable[str], extra: IO[bytes]) -> int:
        """The merged CDXJ as gzip blocks plus their index; extra pages spooled to ``extra``."""
        from cdxj_indexer.main import CompressedWriter  # noqa: PLC0415 (slow: see indexes)

        blocks = io.StringIO()  # one line per 300 index lines: small whatever the archive
        count = 0
        with self._entry("indexes/index.cdx.gz", compress=False) as out:
            writer = CompressedWriter(blocks, out, data_out_name="index.cdx.gz")
            extra.write(pages.json_line(pages.EXTRA_PAGES_HEADER))
            for line in lines:
                writer.write(line)
                if (page := pages.extra_page(line)) is not None:
                    extra.write(pages.json_line(page))
                    count += 1
            if writer.block:
                writer.flush()
        if not count:
            extra.seek(0)
            extra.truncate()
        self.add_lines("indexes/index.idx", [blocks.getvalue().encode("utf-8")])
        return count

    def add_pages(
        self, layout: OutputLayout, warc_names: set[str], report: WaczReport
    ) -> dict[str, Any] | None:
        """``pages/pages.jsonl``; returns the first page (the package's main page)."""
        first: dict[str, Any] | None = None

        def counted() -> Iterator[dict[str, Any]]:
            nonlocal first
            for page in pages.article_pages(layout.jsonl, warc_names):
                first = first or page
                report.pages += 1
                yield page

        self.add_lines("pages/pages.jsonl", pages.jsonl_lines(pages.PAGES_HEADER, counted()))
        return first

    def finish(self, metadata: dict[str, Any]) -> None:
        """Write datapackage.json (every entry so far) and its digest."""
        package = {
            "profile": "data-package",
            "resources": [resource.as_json() for resource in self.resources],
            **metadata,
        }
        data = json.dumps(package, indent=2).encode("utf-8")
        self.archive.writestr(_info("datapackage.json", compress=True), data)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        self.archive.writestr(
            _info("datapackage-digest.json", compress=True), json.dumps(digest, indent=2)
        )

    @contextmanager
    def _entry(self, path: str, compress: bool, size: int = 0) -> Iterator[_HashingWriter]:
        info = _info(path, compress)
        # A known size lets zipfile choose ZIP64 only for a file that needs it. Never forced:
        # forced, the local header gets a ZIP64 field the central directory lacks, and
        # ReplayWeb.page (which takes the data offset from the directory) reads askew.
        info.file_size = size
        with self.archive.open(info, "w") as raw:
            out = _HashingWriter(raw)
            yield out
        self.resources.append(Resource(path, out.sha256.hexdigest(), out.size))


class _HashingWriter:
    """Writes through to an entry, keeping its sha256 and size."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)


def _info(path: str, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=time.gmtime()[:6])
    # WARCs and the gzip index blocks must be stored (replay reads them by offset). The page
    # lists too: ReplayWeb.page 2.5 parses pages/*.jsonl as stored bytes, deflated fails.
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    return info


def _metadata(
    title: str,
    first: dict[str, Any] | None,
    report: WaczReport,
    relation: list[dict[str, str]],
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "wacz_version": WACZ_VERSION,
        "software": f"archiver/{__version__}",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "title": title,
        "description": (
            f"Web archive made by archiver {__version__}: WARC captures of the site with a "
            "page per article record"
        ),
    }
    if first is not None:
        metadata["mainPageURL"] = first["url"]
        metadata["mainPageDate"] = first["ts"]
    if relation:  # a split package's revisits whose originals an earlier package holds
        metadata["relation"] = {"requires": relation}
    return metadata


@contextmanager
def _atomic_zip(target: Path) -> Iterator[zipfile.ZipFile]:
    """A ZIP written as ``NAME.open`` and renamed once whole: never a half package."""
    with published(target) as partial, zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
        yield archive
