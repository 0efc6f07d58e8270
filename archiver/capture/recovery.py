"""Repair ``.warc.gz.open`` files left by a killed run, keeping every whole capture.

Policy:
- Keep the longest prefix of gzip members that each inflate whole and hold one well-framed
  WARC record; cut the file there.
- Keep captures whole: the writer puts a request just before its response, so a request left
  last (its response lost) is dropped too. A record that exists only in half is no capture.
- Refuse (outcome "skipped", file untouched) when a readable WARC record still follows the
  damage: that is not a cut-off tail, and cutting would throw archived data away.
- Skip files another writer holds locked (a crawl still running on the same directory).
- A file left with nothing but its warcinfo record holds no capture: it is deleted.
- Otherwise the file is truncated, checked to inflate to its end, fsynced and renamed to its
  final ``.warc.gz`` name, the name any ``Capture`` returned before the crash already carries.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from archiver.capture.members import MemberScanner
from archiver.capture.naming import WARC_SUFFIX, final_path
from archiver.files import OPEN_SUFFIX, publish

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"


@dataclass(frozen=True, slots=True, kw_only=True)
class RepairResult:
    """What repair did to one ``.open`` file."""

    path: Path  # the .open file found
    outcome: str  # "renamed" (whole), "truncated", "deleted" or "skipped" (left as it was)
    final_path: Path | None = None  # the .warc.gz it became; None when deleted or skipped
    kept_records: int = 0  # whole records kept, warcinfo included
    dropped_records: int = 0  # whole records dropped: requests whose response was lost
    kept_bytes: int = 0
    dropped_bytes: int = 0  # bytes cut off the end, partial members included
    reason: str = ""  # what was found, for the log


@dataclass(frozen=True, slots=True)
class _Record:
    kind: str  # WARC-Type
    offset: int
    end: int


def parse_record_type(data: bytes) -> str | None:
    """WARC-Type of an inflated member if it is exactly one well-framed record, else None."""
    head_end = data.find(b"\r\n\r\n")
    if not data.startswith(b"WARC/") or head_end < 0:
        return None
    fields: dict[bytes, bytes] = {}
    for line in data[:head_end].split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip()
        if not colon:
            return None
    length = fields.get(b"content-length", b"")
    framed = length.isdigit() and len(data) == head_end + 4 + int(length) + 4
    if not framed or not data.endswith(b"\r\n\r\n"):
        return None
    return fields.get(b"warc-type", b"").decode("ascii", "replace") or None


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a scan found in a file, and where to cut it."""

    size: int
    records: list[_Record]  # whole records from the start
    readable_end: int  # where the readable members end
    problem: str | None  # what ended them; None at a clean end of file

    @property
    def kept(self) -> list[_Record]:
        kept = list(self.records)
        while kept and kept[-1].kind == "request":  # its response was lost with the tail
            kept.pop()
        return kept

    @property
    def cut(self) -> int:
        kept = self.kept
        return kept[-1].end if kept else 0

    def result(
        self, path: Path, outcome: str, final: Path | None, reason: str | None = None
    ) -> RepairResult:
        return RepairResult(
            path=path,
            outcome=outcome,
            final_path=final,
            kept_records=len(self.kept),
            dropped_records=len(self.records) - len(self.kept),
            kept_bytes=self.cut,
            dropped_bytes=self.size - self.cut,
            reason=reason or self.problem or "whole",
        )


def _scan(fh: BinaryIO) -> _Plan:
    size = os.fstat(fh.fileno()).st_size
    scanner = MemberScanner(fh)
    records: list[_Record] = []
    for member in scanner:
        kind = parse_record_type(member.data)
        if kind is None:
            problem = f"the member at offset {member.offset} is not one WARC record"
            return _Plan(size, records, member.offset, problem)
        records.append(_Record(kind, member.offset, member.offset + member.length))
    return _Plan(size, records, scanner.end, scanner.problem)


def _record_after(fh: BinaryIO, start: int) -> int | None:
    """Offset of a readable WARC record member after ``start``, if any (damage mid-file)."""
    for offset in _magic_offsets(fh, start + 1):
        fh.seek(offset)
        scanner = MemberScanner(fh, start=offset)
        member = next(iter(scanner), None)
        if member is not None and parse_record_type(member.data) is not None:
            return offset
    return None


def _magic_offsets(fh: BinaryIO, start: int) -> Iterator[int]:
    position, carry = start, b""
    while True:  # one pass over the tail, chunk by chunk
        fh.seek(position)
        chunk = fh.read(1 << 20)
        if not chunk:
            return
        window = carry + chunk
        base = position - len(carry)
        found = window.find(GZIP_MAGIC)
        while found >= 0:
            yield base + found
            found = window.find(GZIP_MAGIC, found + 1)
        position += len(chunk)
        carry = window[-(len(GZIP_MAGIC) - 1) :]


def _verify(fh: BinaryIO, expected_end: int) -> None:
    fh.seek(0)
    scanner = MemberScanner(fh)
    for _ in scanner:
        pass
    if scanner.problem or scanner.end != expected_end:
        raise RuntimeError(f"repaired file does not inflate to its end: {scanner.problem}")


def repair_open_file(path: Path) -> RepairResult:
    """Repair one ``.warc.gz.open`` file following the module's policy; see RepairResult."""
    path = Path(path)
    target = final_path(path)
    with path.open("r+b") as fh:
        if not _try_lock(fh):
            return RepairResult(path=path, outcome="skipped", reason="locked by a running writer")
        plan = _scan(fh)
        if plan.cut < plan.size and (later := _record_after(fh, plan.readable_end)) is not None:
            reason = f"{plan.problem}, yet a record follows at offset {later}: inspect by hand"
            return RepairResult(path=path, outcome="skipped", reason=reason)
        if all(record.kind == "warcinfo" for record in plan.kept):
            path.unlink()  # nothing but the warcinfo: no capture to keep
            return plan.result(path, "deleted", None, "no capture besides the warcinfo")
        if target.exists():
            return RepairResult(path=path, outcome="skipped", reason=f"{target.name} exists")
        if plan.cut < plan.size:
            _truncate(fh, plan.cut)
    publish(path, target)
    return plan.result(path, "renamed" if plan.cut == plan.size else "truncated", target)


def _try_lock(fh: BinaryIO) -> bool:
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return False
        raise
    return True


def _truncate(fh: BinaryIO, cut: int) -> None:
    fh.truncate(cut)
    fh.flush()
    os.fsync(fh.fileno())
    _verify(fh, cut)  # the kept prefix inflates to the file's new end


def repair_directory(directory: Path) -> list[RepairResult]:
    """Repair every ``*.warc.gz.open`` file in the directory (none if it does not exist)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    results = []
    for path in sorted(directory.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        result = repair_open_file(path)
        level = logging.WARNING if result.dropped_bytes else logging.INFO
        if "inspect by hand" in result.reason:
            level = logging.ERROR
        logger.log(
            level,
            "WARC repair: %s %s (kept %d records, %d bytes; dropped %d records, %d bytes): %s",
            result.outcome,
            path.name,
            result.kept_records,
            result.kept_bytes,
            result.dropped_records,
            result.dropped_bytes,
            result.reason,
        )
        results.append(result)
    return results
