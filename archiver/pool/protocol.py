"""What the pool and its worker processes say to each other: length-prefixed pickles.

A job is a function and its arguments. The function travels by reference (pickle names its
module and qualified name), so it must be a module-level function that the worker can import;
its arguments and its result must pickle. An answer is the function's result, or the
exception it raised with the worker's traceback; the first answer of every worker is READY.
"""

from __future__ import annotations

import pickle
import struct
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

LENGTH = struct.Struct("<I")  # the frame header: payload length in bytes


@dataclass(frozen=True, slots=True)
class Job:
    """One call to run in a worker: ``function(*args, **kwargs)``."""

    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    def run(self) -> Answer:
        """The call's result, or what it raised (the exception itself when it pickles)."""
        try:
            return Answer(self.function(*self.args, **self.kwargs))
        except Exception as exc:
            return Answer(None, error=_picklable(exc), trace=traceback.format_exc())


@dataclass(frozen=True, slots=True)
class Answer:
    """A job's outcome: ``value``, or ``error`` (None if it did not pickle) and ``trace``."""

    value: Any
    error: Exception | None = None
    trace: str | None = None

    @property
    def failed(self) -> bool:
        return self.trace is not None


READY = "ready"  # a worker's first frame: it has imported everything, jobs may come


def _picklable(exc: Exception) -> Exception | None:
    try:
        pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        return None
    return exc


def frame(message: object) -> bytes:
    """``message`` as one frame: its length, then its pickle."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return LENGTH.pack(len(payload)) + payload


def read_frame(stream: BinaryIO) -> Any:
    """The next message on ``stream``; EOFError when the stream ends."""
    header = stream.read(LENGTH.size)
    if len(header) < LENGTH.size:
        raise EOFError("the stream ended")
    (length,) = LENGTH.unpack(header)
    return pickle.loads(stream.read(length))
