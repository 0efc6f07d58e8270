"""A loopback HTTP server for fixed files that answers Range requests (ReplayWeb.page reads a
WACZ by ranges: the ZIP directory, then only the entries and blocks a page needs)."""

from __future__ import annotations

import mimetypes
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
CHUNK = 1 << 16


class RangeFileServer:
    """Serves ``files`` ({URL path: file}) on 127.0.0.1; ``requests`` logs every one."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files
        self.requests: list[tuple[str, str, str]] = []  # method, path, Range header
        handler = type("Handler", (_Handler,), {"server_files": files, "log": self.requests})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RangeFileServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    server_files: dict[str, Path]
    log: list[tuple[str, str, str]]

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, *, body: bool) -> None:
        path = urlsplit(self.path).path
        self.log.append((self.command, path, self.headers.get("Range", "")))
        file = self.server_files.get(path)
        if file is None:
            self.send_error(404)
            return
        size = file.stat().st_size
        start, end = self._range(size)
        if start is None:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return
        self._headers(file, size, start, end)
        if body:
            self._copy(file, start, end)

    def _range(self, size: int) -> tuple[int | None, int]:
        header = self.headers.get("Range")
        match = RANGE.match(header or "")
        if not match:
            return 0, size - 1
        first, last = match.groups()
        if not first:  # the last N bytes
            return max(0, size - int(last or 0)), size - 1
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
        return (start, end) if start < size and start <= end else (None, 0)

    def _headers(self, file: Path, size: int, start: int, end: int) -> None:
        partial = self.headers.get("Range") is not None
        self.send_response(206 if partial else 200)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix == ".js":
            kind = "application/javascript"
        self.send_header("Content-Type", kind)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if partial:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _copy(self, file: Path, start: int, end: int) -> None:
        with file.open("rb") as source:
            source.seek(start)
            remaining = end - start + 1
            while remaining > 0 and (chunk := source.read(min(CHUNK, remaining))):
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the test reads self.log instead of stderr
