"""Walk the gzip members of a per-record-gzipped WARC file, each with its offset and length.

Every record is one gzip member, so a member's offset and compressed length are the record's
CDX offset and length. The walk stops at the first member that does not inflate to its end
(a cut-off tail, garbage, a bad CRC) and says why, which is what recovery needs to know.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from archiver.capture.serialize import GZIP_WBITS

CHUNK_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class Member:
    """One whole gzip member: where it sits in the file and what it inflates to."""

    offset: int
    length: int  # compressed bytes
    data: bytes  # the inflated member: one WARC record


class MemberScanner:
    """Iterate over the whole gzip members of a stream, from its current position.

    After the iteration, ``end`` is the offset just past the last whole member and ``problem``
    is None if the stream ended cleanly there, or says what stopped the walk.
    """

    def __init__(self, stream: BinaryIO, *, start: int = 0) -> None:
        self._stream = stream
        self._pending = b""
        self.end = start
        self.problem: str | None = None

    def __iter__(self) -> Iterator[Member]:
        while (member := self._next_member()) is not None:
            self.end = member.offset + member.length
            yield member

    def _next_member(self) -> Member | None:
        chunk = self._take()
        if not chunk:
            return None  # clean end: the last member ended where the file does
        inflater = zlib.decompressobj(GZIP_WBITS)
        parts: list[bytes] = []
        consumed = 0
        while True:  # ends at the member's end, at EOF or on bad data: the file is finite
            try:
                parts.append(inflater.decompress(chunk))
            except zlib.error as exc:
                self.problem = f"bad gzip data in the member at offset {self.end}: {exc}"
                return None
            consumed += len(chunk) - len(inflater.unused_data)
            if inflater.eof:  # the trailer's CRC32 and size were checked too
                self._pending = inflater.unused_data
                return Member(self.end, consumed, b"".join(parts))
            chunk = self._take()
            if not chunk:
                self.problem = f"the file ends inside the gzip member at offset {self.end}"
                return None

    def _take(self) -> bytes:
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        return self._stream.read(CHUNK_SIZE)


def inflate_one(data: bytes) -> bytes:
    """Inflate bytes that must be exactly one whole gzip member (a CDX offset/length slice)."""
    inflater = zlib.decompressobj(GZIP_WBITS)
    try:
        out = inflater.decompress(data)
    except zlib.error as exc:
        raise ValueError(f"not a gzip member: {exc}") from exc
    if not inflater.eof:
        raise ValueError("the gzip member is cut short: is the length right?")
    if inflater.unused_data:
        raise ValueError("bytes follow the gzip member: is the length right?")
    return out
