"""Repair of ``.warc.gz.open`` files left by a killed run: cut at many points, kept whole pairs."""

from __future__ import annotations

import gzip
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.capture import Exchange, WarcFileWriter, iter_records, repair_directory
from archiver.capture.recovery import repair_open_file

VENV_BIN = Path(sys.executable).parent
NAME = "ARCHIVER-20261125015933250-00000-a1b2c3d4.warc.gz"


def exchange(n: int) -> Exchange:
    return Exchange(
        url=f"http://example.org/article/{n}",
        method="GET",
        request_headers=(("Host", "example.org"),),
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(("Content-Type", "text/html"),),
        body=(f"<html><body>article {n} ".encode() + b"x" * 3000 + b"</body></html>"),
        ip_address="192.0.2.1",
        fetched_at=datetime(2026, 11, 25, 2, 0, n, tzinfo=UTC),
    )


@pytest.fixture(scope="module")
def whole_file(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[bytes, list[tuple[str, str, int, int]]]:
    """A file of warcinfo + 3 exchanges, and its records as (type, id, offset, length)."""
    directory = tmp_path_factory.mktemp("whole")
    with WarcFileWriter(directory) as writer:
        for n in range(3):
            writer.write_exchange(exchange(n))
    [path] = directory.glob("*.warc.gz")
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), offset, length)
        for r, offset, length in iter_records(path)
    ]
    return path.read_bytes(), records


def left_open(directory: Path, data: bytes) -> Path:
    path = directory / (NAME + ".open")
    path.write_bytes(data)
    return path


def record_ids(path: Path) -> list[str]:
    return [r.rec_headers.get_header("WARC-Record-ID") for r, _, _ in iter_records(path)]


def assert_valid(path: Path) -> None:
    check = subprocess.run(
        [str(VENV_BIN / "warcio"), "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    with gzip.open(path) as fh:
        fh.read()


# Where the killed run stopped, as (record index the cut falls in, fraction into that record),
# and how many records (warcinfo first, then request/response pairs) survive whole.
# Records: 0 warcinfo, 1 req0, 2 resp0, 3 req1, 4 resp1, 5 req2, 6 resp2.
CUTS = {
    "mid last response": (6, 0.5, 5),
    "between last request and response": (6, 0.0, 5),
    "mid last request": (5, 0.5, 5),
    "a few bytes into the response": (4, 0.01, 3),
    "mid first response": (2, 0.5, 1),
}


@pytest.mark.parametrize("case", CUTS)
def test_cut_file_keeps_exactly_the_whole_pairs(
    tmp_path: Path, whole_file: tuple[bytes, list[tuple[str, str, int, int]]], case: str
) -> None:
    data, records = whole_file
    index, fraction, kept = CUTS[case]
    _, _, offset, length = records[index]
    cut = offset + int(length * fraction)
    path = left_open(tmp_path, data[:cut])

    result = repair_open_file(path)

    if kept == 1:  # only the warcinfo would remain: no capture, no file
        assert result.outcome == "deleted"
        assert not path.exists()
        assert not list(tmp_path.iterdir())
        return
    assert result.outcome == "truncated"
    assert result.final_path == tmp_path / NAME
    assert not path.exists()
    assert record_ids(tmp_path / NAME) == [record[1] for record in records[:kept]]
    last_kept = records[kept - 1]
    assert result.kept_bytes == last_kept[2] + last_kept[3] == (tmp_path / NAME).stat().st_size
    assert result.dropped_bytes == cut - result.kept_bytes
    whole_dropped = sum(1 for r in records[kept:] if r[2] + r[3] <= cut)
    assert result.dropped_records == whole_dropped
    assert_valid(tmp_path / NAME)


@pytest.mark.parametrize("cut", [0, 10, "after warcinfo"])
def test_file_with_nothing_but_warcinfo_is_deleted(
    tmp_path: Path, whole_file: tuple[bytes, list[tuple[str, str, int, int]]], cut: int | str
) -> None:
    data, records = whole_file
    end = records[0][2] + records[0][3] if cut == "after warcinfo" else int(cut)
    path = left_open(tmp_path, data[:end])
    result = repair_open_file(path)
    assert result.outcome == "deleted"
    assert result.kept_records <= 1
    assert not list(tmp_path.iterdir())


def test_whole_file_left_open_is_only_renamed(
    tmp_path: Path, whole_file: tuple[bytes, list[tuple[str, str, int, int]]]
) -> None:
    data, records = whole_file
    result = repair_open_file(left_open(tmp_path, data))
    assert result.outcome == "renamed"
    assert (result.kept_records, result.dropped_records, result.dropped_bytes) == (7, 0, 0)
    assert record_ids(tmp_path / NAME) == [r[1] for r in records]


def test_trailing_garbage_is_cut_off(
    tmp_path: Path, whole_file: tuple[bytes, list[tuple[str, str, int, int]]]
) -> None:
    data, _ = whole_file
    result = repair_open_file(left_open(tmp_path, data + b"\0" * 4096))
    assert result.outcome == "truncated"
    assert result.dropped_bytes == 4096
    assert (tmp_path / NAME).read_bytes() == data


def test_damage_followed_by_readable_records_is_left_alone(
    tmp_path: Path, whole_file: tuple[bytes, list[tuple[str, str, int, int]]]
) -> None:
    data, records = whole_file
    _, _, offset, length = records[2]
    middle = offset + length // 2
    damaged = data[:middle] + bytes(64) + data[middle + 64 :]
    path = left_open(tmp_path, damaged)
    result = repair_open_file(path)
    assert result.outcome == "skipped"
    assert "inspect by hand" in result.reason
    assert path.read_bytes() == damaged  # untouched: cutting would lose records 3..6


def test_file_of_a_running_writer_is_skipped(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    writer.write_exchange(exchange(1))
    [path] = tmp_path.glob("*.open")
    [result] = repair_directory(tmp_path)
    assert result.outcome == "skipped"
    assert "locked" in result.reason
    assert path.exists()
    writer.close()
    assert repair_directory(tmp_path) == []  # closed files are not touched


def test_repair_directory_repairs_every_open_file(
    tmp_path: Path, whole_file: tuple[bytes, list[tuple[str, str, int, int]]]
) -> None:
    data, records = whole_file
    left_open(tmp_path, data[: records[6][2] + 5])
    other = tmp_path / NAME.replace("-00000-", "-00001-")
    (tmp_path / (other.name + ".open")).write_bytes(data[: records[1][2]])
    closed = tmp_path / NAME.replace("-00000-", "-00002-")
    closed.write_bytes(data)
    results = repair_directory(tmp_path)
    assert sorted(r.outcome for r in results) == ["deleted", "truncated"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([NAME, closed.name])
    assert closed.read_bytes() == data
    assert repair_directory(tmp_path / "missing") == []


def test_existing_final_name_is_never_overwritten(
    tmp_path: Path, whole_file: tuple[bytes, list[tuple[str, str, int, int]]]
) -> None:
    data, _ = whole_file
    (tmp_path / NAME).write_bytes(b"keep me")
    result = repair_open_file(left_open(tmp_path, data))
    assert result.outcome == "skipped"
    assert (tmp_path / NAME).read_bytes() == b"keep me"
