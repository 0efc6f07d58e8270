"""JSONL files: .open while written, renamed when closed, repaired after a kill."""

from __future__ import annotations

from pathlib import Path

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
