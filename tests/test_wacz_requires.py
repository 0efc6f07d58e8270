"""Revisits in WACZ packages (archiver.wacz_requires): one package holds every original; a
split package names the earlier package its revisits need (``relation.requires``, read by
ReplayWeb.page), and a revisit whose original is nowhere is reported, never silent."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from archiver.capture import WarcFileWriter
from archiver.capture.revisit import IDENTICAL_PAYLOAD_DIGEST, RevisitOf, encode_revisit
from archiver.cli import main
from archiver.items import Capture
from archiver.layout import OutputLayout
from archiver.wacz import write_wacz
from tests.test_capture import make_exchange
from tests.wacz_tools import wacz_validate

SITE = "https://eng-archive.aawsat.com"
PAGES = [f"{SITE}/theaawsat/news-middle-east/story-{n}" for n in range(4)]


def revisit_of(capture: Capture) -> RevisitOf:
    return RevisitOf(
        record_id=capture.warc.record_id,
        target_uri=capture.target_uri,
        date=capture.fetched_at,
        payload_digest=capture.payload_digest,
    )


def crawl_then_recheck(root: Path, *, lose_first_original: bool = False) -> list[Path]:
    """A first crawl's WARC file of four pages, then a re-check's file of their revisits;
    ``lose_first_original``: the first page's original is not in the archive."""
    warc = OutputLayout(root).warc
    exchanges = [make_exchange(url) for url in PAGES]
    with WarcFileWriter(warc, prefix="A") as writer:
        captures = [writer.write_exchange(exchange) for exchange in exchanges]
    if lose_first_original:
        captures[0] = dataclasses.replace(captures[0], payload_digest="sha1:" + "A" * 32)
    with WarcFileWriter(warc, prefix="B") as writer:
        for exchange, capture in zip(exchanges, captures, strict=True):
            later = dataclasses.replace(exchange, fetched_at=exchange.fetched_at + timedelta(1))
            records = encode_revisit(
                later, revisit_of(capture), IDENTICAL_PAYLOAD_DIGEST, gzip_level=6
            )
            writer.append(records)
    return sorted(warc.glob("*.warc.gz"))


def datapackage(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as archive:
        result: dict[str, Any] = json.loads(archive.read("datapackage.json"))
        return result


def test_one_package_holds_the_originals_and_requires_nothing(tmp_path: Path) -> None:
    crawl_then_recheck(tmp_path)
    report = write_wacz(tmp_path)
    assert "relation" not in datapackage(report.packages[0])
    assert report.requires == {}
    assert report.collection is None, "one package needs no collection"
    assert report.missing_originals == []


def test_a_split_package_requires_the_one_holding_its_revisits_originals(
    tmp_path: Path,
) -> None:
    first, second = crawl_then_recheck(tmp_path)
    assert first.name.startswith("A") and second.name.startswith("B")
    limit = max(first.stat().st_size, second.stat().st_size)  # a package each
    report = write_wacz(tmp_path, tmp_path / "out.wacz", max_size=limit)
    originals, revisits = report.packages
    assert "relation" not in datapackage(originals)
    expected = "sha256:" + hashlib.sha256(originals.read_bytes()).hexdigest()
    relation = datapackage(revisits)["relation"]
    assert relation == {"requires": [{"filename": originals.name, "hash": expected}]}
    assert report.requires == {revisits.name: [originals.name]}
    assert report.collection == tmp_path / "out.json"
    collection = json.loads(report.collection.read_text(encoding="utf-8"))
    assert collection["profile"] == "multi-wacz-package"
    assert [(r["name"], r["path"]) for r in collection["resources"]] == [
        (p.name, p.name) for p in report.packages
    ]
    assert collection["resources"][0]["hash"] == expected
    assert collection["resources"][1]["size"] == revisits.stat().st_size
    for package in report.packages:
        code, log = wacz_validate(package)
        assert code == 0, log


def test_a_revisit_without_an_original_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl_then_recheck(tmp_path, lose_first_original=True)
    report = write_wacz(tmp_path)
    assert report.missing_originals == [PAGES[0]]
    assert main(["wacz", str(tmp_path)]) == 1
    assert "1 revisit records whose original is in no package" in capsys.readouterr().out
