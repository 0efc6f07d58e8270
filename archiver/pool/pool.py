"""A pool of worker processes for CPU work, driven by the asyncio event loop without threads.

``WorkerPool(n)`` runs module-level functions (``run(function, *args)``) in ``n`` worker
processes (``archiver.pool.worker``), or in the calling process when ``n`` is 0 or while no
worker is ready. It knows nothing of what the jobs do: the crawl parses pages and encodes
WARC records with it (``archiver.pool.crawler.get_workers``), ``archiver reparse`` parses
captures.

Each worker is started with ``subprocess`` (fork and exec at once: never a fork of a process
running the reactor, SQLite and threads) and speaks length-prefixed pickles on its stdin and
stdout (``archiver.pool.protocol``). The pool reads and writes those pipes from its event
loop: a ``ProcessPoolExecutor`` (two helper threads contending for the caller's GIL) cost a
crawl as much as the parse it moved away (BENCHMARKS.md).

- A job's exception is raised in the caller, with the worker's traceback as a note; one that
  does not pickle becomes ``WorkerError`` carrying that traceback.
- A worker that dies (a crash, the OOM killer) fails the jobs it had in flight with
  ``WorkerCrashed`` and is started afresh; after ``MAX_RESTARTS`` the pool runs every job in
  the calling process for the rest of its life.
- A worker says READY once it has imported everything; until one has, jobs run in the
  calling process, so a crawl's first responses (robots.txt gates every request) do not wait.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fcntl
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archiver.pool.protocol import LENGTH, READY, Answer, Job, frame

logger = logging.getLogger(__name__)

MAX_RESTARTS = 3  # worker restarts per pool; then every job runs in the calling process
CLOSE_TIMEOUT = 30.0  # seconds a worker may take to exit when the pool closes; then killed
PIPE_SIZE = 1 << 20  # bytes: a whole page fits in the pipe, so a write rarely waits
# Bytes per read of the answers: under glibc's mmap threshold (128 KiB), as os.read allocates
# its whole size up front; a 1 MiB read cost ~50 µs more than a 64 KiB one (BENCHMARKS.md).
READ_SIZE = 1 << 16
_ROOT = str(Path(__file__).resolve().parents[2])  # where ``archiver`` is imported from


class WorkerCrashed(RuntimeError):
    """The worker running this job died before answering."""


class WorkerError(RuntimeError):
    """A job raised, in a worker, an exception that could not be sent back: its traceback."""


class WorkerPool:
    """Runs the jobs in ``workers`` worker processes (0: in the calling process)."""

    def __init__(
        self, workers: int, *, preload: tuple[str, ...] = (), name: str = "ARCHIVE_WORKERS"
    ) -> None:
        """``preload``: modules a worker imports before it says READY (those of the jobs'
        functions), so the first jobs do not wait for them; ``name``: the setting or option
        that gave ``workers``, for the error message."""
        if workers < 0:
            raise ValueError(
                f"{name} must be 0 (everything in the calling process) or more, not {workers}"
            )
        self.workers = workers
        self.preload = preload
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

    async def run(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)``, in a worker if one is ready, else here; what it
        raised in a worker is raised here (``WorkerCrashed`` if the worker died first)."""
        if not self.active:
            return function(*args, **kwargs)
        return await self.submit(function, *args, **kwargs)

    def submit(
        self, function: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> asyncio.Future[Any]:
        """Send the call to the least loaded ready worker (``active`` must be True); the
        future gets its result, or its exception (see ``run``)."""
        worker = min((worker for worker in self._procs if worker.ready), key=_Worker.load)
        return worker.submit(Job(function, args, kwargs))

    def crashed(self, worker: _Worker, returncode: int | None) -> None:
        """A worker died: start another in its place, or stop using workers past the bound."""
        self._procs.remove(worker)
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            for other in self._procs:
                other.close()
            self._procs.clear()
            logger.warning(
                "A worker process died (exit status %s), %d times: every job runs in this "
                "process from now on; the jobs it had in flight failed (WorkerCrashed)",
                returncode,
                self.restarts,
            )
            return
        self._procs.append(_Worker(self))
        logger.warning(
            "A worker process died (exit status %s); the jobs it had in flight failed "
            "(WorkerCrashed); started another (%d of %d restarts)",
            returncode,
            self.restarts,
            MAX_RESTARTS,
        )

    def close(self) -> None:
        """Stop the workers: each answers what it holds, reads the end of its input and
        exits (a crawl closes only once no page awaits a job, so nothing is in flight)."""
        procs, self._procs = self._procs, []
        for worker in procs:
            worker.close()


class _Worker:
    """One worker process and the crawl's end of its pipes, driven by the event loop."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, _pythonpath()]))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "archiver.pool.worker", *pool.preload],
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
        self.waiting: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.outbox = bytearray()
        self.writing = False  # the loop watches write_fd: outbox waits for room in the pipe
        self.inbox = bytearray()
        self.ready = False  # the worker's READY frame came: its imports are done
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.read_fd, self._readable)

    def load(self) -> int:
        return len(self.waiting)

    def submit(self, job: Job) -> asyncio.Future[Any]:
        """Send ``job`` to the worker; the future gets its outcome (answers come in order)."""
        future = self.loop.create_future()
        self.waiting.append(future)
        self.outbox += frame(job)
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
        while len(self.inbox) >= LENGTH.size:
            (length,) = LENGTH.unpack_from(self.inbox)
            if len(self.inbox) < LENGTH.size + length:
                break
            payload = bytes(self.inbox[LENGTH.size : LENGTH.size + length])
            del self.inbox[: LENGTH.size + length]
            try:
                self._answer(pickle.loads(payload))
            except Exception:  # a garbled answer: its page would wait for ever
                logger.exception("Unreadable answer from worker process %d", self.process.pid)
                self.process.kill()
                self._died()
                return

    def _answer(self, message: Answer | str) -> None:
        if message == READY:
            self.ready = True
            return
        assert isinstance(message, Answer)
        future = self.waiting.popleft()
        if future.cancelled():
            return
        if not message.failed:
            future.set_result(message.value)
            return
        error = message.error or WorkerError(f"a job failed in a worker:\n{message.trace}")
        if message.error is not None:
            error.add_note(f"in worker process {self.process.pid}:\n{message.trace}")
        future.set_exception(error)

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


def _pythonpath() -> str:
    return os.environ.get("PYTHONPATH", "")


def _grow_pipe(fd: int) -> None:
    """A pipe that holds a whole page (Linux; elsewhere the default, 64 KB, works too)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        # Over /proc/sys/fs/pipe-max-size for this user: the default size works too.
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, PIPE_SIZE)
