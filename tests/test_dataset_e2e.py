"""End to end: crawl the bundled replica (with some article pages failing), then export it,
read it back with the documented loaders, and check the coverage against ground truth."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archiver.cli import main
from archiver.coverage.gaps import gap_runs, gaps
from replica import ReplicaServer, absolutize, build_site
from replica import faults as F
from tests.archive_checks import read_jsonl
from tests.crawling import run_crawl
from tests.export_checks import as_json, parquet_rows

pytestmark = pytest.mark.e2e

BROKEN = b"<html><head><title>x</title></head><body><p>no article here</p></body></html>"


@dataclass
class Crawl:
    output: Path
    truth: list[dict[str, Any]]  # absolute URLs
    failed: set[str]  # answered 404: not fetched
    no_record: set[str]  # answered a page that is no article


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    site = build_site(seed=0)
    paths = [article.path for article in site.articles]
    failed, broken = paths[10:12], paths[40:43]
    faults = {path: F.status(404) for path in failed}
    faults.update({path: F.replace(BROKEN) for path in broken})
    output = tmp_path_factory.mktemp("dataset") / "output"
    with ReplicaServer(site, faults=faults) as server:
        result = run_crawl(server.base_url, output)
        base = server.base_url
    assert result.returncode in (0, 1), result.log[-3000:]
    assert "Traceback" not in result.log, result.log[-3000:]
    truth = [absolutize(t, base) for t in site.truth()]
    return Crawl(output, truth, {base + p for p in failed}, {base + p for p in broken})


def test_parquet_export_round_trips_every_record(crawl: Crawl, tmp_path: Path) -> None:
    records = read_jsonl(crawl.output)
    assert main(["export", str(crawl.output), "--to", str(tmp_path / "pq")]) == 0
    rows = parquet_rows(tmp_path / "pq")
    assert len(rows) == len(records) == len(crawl.truth) - 5
    assert {row["url"]: row for row in rows} == {record["url"]: record for record in records}


def test_csv_export_has_a_row_per_record(crawl: Crawl, tmp_path: Path) -> None:
    import pandas as pd

    assert main(["export", str(crawl.output), "--format", "csv", "--to", str(tmp_path)]) == 0
    frame = pd.read_csv(tmp_path / "articles.csv", keep_default_na=False)
    records = {record["url"]: record for record in read_jsonl(crawl.output)}
    assert set(frame["url"]) == set(records)
    for row in frame.to_dict("records"):
        record = records[row["url"]]
        assert (row["title"], row["text"]) == (record["title"], record["text"])
        assert row["warc.offset"] == record["warc"]["offset"]


def test_pandas_duckdb_and_datasets_load_the_export(
    crawl: Crawl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb
    import pandas as pd

    directory = tmp_path / "pq"
    assert main(["export", str(crawl.output), "--to", str(directory)]) == 0
    records = read_jsonl(crawl.output)
    years = Counter(int(record["published"][:4]) for record in records)

    frame = pd.read_parquet(directory)
    assert len(frame) == len(records)
    assert Counter(frame["year"].astype(int)) == years
    assert str(frame["fetched_at"].dtype).startswith("datetime64")

    query = f"SELECT year, count(*) FROM '{directory}/**/*.parquet' GROUP BY year"
    assert dict(duckdb.sql(query).fetchall()) == years
    offsets = duckdb.sql(f"SELECT url, warc.offset FROM '{directory}/**/*.parquet'").fetchall()
    assert dict(offsets) == {record["url"]: record["warc"]["offset"] for record in records}

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    from datasets import load_dataset

    cache = str(tmp_path / "hf-cache")
    files = sorted(str(p) for p in directory.glob("*/*.parquet"))
    parquet = load_dataset("parquet", data_files=files, split="train", cache_dir=cache)
    by_url = {row["url"]: as_json(row) for row in parquet}
    assert by_url == {record["url"]: record for record in records}
    jsonl = sorted(str(p) for p in (crawl.output / "jsonl").glob("*.jsonl"))
    loaded = load_dataset("json", data_files=jsonl, split="train", cache_dir=cache)
    assert sorted(loaded["url"]) == sorted(record["url"] for record in records)
    assert os.environ["HF_DATASETS_OFFLINE"] == "1"


def _truth_cells(crawl: Crawl) -> dict[tuple[str, str], Counter[str]]:
    cells: dict[tuple[str, str], Counter[str]] = {}
    for truth in crawl.truth:
        cell = cells.setdefault((truth["published"][:7], truth["section"]), Counter())
        cell["seen"] += 1
        outcome = {True: "failed"} if truth["url"] in crawl.failed else {}
        if truth["url"] in crawl.no_record:
            outcome = {True: "no_record"}
        cell[outcome.get(True, "archived")] += 1
    return cells


def test_coverage_equals_the_ground_truth_per_month_and_section(crawl: Crawl) -> None:
    import json

    assert main(["coverage", str(crawl.output)]) == 0
    reports = crawl.output / "reports"
    data = json.loads((reports / "coverage.json").read_text())
    got = {
        (cell["month"], cell["section"]): Counter({k: v for k, v in cell.items() if v and k
                                                   not in ("month", "section")})
        for cell in data["cells"]
    }  # fmt: skip
    assert got == _truth_cells(crawl)
    totals = data["totals"]
    assert (totals["failed"], totals["no_record"], totals["pending"]) == (2, 3, 0)
    assert data["discovery"] == {"listing_and_sitemap": len(crawl.truth)}
    assert data["gaps"] == gap_runs(gaps(t["published"][:7] for t in crawl.truth))
    png = (reports / "coverage.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert "![archived articles per month" in (reports / "coverage.md").read_text()
