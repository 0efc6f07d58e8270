"""Running pywb (wb-manager, wayback) from the tests: pywb lives in a venv of its own
(ARCHIVER_PYWB_VENV, made by `make test`) or on PATH."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pywb_bin() -> Path | None:
    """The directory holding wb-manager and wayback, from ARCHIVER_PYWB_VENV or PATH."""
    venv = os.environ.get("ARCHIVER_PYWB_VENV")
    if venv and (Path(venv) / "bin" / "wayback").exists():
        return Path(venv).resolve() / "bin"  # absolute: the tests run pywb in other folders
    found = shutil.which("wb-manager")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"wayback did not listen on 127.0.0.1:{port} within {seconds}s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:  # 3xx arrive here once redirects are not followed
        return error.code, dict(error.headers), error.read()


def make_collection(bin_dir: Path, root: Path, warcs: list[Path]) -> None:
    """A pywb collection "archive" under root holding the WARCs."""
    for args in (["init", "archive"], ["add", "archive", *map(str, warcs)]):
        subprocess.run(
            [str(bin_dir / "wb-manager"), *args],
            cwd=root,
            check=True,
            timeout=120,
            capture_output=True,
        )


@contextmanager
def running_wayback(bin_dir: Path, root: Path) -> Iterator[str]:
    """Serve root's collections on a loopback port; yields the base URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
