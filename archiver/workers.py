"""The crawl's CPU work in worker processes, so that a fast crawl uses more than one core.

Setting ``ARCHIVE_WORKERS``: 0 does everything in the crawl process; N > 0 runs, in N worker
processes, the page parsers (``extract_article``: decode, completeness check, parse;
``extract_listing``) and the WARC encoding of each exchange (``encode_capture``: digests and
gzip), while the reactor goes on fetching, appending captures and storing records. The jobs
are pure functions whose input (bytes, strings, an ``Exchange``) and output (an
``ArticleContent``, a ``Listing``, ``ExchangeRecords``) pickle, so a worker returns exactly
what the crawl process would have computed. ``get_workers(crawler)`` is the crawl's one pool.

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
- A worker that dies (a crash, the OOM killer) fails the jobs it had in flight with
  ``WorkerCrashed`` (the spider reports those pages; the capture extension encodes those
  exchanges itself) and is started afresh; after ``MAX_RESTARTS`` the crawl does all the
  work in its own process for the rest of the run.
- A worker says READY once it has imported everything; until one has, jobs run in the
  crawl process, so the first responses (robots.txt gates every request) do not wait.
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
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from archiver.capture.exchange import Exchange
from archiver.capture.serialize import ExchangeRecords, encode_exchange
from archiver.decoding import page_text
from archiver.items import ArticleContent
from archiver.parsers import LayoutError, Listing, parse_article, parse_listing
from archiver.parsers.guards import check_complete
from archiver.parsers.requisites import Requisite, html_requisites

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MAX_RESTARTS = 3  # worker restarts per run; then parsing moves into the crawl process
CLOSE_TIMEOUT = 30.0  # seconds a worker may take to exit when the crawl closes; then killed
PIPE_SIZE = 1 << 20  # bytes: a whole page fits in the pipe, so a write rarely waits
# Bytes per read of the answers: under glibc's mmap threshold (128 KiB), as os.read allocates
# its whole size up front; a 1 MiB read cost ~50 µs more than a 64 KiB one (BENCHMARKS.md).
READ_SIZE = 1 << 16
_LENGTH = struct.Struct("<I")  # the frame header: payload length in bytes
_ROOT = str(Path(__file__).resolve().parent.parent)  # where ``archiver`` is imported from


class WorkerCrashed(RuntimeError):
    """The worker running this job died (a page parsed there gave no record)."""


class WorkerError(RuntimeError):
    """A job raised something other than a LayoutError in a worker (a bug): the worker's
    traceback, so the crawl's log shows where."""


def extract_article(body: bytes, content_type: str | None, url: str) -> ArticleContent:
    """An article page's content (LayoutError if it gives none). ``body`` is the response
    body (content-decoded), ``content_type`` its Content-Type header."""
    html = page_text(body, content_type)
    check_complete(html)
    return parse_article(html, url)


def extract_listing(body: bytes, content_type: str | None, url: str) -> Listing:
    """A listing page's entries and pagination (LayoutError if not recognised)."""
    return parse_listing(page_text(body, content_type), url)


def extract_requisites(body: bytes, content_type: str | None, url: str) -> list[Requisite]:
    """The URLs an HTML page needs to be seen (LayoutError if it is no HTML)."""
    return html_requisites(page_text(body, content_type), url)


def encode_capture(exchange: Exchange, gzip_level: int) -> ExchangeRecords:
    """An exchange's WARC request and response records, compressed, ready to append."""
    return encode_exchange(exchange, gzip_level=gzip_level)


# What a worker runs, by job kind; a worker and the crawl process run the same functions.
JOBS: dict[str, Callable[..., Any]] = {
    "article": extract_article,  # (body, Content-Type, URL)
    "listing": extract_listing,  # (body, Content-Type, URL)
    "capture": encode_capture,  # (exchange, gzip level)
    "requisites": extract_requisites,  # (body, Content-Type, URL)
}
Job = tuple[str, tuple[Any, ...]]  # kind, the job function's arguments
Outcome = tuple[str, Any]  # ("ok", result), ("layout", message) or ("error", traceback)
READY = ("ready", None)  # a worker's first frame: it has imported everything, jobs may come


def run_job(job: Job) -> Outcome:
    """("ok", the job function's result), or ("layout", a LayoutError's message)."""
    kind, arguments = job
    try:
        return "ok", JOBS[kind](*arguments)
    except LayoutError as exc:
        return "layout", str(exc)


class WorkerPool:
    """Runs the jobs in ``workers`` worker processes (0: in the calling process)."""

    def __init__(self, workers: int) -> None:
        if workers < 0:
            raise ValueError(
                f"ARCHIVE_WORKERS must be 0 (everything in the crawl process) or more, "
                f"not {workers}"
            )
        self.workers = workers
        self.restarts = 0
        self._procs: list[_Worker] = []

    @property
    def active(self) -> bool:
        """True while a worker process takes jobs: from when its first one has started (its
        imports take ~0.3 s: meanwhile jobs run here, so robots.txt and the first pages do
        not wait for them) until the pool gives up on workers."""
        return any(worker.ready for worker in self._procs)

    def start(self) -> None:
        """Start the worker processes; call it from the running event loop, which reads
        their answers."""
        while len(self._procs) < self.workers:
            self._procs.append(_Worker(self))

    async def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until every worker process has started (TimeoutError past ``timeout``)."""
        async with asyncio.timeout(timeout):
            while not all(worker.ready for worker in self._procs):
                await asyncio.sleep(0.01)

    async def article(self, body: bytes, content_type: str | None, url: str) -> ArticleContent:
        """``extract_article`` in a worker: LayoutError if the page gives no record,
        WorkerCrashed if its worker died, WorkerError if the parser failed otherwise."""
        content: ArticleContent = await self.run(("article", (body, content_type, url)))
        return content

    async def listing(self, body: bytes, content_type: str | None, url: str) -> Listing:
        """``extract_listing`` in a worker; the errors of ``article``."""
        listing: Listing = await self.run(("listing", (body, content_type, url)))
        return listing

    async def requisites(self, body: bytes, content_type: str | None, url: str) -> list[Requisite]:
        """``extract_requisites`` in a worker; the errors of ``article``."""
        found: list[Requisite] = await self.run(("requisites", (body, content_type, url)))
        return found

    async def run(self, job: Job) -> Any:
        """The job's result, from a worker if any runs, else computed here."""
        kind, value = await self.submit(job) if self.active else run_job(job)
        if kind == "layout":
            raise LayoutError(value)
        if kind == "error":
            raise WorkerError(f"a job failed in a worker:\n{value}")
        return value

    def submit(self, job: Job) -> asyncio.Future[Outcome]:
        """Send ``job`` to the least loaded worker (``active`` must be True); the future
        gets its ``Outcome``, or WorkerCrashed if the worker dies first."""
        worker = min((worker for worker in self._procs if worker.ready), key=_Worker.load)
        return worker.submit(job)

    def crashed(self, worker: _Worker, returncode: int | None) -> None:
        """A worker died: start another in its place, or stop using workers past the bound."""
        self._procs.remove(worker)
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            for other in self._procs:
                other.close()
            self._procs.clear()
            logger.warning(
                "A worker process died (exit status %s), %d times this run: parsing and WARC "
                "encoding in the crawl process from now on; pages it had in flight are "
                "reported failed",
                returncode,
                self.restarts,
            )
            return
        self._procs.append(_Worker(self))
        logger.warning(
            "A worker process died (exit status %s); pages it had in flight are reported "
            "failed (retried next run), their captures encoded in the crawl process; started "
            "another (%d of %d restarts)",
            returncode,
            self.restarts,
            MAX_RESTARTS,
        )

    def close(self) -> None:
        """Stop the workers. The crawl closes only when no page awaits a parse or a capture
        any more, so nothing is in flight: each reads the end of its input and exits."""
        procs, self._procs = self._procs, []
        for worker in procs:
            worker.close()


class _Worker:
    """One worker process and the crawl's end of its pipes, driven by the event loop."""

    def __init__(self, pool: WorkerPool) -> None:
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
        self.waiting: collections.deque[asyncio.Future[Outcome]] = collections.deque()
        self.outbox = bytearray()
        self.writing = False  # the loop watches write_fd: outbox waits for room in the pipe
        self.inbox = bytearray()
        self.ready = False  # the worker's READY frame came: its imports are done
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.read_fd, self._readable)

    def load(self) -> int:
        return len(self.waiting)

    def submit(self, job: Job) -> asyncio.Future[Outcome]:
        """Send ``job`` to the worker; the future gets its outcome (answers come in order)."""
        future = self.loop.create_future()
        self.waiting.append(future)
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self.outbox += _LENGTH.pack(len(payload))
        self.outbox += payload
        if not self.writing:  # else the loop calls _flush when the pipe has room
            self._flush()
        return future

    def _flush(self) -> None:
        try:
            sent = os.write(self.write_fd, self.outbox)
        except BlockingIOError:
            sent = 0
        except BrokenPipeError:
            return  # the worker died: _readable sees its output end and fails the pages
        del self.outbox[:sent]
        if self.outbox and not self.writing:
            self.loop.add_writer(self.write_fd, self._flush)
        elif self.writing and not self.outbox:
            self.loop.remove_writer(self.write_fd)
        self.writing = bool(self.outbox)

    def _readable(self) -> None:
        try:
            data = os.read(self.read_fd, READ_SIZE)
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
                logger.exception("Unreadable answer from worker process %d", self.process.pid)
                self.process.kill()
                self._died()
                return

    def _answer(self, message: Outcome) -> None:
        if message == READY:
            self.ready = True
            return
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
                future.set_exception(WorkerCrashed(f"its worker process died ({returncode})"))
        self.pool.crashed(self, returncode)

    def _detach(self) -> None:
        self.writing = False
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
                "Worker process %d did not exit in %.0f s: killed", self.process.pid, timeout
            )
            self.process.kill()
            self.process.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a dead worker's input: EPIPE on flush
                    pipe.close()


_POOLS: weakref.WeakKeyDictionary[Crawler, WorkerPool] = weakref.WeakKeyDictionary()


def get_workers(crawler: Crawler) -> WorkerPool:
    """The crawl's one pool (``ARCHIVE_WORKERS`` processes), shared by the spider's parses
    and the WARC capture; started at ``spider_opened``, stopped at ``spider_closed``."""
    pool = _POOLS.get(crawler)
    if pool is None:
        from scrapy import signals  # noqa: PLC0415  (worker processes never import Scrapy)

        pool = _POOLS[crawler] = WorkerPool(_worker_count(crawler))
        crawler.signals.connect(pool.start, signal=signals.spider_opened)
        # After the engine waited for every callback and capture: nothing is in flight.
        crawler.signals.connect(pool.close, signal=signals.spider_closed)
    return pool


def _worker_count(crawler: Crawler) -> int:
    """``ARCHIVE_WORKERS``, or the older name ``ARCHIVE_PARSE_WORKERS`` where a command line
    still sets it (with a WARNING): a cron line is not silently left without its workers."""
    settings = crawler.settings
    old = settings.getpriority("ARCHIVE_PARSE_WORKERS")
    if old is None:
        return settings.getint("ARCHIVE_WORKERS")
    logger.warning("ARCHIVE_PARSE_WORKERS is now called ARCHIVE_WORKERS: please rename it")
    if old > (settings.getpriority("ARCHIVE_WORKERS") or 0):
        return settings.getint("ARCHIVE_PARSE_WORKERS")
    return settings.getint("ARCHIVE_WORKERS")


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
    """Say READY, then answer each job read from ``requests`` on ``answers``, in order,
    until the input ends."""
    _send(answers, READY)
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
        _send(answers, message)


def _send(answers: BinaryIO, message: Outcome) -> None:
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
