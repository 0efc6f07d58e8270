"""Output faults (issue #5, case 18): a write to the WARC or the JSONL fails mid-crawl.

``tests/test_operation.py`` fills the disk with RLIMIT_FSIZE, which hits whichever file
grows past the limit first (the state database's WAL can win that race). Here the failure
is aimed: the crawl runs under a small shim that makes writes to exactly one kind of output
file fail with ENOSPC past a byte count, as a full disk reports it (the bytes up to the
limit are written, then the error). The crawl must stop with exit 5, mark nothing done
that is not on disk, and the next run must complete.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from archiver import exitcodes
from archiver.layout import STATE_FILENAME
from replica import ReplicaServer, build_site
from tests import fault_runs
from tests.archive_checks import WarcSummary, check_pointer, check_warcs
from tests.fault_runs import crawl

pytestmark = pytest.mark.e2e

ARTICLES = 12

# Runs ``archiver.cli`` with writes to one kind of file failing past LIMIT bytes (for the
# state database: past LIMIT articles marked archived, as SQLite reports SQLITE_FULL).
# argv: KIND (jsonl | warc | state), LIMIT, then archiver's own arguments.
SHIM = r"""
import errno, os, pathlib, runpy, sys
kind, limit = sys.argv[1], int(sys.argv[2])
written = 0

def room(size):
    global written
    allowed = max(0, min(size, limit - written))
    written += allowed
    return allowed

def full():
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

if kind == "jsonl":  # the JSONL file is a text file opened with Path.open("x")
    real_open = pathlib.Path.open

    class Filling:
        def __init__(self, file):
            self._file = file
        def write(self, text):
            allowed = room(len(text.encode()))
            if allowed < len(text.encode()):
                self._file.write(text.encode()[:allowed].decode(errors="ignore"))
                self._file.flush()
                full()
            return self._file.write(text)
        def __getattr__(self, name):
            return getattr(self._file, name)

    def open_(self, mode="r", *args, **kwargs):
        file = real_open(self, mode, *args, **kwargs)
        return Filling(file) if self.name.endswith(".jsonl.open") else file

    pathlib.Path.open = open_
elif kind == "state":  # the state database: sqlite3 connections made with a failing factory
    import sqlite3

    class Filling(sqlite3.Connection):
        def executemany(self, sql, rows):
            if sql.startswith("INSERT OR IGNORE INTO articles"):
                rows = list(rows)
                if room(len(rows)) < len(rows):
                    raise sqlite3.OperationalError("database or disk is full")
            return super().executemany(sql, rows)

    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        return real_connect(*args, factory=Filling, **kwargs)

    sqlite3.connect = connect
else:  # WARC files are written with os.write on a descriptor
    real_write = os.write

    def write(fd, data):
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            name = ""
        if name.endswith(".warc.gz.open"):
            allowed = room(len(data))
            if allowed < len(data):
                if allowed:
                    real_write(fd, bytes(data)[:allowed])
                full()
        return real_write(fd, data)

    os.write = write
sys.argv = ["archiver", *sys.argv[3:]]
runpy.run_module("archiver.cli", run_name="__main__", alter_sys=True)
"""


def failing(kind: str, limit: int) -> Any:
    """``fault_runs._run`` with the crawl started under the shim."""
    run = fault_runs._run

    def shimmed(command: list[str]) -> tuple[str, int, int]:
        assert command[1:3] == ["-m", "archiver.cli"], command
        return run([sys.executable, "-c", SHIM, kind, str(limit), *command[3:]])

    return shimmed


def leftovers_allowed(output: Path) -> WarcSummary:
    """After a write error the run leaves ``.open`` files for the next run to repair; the
    closed ones must be whole (``check_warcs`` on them alone)."""
    closed = output.parent / f"{output.name}-closed"
    (closed / "warc").mkdir(parents=True)
    for path in (output / "warc").glob("*.warc.gz"):
        (closed / "warc" / path.name).symlink_to(path)
    summary = check_warcs(closed) if list((closed / "warc").iterdir()) else WarcSummary()
    return summary


def complete_lines(output: Path) -> dict[str, dict[str, Any]]:
    """Every complete (newline-ended) line of every JSONL file, closed or left open, by URL;
    each must parse. A last line cut by the full disk is the repair's business."""
    records = {}
    for path in sorted((output / "jsonl").glob("*.jsonl*")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.split("\n")[:-1]:
            record = json.loads(line)
            records[record["url"]] = record
    return records


def marked_done(output: Path) -> set[str]:
    with sqlite3.connect(output / STATE_FILENAME) as db:
        return {row[0] for row in db.execute("SELECT url FROM articles")}


@pytest.mark.parametrize(
    ("kind", "limit", "reason"),
    [
        ("jsonl", 12_000, "jsonl_write_error"),
        ("warc", 75_000, "warc_write_error"),
        ("state", 4, "state_write_error"),
    ],
)
def test_a_write_error_exits_5_marks_nothing_unwritten_then_the_next_run_completes(
    tmp_path: Path, kind: str, limit: int, reason: str
) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fault_runs, "_run", failing(kind, limit))
            patch.setattr(fault_runs, "check_warcs", leftovers_allowed)
            patch.setattr(fault_runs, "read_jsonl", lambda output: [])
            # Commit after every record: the state then has something to be wrong about.
            run = crawl(server, output, ARCHIVE_COMMIT_ITEMS="1")
        assert run.code == exitcodes.WRITE_ERROR, run.log[-3000:]
        assert (run.report["finish_reason"], run.report["exit_code"]) == (reason, 5)
        assert "No space left on device" in run.log or "database or disk is full" in run.log
        done, written = marked_done(output), complete_lines(output)
        assert done, "nothing was committed before the failure: the check below is empty"
        assert done <= set(written), "an article is marked done without its record"
        for url in done:
            capture = Path(output / "warc" / written[url]["warc"]["filename"])
            assert capture.is_file(), f"{url} is marked done but its WARC was never closed"
            check_pointer(output, written[url])
        assert len(done) < len(expected(server)), "the crawl did not stop at the error"

        again = crawl(server, output)
        assert again.code == exitcodes.OK, again.log[-3000:]
        urls = [record["url"] for record in again.records]
        assert len(urls) == len(set(urls)), "an article has two records"
        assert set(urls) == expected(server)


def expected(server: ReplicaServer) -> set[str]:
    paths = {*server.site.listing_reachable_urls(), *server.site.sitemap_urls()}
    return {server.base_url + path for path in paths}
