"""Exports of the dataset for researchers: Parquet (partitioned by year) and CSV.

``columns`` types the columns from the JSON Schema files, ``records`` reads and checks the
JSONL, ``batches`` turns records into Arrow batches, ``parquet`` and ``csv`` write them,
``runner`` is ``archiver export``.
"""
