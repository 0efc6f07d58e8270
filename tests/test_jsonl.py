"""JSONL files: .open while written, renamed when closed, repaired after a kill."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import files
from archiver.jsonl import JsonlWriter, iter_records, repair_leftovers


def test_written_as_open_and_renamed_on_close(tmp_path: Path) -> None:
    writer = JsonlWriter(tmp_path, "run")
    writer.write({"url": "a", "title": "Ünïcode “quotes”"})
    assert [p.name for p in tmp_path.iterdir()] == ["run.jsonl.open"]
    writer.close()
    assert [p.name for p in tmp_path.iterdir()] == ["run.jsonl"]
    assert list(iter_records(tmp_path)) == [{"url": "a", "title": "Ünïcode “quotes”"}]


def test_a_run_that_wrote_nothing_leaves_no_file(tmp_path: Path) -> None:
    JsonlWriter(tmp_path, "empty").close()
    assert list(tmp_path.iterdir()) == []


def test_repair_cuts_the_partial_line_and_keeps_what_the_caller_vouches_for(
    tmp_path: Path,
) -> None:
    (tmp_path / "run.jsonl.open").write_bytes(
        b'{"url": "a"}\n{"url": "b"}\nnot json\n[1]\n{"url": "c"}\n{"url": "d", "tit'
    )
    repairs = repair_leftovers(tmp_path, lambda name, record: record["url"] != "b")
    assert [r["url"] for r in repairs[0].kept] == ["a", "c"]
    assert repairs[0].dropped_lines == 4  # b, not json, [1], the partial line
    assert [p.name for p in tmp_path.iterdir()] == ["run.jsonl"]
    assert [r["url"] for r in iter_records(tmp_path)] == ["a", "c"]


def test_repair_of_a_file_with_nothing_kept_removes_it(tmp_path: Path) -> None:
    (tmp_path / "run.jsonl.open").write_bytes(b'{"url": "a", "ti')
    repair_leftovers(tmp_path, lambda name, record: True)
    assert list(tmp_path.iterdir()) == []


def test_closing_makes_the_rename_durable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename to the final name is followed by an fsync of the directory, as for WARC
    files: after a power cut the file is still under its final name, never back at .open."""
    synced: list[Path] = []
    real = files.fsync_dir
    monkeypatch.setattr(files, "fsync_dir", lambda d: (synced.append(d), real(d)))
    writer = JsonlWriter(tmp_path / "jsonl", "RUN")
    writer.write({"url": "u"})
    writer.close()
    assert (tmp_path / "jsonl" / "RUN.jsonl").is_file()
    assert not (tmp_path / "jsonl" / "RUN.jsonl.open").exists()
    assert synced == [tmp_path / "jsonl"]


def test_a_published_file_replaces_its_old_version_whole(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "r.json"
    files.write_json_atomically(path, {"a": 1})
    files.write_json_atomically(path, {"a": 2})
    assert path.read_text(encoding="utf-8") == '{\n  "a": 2\n}\n'
    assert sorted(p.name for p in path.parent.iterdir()) == ["r.json"]  # no temporary left
