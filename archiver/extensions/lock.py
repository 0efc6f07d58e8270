"""One run per output directory: an exclusive ``flock`` on ``<ARCHIVE_OUTPUT_DIR>/.lock``.

The lock is taken in ``from_crawler``: Scrapy builds extensions before the engine, the
pipelines and the first request, and ``OutputLockExtension`` comes first in
``settings.EXTENSIONS``, so a second run stops before it repairs, opens or writes anything.
The kernel drops the lock when the process dies, SIGKILL included: there is no stale lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Self

from scrapy import signals

from archiver.layout import OutputLayout

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class OutputNotWritable(RuntimeError):
    """The output directory cannot be created or written."""


class LockHeld(RuntimeError):
    """Another run holds the output directory's lock."""


class OutputLockExtension:
    """Holds the output directory's lock for the whole run. Reads ``ARCHIVE_OUTPUT_DIR``.

    Raises ``OutputNotWritable`` or ``LockHeld`` from ``from_crawler``: the crawl does not
    start (``archiver crawl`` exits 5 or 4).
    """

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        fd, path = acquire(OutputLayout.from_settings(crawler.settings).root)
        extension = cls(fd, path)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        release(self.fd)


def acquire(output: Path) -> tuple[int, Path]:
    """Create ``output`` if needed and lock it; the open descriptor holds the lock."""
    path = OutputLayout(output).lock
    try:
        output.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        message = (
            f"Output directory {output} is not writable ({exc.strerror or exc}): create it "
            "with write permission for this user, or choose another with "
            "--output DIR / -s ARCHIVE_OUTPUT_DIR=DIR"
        )
        logger.error("%s", message)
        raise OutputNotWritable(message) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        message = (
            f"Another run is using {output} (it holds {path}): nothing was done. Wait for it "
            "to finish, or stop it; the lock is released when that process exits"
        )
        logger.error("%s", message)
        raise LockHeld(message) from exc
    return fd, path


def release(fd: int) -> None:
    """Unlock and close (the file stays: removing it would race with the next run)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    except OSError:
        pass  # already closed
