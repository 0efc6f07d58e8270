"""Files that are whole or absent: written as ``NAME.open`` (or a temporary), then renamed.

Every file of the archive that a reader may open (WARC, JSONL, reports, indexes, packages)
is published the same way: its bytes fsynced, then renamed to its final name, then its
directory fsynced so that the rename itself survives a crash. A reader that only looks at
final names never sees a half-written file; a ``.open`` file is what a killed run left, for
the next run to repair.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

OPEN_SUFFIX = ".open"  # a file still being written; renamed away when closed


def open_path(final: Path) -> Path:
    """The name ``final`` has while it is written."""
    return final.with_name(final.name + OPEN_SUFFIX)


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a new file, a rename) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(written: Path, final: Path) -> None:
    """Rename ``written`` (closed, its bytes already fsynced) to ``final``, durably; an
    existing ``final`` is replaced atomically."""
    os.replace(written, final)
    fsync_dir(final.parent)


@contextmanager
def published(final: Path, *, partial: Path | None = None) -> Iterator[Path]:
    """The path to write ``final``'s bytes to (``partial``, default ``NAME.open``): when the
    block ends they are fsynced and published under ``final``; if it raises, the partial
    file is removed and ``final`` is left as it was."""
    final.parent.mkdir(parents=True, exist_ok=True)
    written = partial or open_path(final)
    try:
        yield written
        fd = os.open(written, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        written.unlink(missing_ok=True)
        raise
    publish(written, final)


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` whole or not at all: a fsynced temporary file, renamed."""
    with published(path, partial=path.with_name(f".{path.name}.tmp")) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return path


def write_json_atomically(path: Path, data: Any) -> Path:
    """``data`` as indented JSON (UTF-8, one trailing newline), whole or not at all."""
    return write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
