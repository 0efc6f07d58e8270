"""The replica served over HTTP/1.1 on loopback, in a background thread.

Pages are rendered on first request for the server's own base URL and cached with their
gzip form; the profile decides gzip (always, on Accept-Encoding, never) and chunked
transfer (never, some paths, always). Every request is logged. ``faults`` maps a path to a
callable that may replace or withhold the response, the hook for fault injection.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import socket
import socketserver
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from replica.generator import build_site
from replica.router import Response, Router
from replica.site import Site

logger = logging.getLogger(__name__)

# A fault gets the handler and the normal response; it returns the response to send (the
# same, a replacement, or after a delay), or None once it has dealt with the connection
# itself (e.g. closed it mid-way).
Fault = Callable[[BaseHTTPRequestHandler, Response], Response | None]
_CACHE_LIMIT = 20_000  # cached targets; query variants are unbounded, so start over past it
_CHUNK = 4096


class ReplicaServer:
    """Serve ``site`` on ``host:port`` (port 0: any free port); a context manager."""

    def __init__(
        self,
        site: Site,
        host: str = "127.0.0.1",
        port: int = 0,
        request_log: Path | None = None,
        faults: dict[str, Fault] | None = None,
        *,
        cdn: str | None = None,
    ) -> None:
        self.host = host
        self.cdn = cdn  # base URL of a second server acting as the pages' CDN
        self.port = port
        self.request_log = request_log
        self.faults: dict[str, Fault] = dict(faults or {})
        self._site = site
        self._router: Router | None = None
        self._cache: dict[str, tuple[Response, bytes | None]] = {}
        self._requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` once started."""
        if self._httpd is None:
            raise RuntimeError("ReplicaServer is not running: call start() or use `with`")
        return f"http://{self.host}:{self.port}"

    @property
    def site(self) -> Site:
        """The site being served."""
        return self._site

    def start(self) -> ReplicaServer:
        """Bind, then serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._router = Router(self._site, self.base_url, self.cdn)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        logger.debug("replica serving %d articles at %s", len(self._site.articles), self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and any open keep-alive connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections(timeout=5.0)
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def set_site(self, site: Site) -> None:
        """Serve another site from now on (e.g. the same seed with more articles)."""
        with self._lock:
            self._site = site
            self._router = Router(site, self.base_url, self.cdn) if self._httpd else None
            self._cache = {}

    def grow(self, articles: int) -> Site:
        """Rebuild the served site with ``articles`` posts, same seed and profile."""
        site = build_site(self._site.seed, articles, self._site.profile)
        self.set_site(site)
        return site

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Logged requests so far (a copy): method, path (with query), headers, status (0 if
        a fault withheld the response) and time (epoch seconds)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget logged requests (the request_log file is left alone)."""
        with self._lock:
            self._requests.clear()

    def respond(self, target: str) -> tuple[Response, bytes | None]:
        """The response for a target and its gzip body (None if not compressible); cached."""
        with self._lock:
            cached = self._cache.get(target)
            router = self._router
        if cached is not None:
            return cached
        if router is None:
            raise RuntimeError("ReplicaServer is not running")
        response = router(target)
        packed = gzip.compress(response.body, mtime=0) if response.compressible else None
        with self._lock:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache = {}
            self._cache[target] = (response, packed)
        return response, packed

    def log_request(self, entry: dict[str, Any]) -> None:
        """Record one request in memory and, if configured, as a JSON line."""
        with self._lock:
            self._requests.append(entry)
            if self.request_log is not None:
                with self.request_log.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(entry, ensure_ascii=False) + "\n")


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that tracks connections so stop() can close idle keep-alives."""

    daemon_threads = True
    allow_reuse_address = True  # restart on the same port right after stop()
    block_on_close = False

    def __init__(self, address: tuple[str, int], replica: ReplicaServer) -> None:
        self.replica = replica
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name (getfqdn); loopback needs no lookup.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]  # type: ignore[assignment]

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.pop(request, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response are normal in crawls: log quietly, not to stderr."""
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_connections(self, timeout: float) -> None:
        """Shut down open connection sockets and wait for their threads to end."""
        with self._connections_lock:
            open_now = list(self._connections.items())
        for connection, _ in open_now:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for _, thread in open_now:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD with keep-alive; Content-Length or chunked on every response."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end, so no thread waits forever
    # Headers and body go out in two writes; with Nagle on, the second waits for the
    # client's delayed ACK (~40 ms a response on loopback).
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def version_string(self) -> str:
        """The Server header: just "nginx", as the site's front end would send."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are recorded in ReplicaServer.requests instead."""

    def _serve(self, *, head: bool) -> None:
        replica = self.server.replica
        try:
            response, packed = replica.respond(self.path)
        except Exception:  # a rendering bug must not look like a network fault
            logger.exception("replica could not render %s", self.path)
            response, packed = Response(500, b"replica rendering error", "text/plain"), None
        fault = replica.faults.get(self.path.split("?", 1)[0])
        if fault is not None:
            faulted = fault(self, response)
            if faulted is None:
                self._log(replica, 0)
                return
            if faulted is not response:
                response, packed = faulted, None
        self._log(replica, response.status)
        self._send(response, packed, head=head)

    def _log(self, replica: ReplicaServer, status: int) -> None:
        replica.log_request(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers.items()),
                "status": status,
                "time": time.time(),
            }
        )

    def _send(self, response: Response, packed: bytes | None, *, head: bool) -> None:
        profile = self.server.replica.site.profile
        body = response.body
        headers = [("Content-Type", response.content_type), *response.headers]
        if packed is not None and profile.gzip != "never":
            headers.append(("Vary", "Accept-Encoding"))
            if profile.gzip == "always" or _accepts_gzip(self.headers.get("Accept-Encoding")):
                body = packed
                headers.append(("Content-Encoding", "gzip"))
        # Chunked framing exists only in HTTP/1.1; HTTP/1.0 clients always get a length.
        http11 = self.request_version == "HTTP/1.1"
        if body and http11 and _chunk_this(profile.chunked, self.path):
            headers.append(("Transfer-Encoding", "chunked"))
            body = _chunked(body)
        else:
            headers.append(("Content-Length", str(len(body))))
        self.send_response(response.status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _accepts_gzip(header: str | None) -> bool:
    """Accept-Encoding allows gzip (by name or "*") with a non-zero q."""
    for token in (header or "").split(","):
        name, _, params = token.partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().removeprefix("q=") or "1"
        with contextlib.suppress(ValueError):
            return float(quality) > 0
        return True
    return False


def _chunk_this(mode: str, target: str) -> bool:
    """ "some": a fixed half of the paths, chosen by a hash of the path."""
    if mode == "some":
        return zlib.crc32(target.split("?", 1)[0].encode()) % 2 == 0
    return mode == "always"


def _chunked(body: bytes) -> bytes:
    """HTTP/1.1 chunked framing of ``body`` (chunks of 4 KiB, then the last-chunk)."""
    parts = [
        b"%X\r\n%s\r\n" % (len(body[start : start + _CHUNK]), body[start : start + _CHUNK])
        for start in range(0, len(body), _CHUNK)
    ]
    return b"".join(parts) + b"0\r\n\r\n"
