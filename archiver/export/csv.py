"""CSV output: one ``articles.csv``, a header row and one row per article (UTF-8, RFC 4180).

The flattening, for tools without nested types:

- an object becomes one column per field, named with dots: ``dateline.place``,
  ``warc.filename``, ``warc.offset`` (nested objects likewise);
- a list (``authors``, ``categories``, ``tags``, ``images``) is one column holding its
  compact JSON text: ``["Syria","Arab Spring"]``, ``[{"url":…,"caption":…,"media_id":…}]``;
- dates and times are the record's ISO 8601 text (``2011-11-22``, ``2026-11-25T03:45:39Z``);
- null is an empty cell (no field of the record is ever an empty string).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from archiver.export.batches import Converted
from archiver.export.columns import Columns

FILENAME = "articles.csv"

Path_ = tuple[str, ...]  # a leaf column's path through the record's objects


def csv_header(columns: Columns) -> list[str]:
    """The CSV column names, in schema order."""
    return [".".join(path) for path in leaf_paths(columns.schema)]


def leaf_paths(schema: pa.Schema | pa.StructType) -> list[Path_]:
    """Every column's path, objects opened into their fields."""
    paths: list[Path_] = []
    for field in schema:
        if isinstance(field.type, pa.StructType):
            paths.extend((field.name, *sub) for sub in leaf_paths(field.type))
        else:
            paths.append((field.name,))
    return paths


def write_csv(converted: Iterator[Converted], columns: Columns, directory: Path) -> None:
    """Write ``directory/articles.csv`` from the records of the batches."""
    paths = leaf_paths(columns.schema)
    with (directory / FILENAME).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(csv_header(columns))
        for _, records in converted:
            writer.writerows([_cell(record, path) for path in paths] for record in records)


def _cell(record: dict[str, Any], path: Path_) -> Any:
    value: Any = record.get(path[0])
    for name in path[1:]:
        value = value.get(name) if isinstance(value, dict) else None
    if value is None:
        return ""
    if isinstance(value, list):
        # orjson: the same JSON as json.dumps(ensure_ascii=False, separators=(",", ":"))
        return orjson.dumps(value).decode()
    return value
