"""Helpers of the export tests: records to export, and exported rows read back as JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

from bench.export import synthetic_records


def write_jsonl(output: Path, name: str, lines: list[Any]) -> Path:
    """``output/jsonl/NAME.jsonl`` holding these records (a str is written as it is)."""
    directory = output / "jsonl"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line if isinstance(line, str) else json.dumps(line) + "\n")
    return path


def records(count: int) -> list[dict[str, Any]]:
    """``count`` valid records of the current schema version over several years."""
    return synthetic_records(count)


def as_json(value: Any) -> Any:
    """A value read from Parquet in the JSON record's form (dates and times as ISO text)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


def parquet_rows(directory: Path) -> list[dict[str, Any]]:
    """Every row of an exported Parquet directory, as JSON data, without the partition."""
    dataset = ds.dataset(directory, format="parquet", partitioning="hive")
    rows = [as_json(row) for row in dataset.to_table().to_pylist()]
    for row in rows:
        row.pop("year")
    return rows
