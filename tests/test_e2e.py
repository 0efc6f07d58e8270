"""End to end: `scrapy crawl archive` over replicas of the archive, checked against ground truth.

The bundled replica is the one a newcomer sees; the other seeds draw random profiles
(listing markup, pagination, builder bodies, sitemaps, gzip, chunking…) the parsers were not
tuned on.
"""

from __future__ import annotations

import json
import random
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from protego import Protego

from archiver.items import SCHEMA_VERSION
from archiver.jsonl import iter_records
from archiver.layout import OutputLayout
from archiver.parsers import extract
from archiver.reparse import reparse
from archiver.schema import validate_record
from replica import TRUTH_KEYS, Profile, ReplicaServer, absolutize, build_site
from tests.archive_checks import check_pointer, check_warcs, read_jsonl
from tests.crawling import CrawlResult, path_of, request_counts, run_crawl
from tests.test_schema import as_version_1

pytestmark = pytest.mark.e2e

UNSEEN_SEEDS = [1013, 2027, 3041]
FIELDS = list(TRUTH_KEYS)


def _site(seed: int) -> Any:
    if seed == 0:
        return build_site(seed=0)
    return build_site(seed=seed, articles=90, profile=Profile.random(random.Random(seed)))


@dataclass
class Crawled:
    """One crawl of one replica and what the checks need of it."""

    site: Any
    base_url: str
    output: Path
    result: CrawlResult
    requests: list[dict[str, Any]]  # the replica's request log, during the crawl
    truth: dict[str, dict[str, Any]]  # ground truth by absolute URL
    robots: Protego


@pytest.fixture(scope="module", params=[0, *UNSEEN_SEEDS], ids=lambda s: f"seed{s}")
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """One crawl per replica, shared by the checks below (a crawl takes seconds)."""
    site = _site(request.param)
    output = tmp_path_factory.mktemp(f"seed{request.param}") / "output"
    with ReplicaServer(site) as server:
        result = run_crawl(server.base_url, output)
        requests = list(server.requests)
        base_url = server.base_url
        with urllib.request.urlopen(base_url + "/robots.txt", timeout=10) as reply:
            robots = Protego.parse(reply.read().decode())
    truth = {r["url"]: r for r in (absolutize(t, base_url) for t in site.truth())}
    return Crawled(site, base_url, output, result, requests, truth, robots)


def test_crawl_exits_cleanly(crawled: Crawled) -> None:
    assert crawled.result.returncode == 0, crawled.result.log[-3000:]
    assert "Traceback" not in crawled.result.log, crawled.result.log[-3000:]


def test_the_quality_monitor_judges_the_run_and_stays_quiet(crawled: Crawled) -> None:
    report = json.loads(max(OutputLayout(crawled.output).reports.glob("*.json")).read_text())
    quality = report["quality"]
    assert quality["judged"] and quality["records"] >= 50
    assert quality["below"] == [], quality
    assert quality["fill_rates"]["tags"] > 0.5 and quality["fill_rates"]["byline"] == 1.0


def test_every_reachable_article_has_exactly_one_record(crawled: Crawled) -> None:
    urls = [r["url"] for r in read_jsonl(crawled.output)]
    reachable = {
        crawled.base_url + p
        for p in [*crawled.site.listing_reachable_urls(), *crawled.site.sitemap_urls()]
    }
    assert len(urls) == len(set(urls)), "an article has more than one record"
    assert set(urls) == reachable
    assert reachable <= set(crawled.truth)


def without_captures(images: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in image.items() if k != "capture"} for image in images]


def test_every_field_equals_the_ground_truth(crawled: Crawled) -> None:
    mismatches = []
    for record in read_jsonl(crawled.output):
        expected = crawled.truth[record["url"]]
        # images[].capture points into the WARCs (tests/test_requisites_e2e.py checks it).
        record["images"] = without_captures(record["images"])
        expected = {**expected, "images": without_captures(expected["images"])}
        for name in FIELDS:
            if record[name] != expected[name]:
                mismatches.append((record["url"], name, record[name], expected[name]))
    assert not mismatches, "\n".join(map(repr, mismatches[:10])) + f"\n({len(mismatches)} in all)"


def test_no_record_text_carries_page_furniture(crawled: Crawled) -> None:
    shortcode = re.compile(r"\[/?(?:[a-z]+_[a-z0-9_]+|caption|embed|gallery)\b")
    for record in read_jsonl(crawled.output):
        text = record["text"]
        assert "Media ID" not in text, record["url"]
        assert not re.search(r"(^|\n)Caption:\s*($|\n)", text), record["url"]
        assert "Share this" not in text, record["url"]
        assert not shortcode.search(text), record["url"]


def test_records_point_at_their_captures(crawled: Crawled) -> None:
    for record in read_jsonl(crawled.output):
        check_pointer(crawled.output, record)


def test_warc_files_are_valid_and_complete(crawled: Crawled) -> None:
    summary = check_warcs(crawled.output)
    fetched = {crawled.base_url + str(entry["path"]) for entry in crawled.requests}
    assert set(summary.responses) == fetched, "a fetched URL has no response record, or vice versa"
    assert crawled.base_url + "/robots.txt" in summary.responses


def test_one_request_per_article_and_robots_obeyed(crawled: Crawled) -> None:
    counts = request_counts(crawled.requests)
    for record in read_jsonl(crawled.output):
        assert counts[path_of(record["url"])] == 1, record["url"]
    forbidden = [
        p for p in counts if not crawled.robots.can_fetch(crawled.base_url + p, "archiver")
    ]
    assert not forbidden, f"fetched paths robots.txt disallows: {forbidden}"
    assert not any("?share=" in p for p in counts), "a share link was fetched"


def test_reparse_from_the_warcs_reproduces_the_records(crawled: Crawled, tmp_path: Path) -> None:
    report = reparse(crawled.output, tmp_path, workers=2)
    assert report.layout_errors == []
    # Parsed in this process instead: the same lines, in the same order.
    alone = reparse(crawled.output, tmp_path / "alone", workers=0)
    assert report.jsonl is not None and alone.jsonl is not None
    assert alone.jsonl.read_bytes() == report.jsonl.read_bytes()
    crawled_records = sorted(read_jsonl(crawled.output), key=lambda r: r["url"])
    reparsed = sorted(iter_records(tmp_path), key=lambda r: r["url"])
    assert len(reparsed) == len(crawled_records) > 0
    for expected, got in zip(crawled_records, reparsed, strict=True):
        for name in expected:
            assert got[name] == expected[name], (expected["url"], name)
        assert set(got) == set(expected)


def test_reparse_regenerates_version_1_data_as_version_2(
    crawled: Crawled, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/schema.md's migration: the WARCs are the evidence; ``archiver reparse`` writes
    version-2 records from them with the very parser the crawl runs."""
    crawl_records = {record["url"]: record for record in read_jsonl(crawled.output)}
    old = [as_version_1(record) for record in crawl_records.values()]
    assert all(record["schema_version"] == 1 for record in old)
    for record in old:
        validate_record(record)  # v1 data stays readable
    calls: list[str] = []
    parse = extract.parse_article

    def counted(html: str, url: str) -> Any:
        calls.append(url)
        return parse(html, url)

    monkeypatch.setattr(extract, "parse_article", counted)
    report = reparse(crawled.output, tmp_path, workers=0)
    new = {record["url"]: record for record in iter_records(tmp_path)}
    assert len(calls) == report.records == len(old) == len(new)
    for record in old:
        regenerated = new[record["url"]]
        assert regenerated["schema_version"] == SCHEMA_VERSION == 2
        validate_record(regenerated)
        assert as_version_1(regenerated) == record  # nothing else changed
        # the images' capture pointers come back from the state, as the crawl wrote them
        assert regenerated["images"] == crawl_records[record["url"]]["images"]


def test_a_second_run_fetches_no_article_again(crawled: Crawled) -> None:
    before = read_jsonl(crawled.output)
    # The same address: the archive's identity (its URLs) includes the host and port.
    with ReplicaServer(crawled.site, port=urlsplit(crawled.base_url).port or 0) as server:
        result = run_crawl(server.base_url, crawled.output)
        counts = request_counts(list(server.requests))
    assert result.returncode == 0, result.log[-3000:]
    after = read_jsonl(crawled.output)
    assert sorted(r["url"] for r in after) == sorted(r["url"] for r in before)
    articles = {path_of(r["url"]) for r in before}
    assert not articles & set(counts), "an archived article was fetched again"
