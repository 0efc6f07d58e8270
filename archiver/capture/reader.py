"""Read records back: one record by its ``WarcPointer``, or every record of a file in order.

A pointer's offset and length cut exactly one gzip member out of the file; it inflates to one
WARC record that warcio parses (``record.content_stream()`` undoes chunking and
Content-Encoding, ``record.raw_stream`` gives the payload as archived).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from archiver.capture.members import MemberScanner, inflate_one
from archiver.items import WarcPointer


def parse_record(data: bytes) -> ArcWarcRecord:
    """Parse one inflated WARC record with warcio; its streams read from memory."""
    record = next(iter(ArchiveIterator(io.BytesIO(data))), None)
    if record is None:
        raise ValueError("no WARC record in the data")
    return record


def read_member(path: Path, offset: int, length: int) -> bytes:
    """Inflate the single gzip member at ``offset`` of ``length`` bytes."""
    with Path(path).open("rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    if len(data) != length:
        raise ValueError(f"{path} ends before offset {offset} + length {length}")
    return inflate_one(data)


def open_record(warc_dir: Path, pointer: WarcPointer) -> ArcWarcRecord:
    """The record a pointer names, checked to carry the pointer's WARC-Record-ID."""
    if Path(pointer.filename).name != pointer.filename:
        raise ValueError(f"WARC pointer filename must be a bare name, got {pointer.filename!r}")
    path = Path(warc_dir) / pointer.filename
    record = parse_record(read_member(path, pointer.offset, pointer.length))
    found = record.rec_headers.get_header("WARC-Record-ID")
    if found != pointer.record_id:
        raise ValueError(
            f"{pointer.filename} at offset {pointer.offset} holds record {found}, not "
            f"{pointer.record_id}: the pointer and the file disagree"
        )
    return record


def iter_records(path: Path) -> Iterator[tuple[ArcWarcRecord, int, int]]:
    """Every record of a per-record-gzipped WARC file with its member's offset and length.

    Raises ValueError at a damaged or cut-off member (``recovery`` repairs ``.open`` files).
    """
    with Path(path).open("rb") as fh:
        scanner = MemberScanner(fh)
        for member in scanner:
            yield parse_record(member.data), member.offset, member.length
        if scanner.problem:
            raise ValueError(f"{path}: {scanner.problem}")


def iter_responses(path: Path) -> Iterator[tuple[ArcWarcRecord, int, int]]:
    """The response records of a file, each with its offset and length (CDX style)."""
    for record, offset, length in iter_records(path):
        if record.rec_type == "response":
            yield record, offset, length
