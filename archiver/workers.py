"""Article extraction in worker processes, so that a fast crawl uses more than one core.

Setting ``ARCHIVE_PARSE_WORKERS``: 0 parses in the crawl process; N > 0 runs the page
parsers (``extract_article``: decode, completeness check, parse; ``extract_listing``) in N
worker processes while the reactor goes on fetching, capturing and storing. The parsers are
pure and their input (bytes, two strings) and output (an ``ArticleContent``, a ``Listing``)
pickle, so a worker returns exactly what the crawl process would have computed.

Each worker is ``python -m archiver.workers``, started with ``subprocess`` (fork and exec at
once: never a fork of a process running the reactor, SQLite and threads), and speaks
length-prefixed pickles on its stdin and stdout. The crawl reads and writes those pipes from
its event loop, without threads: a ``ProcessPoolExecutor`` (two helper threads in the crawl
process contending for its GIL) cost as much as the parse it moved away (BENCHMARKS.md).

- A worker ignores SIGINT and SIGTERM (a terminal's Ctrl-C and ``systemctl stop`` reach the
  whole process group): the crawl decides when it stops, and its graceful stop still needs
  the pages in flight parsed.
- A worker exits when its stdin closes: when the crawl closes it, or when the crawl dies
  (``kill -9`` included; nothing else holds that pipe), so no worker outlives its crawl.
- A worker that dies (a crash, the OOM killer) fails the pages it had in flight with
  ``WorkerCrashed``, for the spider to report, and is started afresh; after ``MAX_RESTARTS``
  the crawl parses in its own process for the rest of the run.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fcntl
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any, BinaryIO

from archiver.decoding import page_text
from archiver.items import ArticleContent
from archiver.parsers import LayoutError, Listing, parse_article, parse_listing
from archiver.parsers.guards import check_complete

logger = logging.getLogger(__name__)

MAX_RESTARTS = 3  # worker restarts per run; then parsing moves into the crawl process
CLOSE_TIMEOUT = 30.0  # seconds a worker may take to exit when the crawl closes; then killed
PIPE_SIZE = 1 << 20  # bytes: a whole page fits in the pipe, so a write rarely waits
_LENGTH = struct.Struct("<I")  # the frame header: payload length in bytes
_ROOT = str(Path(__file__).resolve().parent.parent)  # where ``archiver`` is imported from


class WorkerCrashed(RuntimeError):
    """The worker parsing this page died; the page gave no record."""


class WorkerError(RuntimeError):
    """The parser raised something other than a LayoutError in a worker (a bug): the
    worker's traceback, so the crawl's log shows where."""


def extract_article(body: bytes, content_type: str | None, url: str) -> ArticleContent:
    """An article page's content (LayoutError if it gives none). ``body`` is the response
    body (content-decoded), ``content_type`` its Content-Type header."""
    html = page_text(body, content_type)
    check_complete(html)
    return parse_article(html, url)


def extract_listing(body: bytes, content_type: str | None, url: str) -> Listing:
    """A listing page's entries and pagination (LayoutError if not recognised)."""
    return parse_listing(page_text(body, content_type), url)


# What a worker runs, by job kind; a worker and the crawl process run the same functions.
EXTRACTORS = {"article": extract_article, "listing": extract_listing}
Job = tuple[str, bytes, "str | None", str]  # kind, body, Content-Type, URL


def run_job(job: Job) -> tuple[str, Any]:
    """("ok", the extractor's result), or ("layout", a LayoutError's message)."""
    kind, body, content_type, url = job
    try:
        return "ok", EXTRACTORS[kind](body, content_type, url)
    except LayoutError as exc:
        return "layout", str(exc)


class ParsePool:
    """Runs the extractors in ``workers`` worker processes (0: in the calling process)."""

    def __init__(self, workers: int) -> None:
        if workers < 0:
            raise ValueError(
                f"ARCHIVE_PARSE_WORKERS must be 0 (parse in the crawl process) or more, "
                f"not {workers}"
            )
        self.workers = workers
        self.restarts = 0
        self._procs: list[_Worker] = []

    def start(self) -> None:
        """Start the worker processes (each imports the parsers, ~0.2 s, in parallel)."""
        while len(self._procs) < self.workers:
            self._procs.append(_Worker(self))

    async def article(self, body: bytes, content_type: str | None, url: str) -> ArticleContent:
        """``extract_article`` in a worker: LayoutError if the page gives no record,
        WorkerCrashed if its worker died, WorkerError if the parser failed otherwise."""
        content: ArticleContent = await self.run(("article", body, content_type, url))
        return content

    async def listing(self, body: bytes, content_type: str | None, url: str) -> Listing:
        """``extract_listing`` in a worker; the errors of ``article``."""
        listing: Listing = await self.run(("listing", body, content_type, url))
        return listing

    async def run(self, job: Job) -> Any:
        if self._procs:
            worker = min(self._procs, key=_Worker.load)
            kind, value = await worker.submit(job)
        else:
            kind, value = run_job(job)
        if kind == "layout":
            raise LayoutError(value)
        if kind == "error":
            raise WorkerError(f"the parser failed in a worker:\n{value}")
        return value

    def crashed(self, worker: _Worker, returncode: int | None) -> None:
        """A worker died: start another in its place, or stop using workers past the bound."""
        self._procs.remove(worker)
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            for other in self._procs:
                other.close()
            self._procs.clear()
            logger.warning(
                "A parse worker died (exit status %s), %d times this run: parsing in the crawl "
                "process from now on; pages it had in flight are reported failed",
                returncode,
                self.restarts,
            )
            return
        self._procs.append(_Worker(self))
        logger.warning(
            "A parse worker died (exit status %s); pages it had in flight are reported failed "
            "(retried next run); started another (%d of %d restarts)",
            returncode,
            self.restarts,
            MAX_RESTARTS,
        )

    def close(self) -> None:
        """Stop the workers. The crawl closes only when no page awaits a parse any more, so
        nothing is in flight: each reads the end of its input and exits."""
        procs, self._procs = self._procs, []
        for worker in procs:
            worker.close()


class _Worker:
    """One worker process and the crawl's end of its pipes, driven by the event loop."""

    def __init__(self, pool: ParsePool) -> None:
        self.pool = pool
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, _pythonpath()]))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "archiver.workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.write_fd = self.process.stdin.fileno()
        self.read_fd = self.process.stdout.fileno()
        for fd in (self.write_fd, self.read_fd):
            os.set_blocking(fd, False)
            _grow_pipe(fd)
        self.waiting: collections.deque[asyncio.Future[tuple[str, Any]]] = collections.deque()
        self.outbox = bytearray()
        self.inbox = bytearray()
        self.loop: asyncio.AbstractEventLoop | None = None

    def load(self) -> int:
        return len(self.waiting)

    def submit(self, job: Job) -> asyncio.Future[tuple[str, Any]]:
        """Send ``job`` to the worker; the future gets its outcome (answers come in order)."""
        loop = self._attach()
        future = loop.create_future()
        self.waiting.append(future)
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        pending = bool(self.outbox)
        self.outbox += _LENGTH.pack(len(payload)) + payload
        if not pending:
            self._flush()
        return future

    def _attach(self) -> asyncio.AbstractEventLoop:
        """Watch the worker's output from the running event loop (the reactor's)."""
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
            self.loop.add_reader(self.read_fd, self._readable)
        return self.loop

    def _flush(self) -> None:
        assert self.loop is not None
        try:
            sent = os.write(self.write_fd, self.outbox)
        except BlockingIOError:
            sent = 0
        except BrokenPipeError:
            return  # the worker died: _readable sees its output end and fails the pages
        del self.outbox[:sent]
        if self.outbox:
            self.loop.add_writer(self.write_fd, self._flush)
        else:
            self.loop.remove_writer(self.write_fd)

    def _readable(self) -> None:
        try:
            data = os.read(self.read_fd, PIPE_SIZE)
        except BlockingIOError:
            return
        if not data:
            self._died()
            return
        self.inbox += data
        while len(self.inbox) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self.inbox)
            if len(self.inbox) < _LENGTH.size + length:
                break
            frame = bytes(self.inbox[_LENGTH.size : _LENGTH.size + length])
            del self.inbox[: _LENGTH.size + length]
            try:
                self._answer(pickle.loads(frame))
            except Exception:  # a garbled answer: its page would wait for ever
                logger.exception("Unreadable answer from parse worker %d", self.process.pid)
                self.process.kill()
                self._died()
                return

    def _answer(self, message: tuple[str, Any]) -> None:
        future = self.waiting.popleft()
        if not future.cancelled():
            future.set_result(message)

    def _died(self) -> None:
        """The worker's output ended while the crawl still used it: it died."""
        self._detach()
        try:
            returncode = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            returncode = self.process.wait()
        self._close_pipes()
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(WorkerCrashed(f"its parse worker died ({returncode})"))
        self.pool.crashed(self, returncode)

    def _detach(self) -> None:
        if self.loop is not None:
            self.loop.remove_reader(self.read_fd)
            self.loop.remove_writer(self.write_fd)

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """End the worker's input; it exits after what it holds. Killed past ``timeout``."""
        self._detach()
        assert self.process.stdin is not None
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.warning(
                "Parse worker %d did not exit in %.0f s: killed", self.process.pid, timeout
            )
            self.process.kill()
            self.process.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a dead worker's input: EPIPE on flush
                    pipe.close()


def _pythonpath() -> str:
    return os.environ.get("PYTHONPATH", "")


def _grow_pipe(fd: int) -> None:
    """A pipe that holds a whole page (Linux; elsewhere the default, 64 KB, works too)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        # Over /proc/sys/fs/pipe-max-size for this user: the default size works too.
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, PIPE_SIZE)


# --- the worker process ----------------------------------------------------------------------


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer each job read from ``requests`` on ``answers``, in order, until the input ends."""
    while True:
        header = requests.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            return  # the crawl closed our input, or died
        (length,) = _LENGTH.unpack(header)
        job = pickle.loads(requests.read(length))
        try:
            message = run_job(job)
        except Exception:  # a parser bug: the crawl logs it as the spider's error
            message = ("error", traceback.format_exc())
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(_LENGTH.pack(len(payload)) + payload)
        answers.flush()


def main() -> None:
    """``python -m archiver.workers``: the protocol on stdin and stdout; anything else the
    process prints goes to stderr (the crawl's log), never into the answers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    with contextlib.suppress(BrokenPipeError):  # the crawl is gone
        serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
