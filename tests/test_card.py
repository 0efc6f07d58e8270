"""archiver card: a Hugging Face dataset card with counts, schema, coverage, limitations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from archiver.card import size_category
from archiver.cli import main
from archiver.export.columns import load_columns
from tests.export_checks import records, write_jsonl


def test_the_card_has_front_matter_counts_schema_and_trace(tmp_path: Path) -> None:
    output = tmp_path / "out"
    given = records(30)
    write_jsonl(output, "ARCHIVER-1", given)
    assert main(["export", str(output)]) == 0
    assert main(["card", str(output)]) == 0
    text = (output / "DATASET.md").read_text(encoding="utf-8")
    _, header, body = text.split("---\n", 2)
    meta = yaml.safe_load(header)
    assert meta["language"] == ["en"]
    assert meta["license"] == "other"  # the publisher's terms: no licence invented
    assert meta["size_categories"] == ["n<1K"]
    paths = [f["path"] for c in meta["configs"] for f in c["data_files"]]
    assert paths == ["jsonl/*.jsonl", "exports/parquet/*/*.parquet"]
    assert all(list(output.glob(path)) for path in paths)
    sections = Counter(record["section"] for record in given)
    for section, count in sections.items():
        assert f"| {section} | {count} |" in body
    assert f"{len(given)} articles archived" in body
    for name in load_columns().names:
        assert f"| `{name}` |" in body
    assert "docs/extraction-rules.md" in body
    assert "ArchiveIterator" in body and "payload_digest" in body
    assert "publisher" in body and "terms" in body


def test_size_categories_follow_the_hub_buckets() -> None:
    assert [size_category(n) for n in (0, 999, 1000, 50_000, 2_000_000)] == [
        "n<1K", "n<1K", "1K<n<10K", "10K<n<100K", "n>1M",
    ]  # fmt: skip


def test_no_dataset_exits_2(tmp_path: Path) -> None:
    assert main(["card", str(tmp_path)]) == 2
