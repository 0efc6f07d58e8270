"""JSON Lines files of the dataset: one per run, written as ``.open``, renamed when closed.

A reader of ``jsonl/*.jsonl`` only ever sees closed files. A file a killed run left as
``.jsonl.open`` is repaired by the next run before it writes anything: its partial last
line (if any) is cut, the lines the caller does not vouch for are dropped, and it is renamed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver import files
from archiver.files import OPEN_SUFFIX, publish, write_atomically

logger = logging.getLogger(__name__)


class JsonlWriter:
    """Appends one JSON object per line to ``DIR/NAME.jsonl.open``; ``close`` renames it."""

    def __init__(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.final_path = directory / f"{name}.jsonl"
        self.open_path = files.open_path(self.final_path)
        self._file = self.open_path.open("x", encoding="utf-8", newline="\n")
        self.lines = 0

    @property
    def filename(self) -> str:
        """The closed file's name: what the state database records."""
        return self.final_path.name

    def write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.lines += 1

    def sync(self) -> None:
        """Make every line written so far durable."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def abandon(self) -> None:
        """Close after a write error without renaming: the next run repairs the ``.open``
        file (a partial last line is cut there, never shipped in a closed file)."""
        # The buffered tail that could not be written is what repair cuts anyway.
        with contextlib.suppress(OSError):
            self._file.close()

    def close(self) -> None:
        """Sync, close and rename; a run that wrote nothing leaves no file."""
        if self._file.closed:
            return
        self.sync()
        self._file.close()
        if self.lines:
            publish(self.open_path, self.final_path)
        else:
            self.open_path.unlink()


@dataclass
class Repair:
    """What repairing one leftover ``.jsonl.open`` file kept and dropped."""

    path: Path
    kept: list[dict[str, Any]] = field(default_factory=list)
    dropped_lines: int = 0


def repair_leftovers(directory: Path, keep: Callable[[str, dict[str, Any]], bool]) -> list[Repair]:
    """Repair every ``*.jsonl.open`` in ``directory``.

    ``keep(final_name, record)`` decides for each whole, parseable line; partial or broken
    lines are always dropped. The kept lines are rewritten to the closed name (via a
    temporary file and an atomic rename) and the ``.open`` file is removed.
    """
    repairs = []
    for open_path in sorted(directory.glob(f"*.jsonl{OPEN_SUFFIX}")):
        final = open_path.with_name(open_path.name.removesuffix(OPEN_SUFFIX))
        repair = Repair(path=final)
        for record in _whole_records(open_path, repair):
            if keep(final.name, record):
                repair.kept.append(record)
            else:
                repair.dropped_lines += 1
        _rewrite(open_path, final, repair.kept)
        logger.warning(
            "Repaired %s left by an interrupted run: kept %d records, dropped %d lines",
            open_path.name,
            len(repair.kept),
            repair.dropped_lines,
        )
        repairs.append(repair)
    return repairs


def _whole_records(path: Path, repair: Repair) -> Iterator[dict[str, Any]]:
    data = path.read_bytes()
    for line in data.split(b"\n")[:-1]:  # the last piece has no newline: partial or empty
        try:
            record = json.loads(line)
        except ValueError:
            repair.dropped_lines += 1
            continue
        if isinstance(record, dict):
            yield record
        else:
            repair.dropped_lines += 1
    if data and not data.endswith(b"\n"):
        repair.dropped_lines += 1


def _rewrite(open_path: Path, final: Path, records: list[dict[str, Any]]) -> None:
    if not records:
        open_path.unlink()
        return
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    write_atomically(final, text)
    open_path.unlink()


def iter_records(directory: Path) -> Iterator[dict[str, Any]]:
    """Every record of every closed JSONL file in ``directory``, file by file."""
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)
