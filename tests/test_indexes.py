"""CDXJ indexes (archiver.indexes): one per closed WARC, written when the writer closes it,
and a merged one; every capture's pointer is found there, exactly."""

from __future__ import annotations

import json
import os
from pathlib import Path

from archiver.capture import WarcFileWriter
from archiver.cli import main
from archiver.indexes import (
    MERGED_NAME,
    ensure_indexes,
    index_path,
    index_warc,
    merged_lines,
    remove_leftovers,
)
from archiver.items import Capture
from archiver.layout import OutputLayout
from tests.test_capture import make_exchange


def parse(line: str) -> tuple[str, str, dict[str, str]]:
    key, timestamp, blob = line.split(" ", 2)
    return key, timestamp, json.loads(blob)


def write_archive(root: Path, count: int = 12) -> list[Capture]:
    """WARCs in several files (a small max_size), each indexed when closed."""
    layout = OutputLayout(root)
    captures = []
    with WarcFileWriter(layout.warc, max_size=3000) as writer:
        writer.on_close = lambda path: index_warc(path, layout.indexes)
        for number in range(count):
            url = f"https://example.org/news/{(number * 7) % count}-story"
            captures.append(writer.write_exchange(make_exchange(url)))
    return captures


def test_each_closed_file_is_indexed_and_every_pointer_is_found_exactly(tmp_path: Path) -> None:
    captures = write_archive(tmp_path)
    layout = OutputLayout(tmp_path)
    warcs = sorted(layout.warc.glob("*.warc.gz"))
    assert len(warcs) > 2
    rows = {}
    for warc in warcs:  # indexed by the on_close hook, before any ensure_indexes
        for line in index_path(layout.indexes, warc).read_text().splitlines():
            key, timestamp, fields = parse(line)
            assert fields["filename"] == warc.name
            rows[fields["url"]] = (key, timestamp, fields)
    for capture in captures:
        key, timestamp, fields = rows[capture.target_uri]
        assert (fields["filename"], int(fields["offset"]), int(fields["length"])) == (
            capture.warc.filename,
            capture.warc.offset,
            capture.warc.length,
        )
        assert fields["digest"] == capture.payload_digest
        assert (fields["mime"], fields["status"]) == ("text/html", "200")
        assert key.startswith("org,example)/news/")  # SURT
        assert timestamp == "20261125015933"


def test_the_merged_index_holds_every_line_sorted(tmp_path: Path) -> None:
    write_archive(tmp_path)
    layout = OutputLayout(tmp_path)
    report = ensure_indexes(layout)
    assert report.merged == layout.indexes / MERGED_NAME
    assert report.built == []  # the hook had indexed every file already
    merged = report.merged.read_text().splitlines()
    assert merged == sorted(merged)
    per_file = [line for path in report.indexes for line in path.read_text().splitlines()]
    assert sorted(per_file) == merged
    assert [line.rstrip("\n") for line in merged_lines(report.indexes)] == merged


def test_missing_and_stale_indexes_are_rebuilt(tmp_path: Path) -> None:
    write_archive(tmp_path)
    layout = OutputLayout(tmp_path)
    first, second, *_ = sorted(layout.warc.glob("*.warc.gz"))
    index_path(layout.indexes, first).unlink()
    stale = index_path(layout.indexes, second)
    os.utime(stale, (1, 1))  # older than its WARC: that of a file repaired since
    report = ensure_indexes(layout)
    assert sorted(report.built) == sorted([index_path(layout.indexes, first), stale])
    assert ensure_indexes(layout).built == []  # now up to date


def test_open_files_are_not_indexed_but_named(tmp_path: Path) -> None:
    layout = OutputLayout(tmp_path)
    writer = WarcFileWriter(layout.warc)
    writer.write_exchange(make_exchange())
    report = ensure_indexes(layout)  # the file is still being written
    assert report.merged is None and report.indexes == []
    assert [path.name for path in report.open_files] == [f"{writer.current_name}.open"]
    writer.close()


def test_archiver_index_rebuilds_everything(tmp_path: Path) -> None:
    write_archive(tmp_path)
    layout = OutputLayout(tmp_path)
    assert not (layout.indexes / MERGED_NAME).exists()  # the writer's hook indexes files only
    assert main(["index", str(tmp_path)]) == 0
    assert (layout.indexes / MERGED_NAME).is_file()
    assert main(["index", str(tmp_path / "nothing-here")]) == 2


def test_a_killed_processs_partial_indexes_are_removed(tmp_path: Path) -> None:
    write_archive(tmp_path)
    layout = OutputLayout(tmp_path)
    partial = layout.indexes / f"{MERGED_NAME}.4242.open"  # a kill mid-write leaves this
    partial.write_text("half a line")
    assert remove_leftovers(layout.indexes) == [partial]
    assert not partial.exists()
    assert list(layout.indexes.glob("*.cdxj"))  # the whole indexes stay
