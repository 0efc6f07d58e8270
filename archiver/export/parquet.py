"""Parquet output: one dataset partitioned by publication year (``year=2011/part-0.parquet``).

Each year's rows go to its own ``pyarrow.parquet.ParquetWriter``, a row group at a time:
a year buffers at most ``GROUP_ROWS`` rows before they are written, so memory stays bounded
whatever the size of the archive (``pyarrow.dataset.write_dataset`` reads its input ahead
without such a bound: 400 MB for 20,000 records). An article without a date goes to
``year=0``: Hive's null partition (``__HIVE_DEFAULT_PARTITION__``) makes pandas fail
("Cannot yet unify dictionaries with nulls") and a word would make ``year`` a string
column; its ``published`` stays null. The ``year`` column exists only as
the directory name: pandas, pyarrow and DuckDB (``hive_partitioning``) read it back as a
column.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from archiver.export.batches import Converted
from archiver.export.columns import Columns

GROUP_ROWS = 1_000  # rows per row group; per year, at most this many wait in memory
COMPRESSION = "zstd"  # read by pandas/pyarrow, DuckDB, Spark, R arrow and polars alike
UNDATED_YEAR = 0  # the partition of articles without a date
FILENAME = "part-0.parquet"


class _YearFile:
    """One partition's file and the rows waiting for its next row group."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = pq.ParquetWriter(path, schema, compression=COMPRESSION)
        self.pending: list[pa.RecordBatch] = []
        self.rows = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.rows += batch.num_rows
        if self.rows >= GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending), GROUP_ROWS)
        self.pending, self.rows = [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


def write_parquet(converted: Iterator[Converted], columns: Columns, directory: Path) -> None:
    """Write the batches under ``directory``, one file per year."""
    files: dict[int | None, _YearFile] = {}
    try:
        for batch, _ in converted:
            for year, rows in _by_year(batch):
                if year not in files:
                    files[year] = _YearFile(_partition(directory, year), columns.schema)
                files[year].add(rows)
    finally:
        for file in files.values():
            file.close()


def _by_year(batch: pa.RecordBatch) -> Iterator[tuple[int | None, pa.RecordBatch]]:
    """The batch's rows by year: sorted once (stable), then cut into zero-copy slices."""
    order = pc.array_sort_indices(pc.year(batch.column("published")), null_placement="at_end")
    batch = batch.take(order)
    years = pc.year(batch.column("published")).to_pylist()
    start = 0
    for end in range(1, len(years) + 1):
        if end == len(years) or years[end] != years[start]:
            yield years[start], batch.slice(start, end - start)
            start = end


def _partition(directory: Path, year: int | None) -> Path:
    return directory / f"year={UNDATED_YEAR if year is None else year}" / FILENAME
