"""Append WARC records to size-limited files: ``NAME.warc.gz.open`` while written, then renamed.

The per-exchange path appends two ready gzip members (request, then response) to a file kept
open: no reopen, no fsync, no compression while the file is in hand. Durability is
explicit: ``sync()`` fsyncs, and every ``Capture`` returned before it is then on disk.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from types import TracebackType

from archiver import __version__, config
from archiver.capture.exchange import Exchange, utc_now
from archiver.capture.naming import check_prefix, random_token, warc_filename
from archiver.capture.serialize import (
    ExchangeRecords,
    encode_exchange,
    encode_warcinfo,
    new_record_id,
    warc_date,
)
from archiver.files import fsync_dir, open_path, publish
from archiver.items import Capture, WarcPointer

logger = logging.getLogger(__name__)

CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


def software() -> str:
    """The warcinfo ``software`` field: archiver and the libraries that shape the records."""
    return f"archiver/{__version__} (warcio/{_version('warcio')}; Scrapy/{_version('scrapy')})"


def _version(distribution: str) -> str:
    # importlib.metadata reads the installed version without importing the package: the writer
    # stays free of Scrapy.
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def default_warcinfo() -> dict[str, str]:
    """The warcinfo fields every file gets; the writer's ``warcinfo`` argument adds to them."""
    return {
        "software": software(),
        "format": "WARC File Format 1.1",
        "conformsTo": CONFORMS_TO,
        "hostname": socket.gethostname(),
    }


@dataclass(slots=True)
class WriterStats:
    """Running totals of one writer, for crawl stats."""

    files_opened: int = 0
    records_written: int = 0  # request and response records; warcinfo records not counted
    bytes_written: int = 0  # compressed bytes, warcinfo included


class _OpenWarc:
    """One file being written: an exclusive, locked ``.open`` file and its final name."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.path = open_path(final)
        # O_EXCL: never overwrite a file, whatever the name. The flock tells repair_directory()
        # (of this or another process) that the file is live and must not be "repaired".
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.size = 0
        self.damaged = False  # a failed write could not be trimmed off: leave it for repair
        fsync_dir(final.parent)  # the new directory entry survives a crash too

    def append(self, *members: bytes) -> int:
        """Write the members back to back; return the offset of the first one."""
        start = self.size
        try:
            for member in members:
                _write_all(self.fd, member)
        except OSError:
            self._undo(start)
            raise
        self.size = start + sum(len(member) for member in members)
        return start

    def _undo(self, start: int) -> None:
        # Cut a half-written member off so the file stays a valid WARC; if even that fails the
        # file keeps its .open name, and repair_directory() trims it on the next start.
        try:
            os.ftruncate(self.fd, start)
        except OSError:
            self.damaged = True
            logger.exception("Could not trim %s after a failed write", self.path)

    def sync(self) -> None:
        os.fsync(self.fd)

    def close(self, *, rename: bool = True) -> None:
        """Close the file; fsync and rename it to its final name unless told (or damaged) not."""
        rename = rename and not self.damaged
        try:
            if rename:
                os.fsync(self.fd)
        finally:
            os.close(self.fd)
        if rename:
            publish(self.path, self.final)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # each os.write makes progress or raises
        view = view[os.write(fd, view) :]


def _check_options(max_size: int, gzip_level: int) -> None:
    if max_size <= 0:
        raise ValueError(
            f"max_size must be a positive number of bytes, got {max_size!r} "
            "(setting ARCHIVE_WARC_MAX_SIZE; the default is "
            f"{config.default('ARCHIVE_WARC_MAX_SIZE')})"
        )
    if gzip_level not in range(10):
        raise ValueError(
            f"gzip_level must be a zlib level 0-9, got {gzip_level!r} "
            "(setting ARCHIVE_WARC_GZIP_LEVEL; the default is "
            f"{config.default('ARCHIVE_WARC_GZIP_LEVEL')})"
        )


class WarcFileWriter:
    """Writes HTTP exchanges to rolling, per-record-gzipped WARC/1.1 files in one directory.

    Each file opens with a warcinfo record. An exchange is written as its request record, then
    its response record (the order a crawler lives them and the WARC spec's examples use),
    linked both ways by WARC-Concurrent-To. A file is closed and renamed once it has grown past
    ``max_size``; the next exchange opens the next file. Not thread-safe: one thread appends.
    (The extension reads ARCHIVE_WARC_* settings and passes them here.)
    """

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str | None = None,
        max_size: int | None = None,
        warcinfo: Mapping[str, str] | None = None,
        gzip_level: int | None = None,
        clock: Callable[[], datetime] = utc_now,
        new_id: Callable[[], str] = new_record_id,
        token: str | None = None,
    ) -> None:
        # None: the project's default (archiver/settings.py ARCHIVE_WARC_*).
        prefix = config.default("ARCHIVE_WARC_PREFIX") if prefix is None else prefix
        max_size = config.default("ARCHIVE_WARC_MAX_SIZE") if max_size is None else max_size
        if gzip_level is None:
            gzip_level = config.default("ARCHIVE_WARC_GZIP_LEVEL")
        _check_options(max_size, gzip_level)
        self.directory = Path(directory)
        self.prefix = check_prefix(prefix)
        self.max_size = max_size
        self.gzip_level = gzip_level
        self.warcinfo = {**default_warcinfo(), **(warcinfo or {})}
        self.token = token or random_token()
        self.stats = WriterStats()
        self._clock = clock
        self._new_id = new_id
        self._serial = 0
        self._file: _OpenWarc | None = None
        self._closed = False
        # Called with the final path of each file once it is closed and renamed (the CDXJ
        # indexer hooks in here); what it raises is logged, never taken for a write error.
        self.on_close: Callable[[Path], None] | None = None

    @property
    def current_name(self) -> str | None:
        """Final name of the file being written, or None between files."""
        return self._file.final.name if self._file else None

    def write_exchange(self, exchange: Exchange) -> Capture:
        """Write the exchange's request and response records; return the response's Capture."""
        self._current()  # open the file (and its warcinfo) first: ids then run in file order
        records = encode_exchange(exchange, gzip_level=self.gzip_level, new_id=self._new_id)
        return self.append(records)

    def append(self, records: ExchangeRecords) -> Capture:
        """Append records encoded elsewhere (``serialize.encode_exchange``) in one write."""
        current = self._current()
        try:
            offset = current.append(records.request_member, records.response_member)
        except OSError:
            self._abandon(current)
            raise
        self._count(2, len(records.request_member) + len(records.response_member))
        pointer = WarcPointer(
            filename=current.final.name,
            offset=offset + len(records.request_member),
            length=len(records.response_member),
            record_id=records.response_id,
        )
        if current.size >= self.max_size:
            self._close_current()
        return Capture(
            warc=pointer,
            payload_digest=records.payload_digest,
            fetched_at=records.warc_date,
            target_uri=records.target_uri,
        )

    def sync(self) -> None:
        """Make every record written so far durable (fsync). Closed files were synced already."""
        if self._file is not None:
            self._file.sync()

    def close(self) -> None:
        """Close and rename the current file. Idempotent; the writer takes no more records."""
        self._closed = True
        self._close_current()

    def __enter__(self) -> WarcFileWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _current(self) -> _OpenWarc:
        if self._closed:
            raise RuntimeError("WarcFileWriter is closed; create a new writer to write more")
        if self._file is None:
            self._file = self._open_next()
        return self._file

    def _open_next(self) -> _OpenWarc:
        self.directory.mkdir(parents=True, exist_ok=True)
        now = self._clock()
        name = warc_filename(self.prefix, now, self._serial, self.token)
        self._serial += 1
        opened = _OpenWarc(self.directory / name)
        member = encode_warcinfo(
            name,
            self.warcinfo,
            date=warc_date(now),
            record_id=self._new_id(),
            gzip_level=self.gzip_level,
        )
        try:
            opened.append(member)
        except OSError:
            opened.close(rename=False)
            raise
        self.stats.files_opened += 1
        self.stats.bytes_written += len(member)
        logger.info("Opened WARC file %s", opened.path)
        return opened

    def _close_current(self) -> None:
        if self._file is not None:
            closing, self._file = self._file, None
            closing.close()
            logger.info("Closed WARC file %s (%d bytes)", closing.final, closing.size)
            if self.on_close is not None and not closing.damaged:
                try:
                    self.on_close(closing.final)
                except Exception:
                    logger.exception("The on_close hook failed for %s", closing.final)

    def _abandon(self, failed: _OpenWarc) -> None:
        # After a failed write the file was trimmed back to its last whole record (or, if the
        # trim failed, left as .open for repair). Either way, start afresh with the next file.
        self._file = None
        try:
            failed.close()
        except OSError:
            logger.exception("Could not close %s after a failed write", failed.path)

    def _count(self, records: int, size: int) -> None:
        self.stats.records_written += records
        self.stats.bytes_written += size
