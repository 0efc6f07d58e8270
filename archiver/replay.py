"""``archiver replay``: serve an output directory in pywb, on 127.0.0.1 only.

pywb is no dependency of archiver: it pins werkzeug, redis and pyOpenSSL and brings gevent,
so it lives in a venv of its own (``make test`` builds ``.venv-pywb`` next to the project;
``ARCHIVER_PYWB_VENV`` or ``--pywb-venv`` name another). It reads the archive where it is:
a ``config.yaml`` in a temporary directory points its one collection, ``archive``, at
``indexes/index.cdxj`` and ``warc/``, so nothing is copied, however large the archive.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archiver import indexes
from archiver.jsonl import iter_records
from archiver.layout import OutputLayout

PYWB_VENV_ENV = "ARCHIVER_PYWB_VENV"
DEFAULT_PYWB_VENV = Path(__file__).resolve().parent.parent / ".venv-pywb"
COLLECTION = "archive"
HOST = "127.0.0.1"
START_SECONDS = 60.0


def pywb_bin(venv: Path | None = None) -> Path | None:
    """The directory holding ``wayback``: ``venv``, else $ARCHIVER_PYWB_VENV, else
    ``.venv-pywb`` next to the project, else PATH; None if none has it."""
    named = venv or os.environ.get(PYWB_VENV_ENV) or DEFAULT_PYWB_VENV
    if (Path(named) / "bin" / "wayback").exists():
        return Path(named).resolve() / "bin"  # absolute: wayback runs in another folder
    found = shutil.which("wayback")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, seconds: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"wayback exited with code {process.returncode} at start: is port {port} "
                "free? pass another with --port"
            )
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"wayback did not listen on {HOST}:{port} within {seconds:.0f}s")


def write_config(directory: Path, layout: OutputLayout) -> Path:
    """A pywb ``config.yaml`` in ``directory`` serving the archive as collection ``archive``."""
    index = (layout.indexes / indexes.MERGED_NAME).resolve()
    warcs = layout.warc.resolve()
    config = directory / "config.yaml"
    # JSON strings are YAML strings: paths with any character stay one scalar.
    config.write_text(
        "collections:\n"
        f"  {COLLECTION}:\n"
        f"    index_paths: {_quoted(str(index))}\n"
        f"    archive_paths: {_quoted(str(warcs) + '/')}\n"
        "framed_replay: true\n",
        encoding="utf-8",
    )
    return config


def _quoted(text: str) -> str:
    return json.dumps(text)


@contextmanager
def running_wayback(bin_dir: Path, cwd: Path, port: int | None = None) -> Iterator[str]:
    """Serve the collections configured in ``cwd`` on a loopback port; yields the base URL."""
    port = port or free_port()
    process = subprocess.Popen(
        [str(bin_dir / "wayback"), "-p", str(port), "-b", HOST],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, START_SECONDS, process)
        yield f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@contextmanager
def serving(root: Path, *, bin_dir: Path, port: int | None = None) -> Iterator[str]:
    """pywb serving the output root ``root``; yields the collection's URL."""
    layout = OutputLayout(Path(root))
    report = indexes.ensure_indexes(layout)
    if report.merged is None:
        raise FileNotFoundError(f"{layout.warc} holds no closed WARC file: nothing to replay")
    with tempfile.TemporaryDirectory(prefix="archiver-replay-") as scratch:
        write_config(Path(scratch), layout)
        with running_wayback(bin_dir, Path(scratch), port) as base:
            yield f"{base}/{COLLECTION}"


def first_article(layout: OutputLayout) -> dict[str, Any] | None:
    """The first record of the dataset, or None when there is none."""
    return next(iter_records(layout.jsonl), None)


def replay_url(collection: str, record: dict[str, Any]) -> str:
    """The pywb URL of a record's capture (``fetched_at`` as a 14-digit timestamp)."""
    stamp = "".join(ch for ch in record["fetched_at"] if ch.isdigit())[:14]
    return f"{collection}/{stamp}/{record['url']}"


def serve(root: Path, *, port: int, venv: Path | None = None) -> int:
    """``archiver replay``: serve until Ctrl-C (or SIGTERM); returns the exit code."""
    bin_dir = pywb_bin(venv)
    if bin_dir is None:
        print(
            "archiver replay: pywb not found: run `make test` (it builds .venv-pywb), or "
            f"pass --pywb-venv DIR or set {PYWB_VENV_ENV} to a venv with pywb installed",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C
    try:
        with serving(root, bin_dir=bin_dir, port=port) as collection:
            record = first_article(OutputLayout(Path(root)))
            print(f"pywb is serving {root} at {collection}/", flush=True)
            if record is not None:
                print(f"First article: {replay_url(collection, record)}", flush=True)
            print("Press Ctrl-C to stop.", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
        return 0
    except (FileNotFoundError, RuntimeError, TimeoutError) as exc:
        print(f"archiver replay: {exc}", file=sys.stderr)
        return 2
