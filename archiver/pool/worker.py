"""A worker process of the pool: ``python -m archiver.pool.worker [MODULE ...]``.

It imports the modules named (those of the functions it will run), says READY, then runs
each job read from its stdin and writes the answer to its stdout, in order, until its stdin
ends: when the pool closes it, or when the process that started it dies (``kill -9``
included; nothing else holds that pipe), so no worker outlives its parent. It ignores SIGINT
and SIGTERM (a terminal's Ctrl-C and ``systemctl stop`` reach the whole process group): the
parent decides when it stops, and its graceful stop still needs the jobs in flight answered.
Anything a job prints goes to stderr, never into the answers.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from typing import BinaryIO

from archiver.pool.protocol import READY, Job, frame, read_frame


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Say READY, then answer each job read from ``requests`` on ``answers`` until the input
    ends."""
    _send(answers, READY)
    while True:
        try:
            job: Job = read_frame(requests)
        except EOFError:
            return  # the parent closed our input, or died
        _send(answers, job.run())


def _send(answers: BinaryIO, message: object) -> None:
    answers.write(frame(message))
    answers.flush()


def main() -> None:
    for module in sys.argv[1:]:
        importlib.import_module(module)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    with contextlib.suppress(BrokenPipeError):  # the parent is gone
        serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
