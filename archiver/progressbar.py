"""Progress of a long batch job (an export, a re-parse): a bar on a terminal, log lines else.

On a terminal, stderr shows one line redrawn at most every ``REDRAW`` seconds
(``export  12,000/100,000 ███░░░░ 12% 21,345/s``); in a log (cron, a pipe) an INFO line
every ``LOG_EVERY`` seconds says the same. ``total`` may be unknown (None): then the count
and rate alone.
"""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import TextIO

logger = logging.getLogger(__name__)

REDRAW = 0.2  # seconds between redraws of the terminal bar
LOG_EVERY = 30.0  # seconds between log lines when stderr is no terminal
WIDTH = 24  # cells of the bar


class Progress:
    """Count done items with ``advance(n)``; use as a context manager to close the line."""

    def __init__(
        self, label: str, total: int | None = None, *, stream: TextIO | None = None
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = sys.stderr if stream is None else stream
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = self._shown = time.monotonic()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._shown >= (REDRAW if self.tty else LOG_EVERY):
            self._shown = now
            self._show(now)

    def close(self) -> None:
        if self.tty:
            self._show(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        """The progress as text: count, share of the total, rate."""
        rate = self.done / max(now - self.started, 1e-9)
        if not self.total:
            return f"{self.label} {self.done:,} ({rate:,.0f}/s)"
        share = min(self.done / self.total, 1.0)
        bar = "█" * int(share * WIDTH) + "░" * (WIDTH - int(share * WIDTH))
        return f"{self.label} {self.done:,}/{self.total:,} {bar} {share:4.0%} ({rate:,.0f}/s)"

    def _show(self, now: float) -> None:
        if self.tty:
            self.stream.write("\r" + self.line(now))
            self.stream.flush()
        else:
            logger.info("%s", self.line(now))
