"""Faults the replica can inject on chosen paths: ``ReplicaServer(faults={path: fault})``.

Each factory returns a ``Fault``: a callable given the request handler and the response the
replica would have sent. It returns the response to send (the same one, or a replacement),
or None once it has written to (or closed) the connection itself. Faults that act only on
the first ``times`` requests count them (thread-safe) and let later requests through, so a
test can show that a retry, or the next run, gets the page.

Server and network: ``status`` (5xx, 404, 410, ... ``times`` times or always),
``too_many_requests`` (429 with Retry-After), ``reset`` (connection closed with a TCP RST,
no response), ``short_body`` (Content-Length promises more than is sent), ``drip`` (the
body trickles out over seconds), ``redirect`` (to any URL, for loops, chains and offsite
targets). Content: ``replace`` (any status, body, type and headers), ``huge`` (a large
body streamed without holding it in memory), ``bomb`` (a small gzip, deflate or brotli body
that expands to a huge one), ``after`` (the normal page after a delay).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler

import brotli

from replica.router import HTML, Response
from replica.server import Fault

_SLICE = 64 * 1024


class _Counter:
    """How many requests a fault has seen; ``hit()`` is True while within ``times``."""

    def __init__(self, times: int | None) -> None:
        self.times = times  # None: every request
        self.seen = 0
        self._lock = threading.Lock()

    def hit(self) -> bool:
        with self._lock:
            self.seen += 1
            return self.times is None or self.seen <= self.times


def _counted(times: int | None, act: Fault) -> Fault:
    counter = _Counter(times)

    def fault(handler: BaseHTTPRequestHandler, response: Response) -> Response | None:
        return act(handler, response) if counter.hit() else response

    return fault


def status(
    code: int, *, times: int | None = None, headers: tuple[tuple[str, str], ...] = ()
) -> Fault:
    """Answer ``code`` (with a short HTML body) the first ``times`` requests (None: always)."""
    body = f"<html><body><h1>{code}</h1></body></html>".encode()
    replacement = Response(code, body, HTML, headers)
    return _counted(times, lambda handler, response: replacement)


def too_many_requests(retry_after: int | str, *, times: int = 1) -> Fault:
    """429 with ``Retry-After: retry_after`` (seconds or an HTTP date), ``times`` times."""
    return status(429, times=times, headers=(("Retry-After", str(retry_after)),))


def replace(
    body: bytes,
    *,
    code: int = 200,
    content_type: str = HTML,
    headers: tuple[tuple[str, str], ...] = (),
    times: int | None = None,
) -> Fault:
    """Send this body (as is: never gzipped or chunked by the server) instead of the page."""
    replacement = Response(code, body, content_type, headers)
    return _counted(times, lambda handler, response: replacement)


def redirect(location: str, *, code: int = 302, times: int | None = None) -> Fault:
    """Redirect to ``location`` (relative, absolute, or any scheme: the client decides)."""
    return replace(b"", code=code, headers=(("Location", location),), times=times)


def after(seconds: float, *, times: int | None = None) -> Fault:
    """The normal response, sent after ``seconds`` (a slow server, not a dripping one)."""

    def wait(handler: BaseHTTPRequestHandler, response: Response) -> Response:
        time.sleep(seconds)
        return response

    return _counted(times, wait)


def reset(*, times: int | None = 1) -> Fault:
    """Close the connection with a TCP RST before any response byte (connection reset)."""

    def act(handler: BaseHTTPRequestHandler, response: Response) -> None:
        _abort(handler)

    return _counted(times, act)


def short_body(*, fraction: float = 0.5, times: int | None = 1) -> Fault:
    """Promise the whole body in Content-Length, send ``fraction`` of it, then close the
    connection in good order: the client sees a body shorter than its Content-Length."""

    def act(handler: BaseHTTPRequestHandler, response: Response) -> None:
        body = response.body
        _head(handler, response.status, response.content_type, len(body))
        handler.wfile.write(body[: int(len(body) * fraction)])
        handler.wfile.flush()
        handler.close_connection = True  # an orderly close (FIN), after too few bytes

    return _counted(times, act)


def drip(seconds: float, *, pieces: int = 20, times: int | None = None) -> Fault:
    """The whole body, Content-Length honest, in ``pieces`` spread over ``seconds``."""

    def act(handler: BaseHTTPRequestHandler, response: Response) -> None:
        body = response.body
        _head(handler, response.status, response.content_type, len(body))
        step = max(1, -(-len(body) // pieces))
        try:
            for start in range(0, len(body), step):
                handler.wfile.write(body[start : start + step])
                handler.wfile.flush()
                time.sleep(seconds / pieces)
        except OSError:  # the client gave up (its timeout): that is the point
            handler.close_connection = True

    return _counted(times, act)


def huge(
    size: int,
    *,
    content_type: str = HTML,
    declare_length: bool = True,
    times: int | None = None,
) -> Fault:
    """A 200 whose body is ``size`` bytes of filler, streamed (never held in memory);
    ``declare_length=False`` sends it with no Content-Length, ended by closing."""
    filler = (b"<p>" + b"x" * (_SLICE - 8) + b"</p>\n")[:_SLICE]

    def act(handler: BaseHTTPRequestHandler, response: Response) -> None:
        _head(handler, 200, content_type, size if declare_length else None)
        sent = 0
        try:
            while sent < size:
                piece = filler[: min(_SLICE, size - sent)]
                handler.wfile.write(piece)
                sent += len(piece)
            handler.wfile.flush()
        except OSError:  # the client cancelled at its size cap
            pass
        handler.close_connection = True

    return _counted(times, act)


def bomb(encoding: str, expanded: int, *, times: int | None = None) -> Fault:
    """A 200 whose body, Content-Encoding ``gzip``, ``deflate`` or ``br``, is a few KiB
    that expand to ``expanded`` bytes of HTML-looking filler."""
    body = compress(encoding, expanded)
    headers = (("Content-Encoding", encoding),)
    return replace(body, headers=headers, times=times)


def compress(encoding: str, expanded: int) -> bytes:
    """``expanded`` bytes (a page head, then spaces) compressed with ``encoding``, built
    piecewise so the expanded form is never held in memory."""
    head = b"<html><head><title>bomb</title></head><body>"
    zeros = b" " * (1 << 20)
    if encoding == "br":
        compressor = brotli.Compressor(quality=5)
        out = [compressor.process(head)]
        for _ in range(-(-expanded // len(zeros))):
            out.append(compressor.process(zeros))
        out.append(compressor.finish())
        return b"".join(out)
    wbits = {"gzip": 31, "x-gzip": 31, "deflate": zlib.MAX_WBITS}.get(encoding)
    if wbits is None:
        raise ValueError(f"no bomb for Content-Encoding {encoding!r}")
    zcomp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [zcomp.compress(head)]
    for _ in range(-(-expanded // len(zeros))):
        parts.append(zcomp.compress(zeros))
    parts.append(zcomp.flush())
    return b"".join(parts)


def sequence(*faults: Fault | None) -> Fault:
    """The n-th request gets the n-th fault (None: the normal page); after the last, the
    normal page. E.g. ``sequence(reset(times=None), status(503))``."""
    steps = list(faults)
    counter = _Counter(None)

    def fault(handler: BaseHTTPRequestHandler, response: Response) -> Response | None:
        counter.hit()
        step = steps[counter.seen - 1] if counter.seen <= len(steps) else None
        return response if step is None else step(handler, response)

    return fault


def _head(
    handler: BaseHTTPRequestHandler, code: int, content_type: str, length: int | None
) -> None:
    handler.send_response(code)
    handler.send_header("Content-Type", content_type)
    if length is not None:
        handler.send_header("Content-Length", str(length))
    else:
        handler.send_header("Connection", "close")
    handler.end_headers()


def _abort(handler: BaseHTTPRequestHandler) -> None:
    """Close with RST (SO_LINGER on, timeout 0): a reset, not an orderly end."""
    handler.close_connection = True
    connection: socket.socket = handler.connection
    with contextlib.suppress(OSError):
        handler.wfile.flush()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
