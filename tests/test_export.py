"""archiver export: typed columns from the schema files, newest version per URL, bad lines
reported with file and line, the CSV flattening, and the command's exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from archiver.cli import main
from archiver.export.columns import columns_of, load_columns, schema_documents
from archiver.export.runner import MANIFEST, ExportRefused, export
from tests.export_checks import parquet_rows, records, write_jsonl


def test_columns_are_typed_from_the_schema() -> None:
    schema = load_columns().schema
    assert schema.field("published").type == pa.date32()
    assert schema.field("fetched_at").type == pa.timestamp("ns", tz="UTC")
    assert schema.field("tags").type.value_type.names == ["slug", "name"]  # schema 2
    assert schema.field("warc").type.field("offset").type == pa.int64()
    assert schema.field("images").type.value_type.field("media_id").type == pa.string()
    assert schema.names[:2] == ["schema_version", "url"]
    assert load_columns().versions == frozenset(schema_documents())


def _version_2(v1: dict[str, Any]) -> dict[str, Any]:
    """A schema 2 as an additive change would make it: tag slugs, an image capture."""
    v2 = json.loads(json.dumps(v1))
    v2["properties"]["schema_version"] = {"const": 2}
    v2["properties"]["tag_slugs"] = {"type": "array", "items": {"type": "string"}}
    image = v2["properties"]["images"]["items"]["properties"]
    image["capture"] = {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/capture"}]}
    v2["$defs"]["capture"] = {
        "type": "object",
        "properties": {"fetched_at": {"type": "string", "format": "date-time"}},
    }
    return v2


def test_a_new_additive_schema_version_needs_no_code() -> None:
    v1 = schema_documents()[1]
    columns = columns_of({1: v1, 2: _version_2(v1)})
    assert columns.versions == frozenset({1, 2})
    assert columns.names[-1] == "tag_slugs"
    image = columns.schema.field("images").type.value_type
    assert image.names == ["url", "caption", "media_id", "capture"]
    assert image.field("capture").type.field("fetched_at").type == pa.timestamp("ns", tz="UTC")


def test_a_field_retyped_between_versions_takes_the_newest_type() -> None:
    """Schema 2 retyped ``tags`` (names, then objects): the column has the new type, and
    records of version 1 are reported with the migration rather than squeezed in."""
    v1 = schema_documents()[1]
    v2 = json.loads(json.dumps(v1))
    v2["properties"]["schema_version"] = {"const": 2}
    v2["properties"]["word_count"] = {"type": "string"}
    columns = columns_of({1: v1, 2: v2})
    assert columns.schema.field("word_count").type == pa.string()
    assert columns.retyped == {2: ("word_count",)}
    assert columns.readable == frozenset({2})
    assert "word_count retyped since" in columns.why_unreadable(1)
    assert "archiver reparse" in columns.why_unreadable(1)


def test_parquet_is_partitioned_by_year_and_keeps_every_field(tmp_path: Path) -> None:
    given = records(40)
    write_jsonl(tmp_path / "out", "ARCHIVER-1", given[:25])
    write_jsonl(tmp_path / "out", "ARCHIVER-2", given[25:])
    report = export(tmp_path / "out", "parquet", tmp_path / "pq")
    assert (report.rows, report.records, report.bad) == (40, 40, [])
    years = {p.parent.name for p in (tmp_path / "pq").glob("*/*.parquet")}
    assert years == {f"year={record['published'][:4]}" for record in given}
    by_url = {row["url"]: row for row in parquet_rows(tmp_path / "pq")}
    assert by_url == {record["url"]: record for record in given}
    manifest = json.loads((tmp_path / "pq" / MANIFEST).read_text())
    assert manifest["rows"] == 40
    assert manifest["bad_lines"] == []


def test_an_undated_article_is_in_year_0_and_pandas_reads_it(tmp_path: Path) -> None:
    import pandas as pd

    given = records(3)
    given[0]["published"] = None
    write_jsonl(tmp_path / "out", "ARCHIVER-1", given)
    export(tmp_path / "out", "parquet", tmp_path / "pq")
    frame = pd.read_parquet(tmp_path / "pq")
    undated = frame[frame["url"] == given[0]["url"]]
    assert list(undated["year"].astype(int)) == [0]
    assert undated["published"].isna().all()


def test_the_newest_version_of_an_article_wins_unless_all_are_asked(tmp_path: Path) -> None:
    first, other = records(2)
    later = {**first, "title": "Re-captured", "fetched_at": "2027-01-01T00:00:00Z"}
    write_jsonl(tmp_path / "out", "ARCHIVER-1", [first, other])
    write_jsonl(tmp_path / "out", "ARCHIVER-2", [later])
    report = export(tmp_path / "out", "parquet", tmp_path / "pq")
    assert (report.rows, report.superseded) == (2, 1)
    titles = {row["url"]: row["title"] for row in parquet_rows(tmp_path / "pq")}
    assert titles == {first["url"]: "Re-captured", other["url"]: other["title"]}
    everything = export(tmp_path / "out", "parquet", tmp_path / "all", all_versions=True)
    assert (everything.rows, everything.superseded) == (3, 0)


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = records(4)
    future = {**good[2], "schema_version": 99}
    bad_date = {**good[3], "published": "2014-02-30"}
    lines = [good[0], "not json at all\n", future, good[1], bad_date, '{"schema_version": 1, "ur']
    path = write_jsonl(tmp_path / "out", "ARCHIVER-1", lines)
    code = main(["export", str(tmp_path / "out"), "--to", str(tmp_path / "pq")])
    assert code == 1
    err = capsys.readouterr().err
    assert f"{path}:2: not JSON" in err
    assert f"{path}:3: schema_version 99 is unknown" in err
    assert f"{path}:5: a value does not fit its column" in err
    assert f"{path}:6: not JSON (no newline at its end: cut short?)" in err
    urls = {row["url"] for row in parquet_rows(tmp_path / "pq")}
    assert urls == {good[0]["url"], good[1]["url"]}
    manifest = json.loads((tmp_path / "pq" / MANIFEST).read_text())
    assert len(manifest["bad_lines"]) == 4


def test_a_field_in_no_schema_is_refused_not_dropped(tmp_path: Path) -> None:
    record = {**records(1)[0], "surprise": 1}
    path = write_jsonl(tmp_path / "out", "ARCHIVER-1", [record])
    report = export(tmp_path / "out", "parquet", tmp_path / "pq")
    assert [str(bad) for bad in report.bad] == [f"{path}:1: field(s) surprise in no schema version"]


def test_csv_flattens_objects_into_dotted_columns_and_lists_into_json(tmp_path: Path) -> None:
    given = records(3)
    given[0]["dateline"] = {"place": "Beirut", "source": None}
    write_jsonl(tmp_path / "out", "ARCHIVER-1", given)
    assert main(["export", str(tmp_path / "out"), "--format", "csv"]) == 0
    path = tmp_path / "out" / "exports" / "csv" / "articles.csv"
    with path.open(encoding="utf-8", newline="") as rows:
        read = list(csv.DictReader(rows))
    assert len(read) == 3
    row, record = read[0], given[0]
    assert (row["dateline.place"], row["dateline.source"]) == ("Beirut", "")
    assert row["warc.offset"] == str(record["warc"]["offset"])
    assert json.loads(row["tags"]) == record["tags"]
    assert json.loads(row["images"]) == record["images"]
    assert (row["published"], row["fetched_at"]) == (record["published"], record["fetched_at"])
    assert row["text"] == record["text"]


def test_a_re_export_replaces_the_last_but_never_a_foreign_directory(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "out", "ARCHIVER-1", records(3))
    export(tmp_path / "out", "parquet", tmp_path / "pq")
    export(tmp_path / "out", "parquet", tmp_path / "pq")
    assert len(parquet_rows(tmp_path / "pq")) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pq"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ExportRefused, match="no earlier export"):
        export(tmp_path / "out", "parquet", tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_an_output_without_jsonl_exits_2(tmp_path: Path) -> None:
    assert main(["export", str(tmp_path / "nothing")]) == 2


def test_a_year_is_written_a_bounded_row_group_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("archiver.export.parquet.GROUP_ROWS", 2)
    write_jsonl(tmp_path / "out", "ARCHIVER-1", records(13 * 5))  # 5 a year
    export(tmp_path / "out", "parquet", tmp_path / "pq")
    for path in (tmp_path / "pq").glob("*/*.parquet"):
        meta = pq.ParquetFile(path).metadata
        assert meta.num_rows == 5
        assert meta.num_row_groups >= 3
        assert all(meta.row_group(i).num_rows <= 2 for i in range(meta.num_row_groups))


def test_progress_is_a_bar_on_a_terminal_and_log_lines_otherwise(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import io
    import logging

    from archiver import progressbar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(progressbar, "REDRAW", 0.0)
    monkeypatch.setattr(progressbar, "LOG_EVERY", 0.0)
    screen = Terminal()
    with progressbar.Progress("export", total=4, stream=screen) as bar:
        bar.advance(2)
    assert "\rexport 2/4 " in screen.getvalue() and "50%" in screen.getvalue()
    assert screen.getvalue().endswith("\n")
    quiet = progressbar.Progress("reparse", stream=io.StringIO())
    with caplog.at_level(logging.INFO, logger="archiver.progressbar"), quiet:
        quiet.advance(3)
    assert any(r.getMessage().startswith("reparse 3 (") for r in caplog.records)


def test_a_record_of_an_older_schema_is_reported_with_its_migration(tmp_path: Path) -> None:
    """A version-1 line (tags as names) cannot fill version 2's tag objects: it is reported
    with file, line and the remedy, never dropped silently or squeezed in."""
    current, old = records(2)
    old = {**old, "schema_version": 1, "tags": [tag["name"] or tag["slug"] for tag in old["tags"]]}
    path = write_jsonl(tmp_path / "out", "ARCHIVER-1", [current, old])
    report = export(tmp_path / "out", "parquet", tmp_path / "pq")
    assert report.rows == 1
    assert [(bad.path, bad.line) for bad in report.bad] == [(path, 2)]
    assert "tags retyped since" in report.bad[0].reason
    assert "archiver reparse" in report.bad[0].reason
