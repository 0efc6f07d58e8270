"""End to end: `scrapy crawl archive` over replicas of the archive, checked against ground truth.

The bundled replica is the one a newcomer sees; the other seeds draw random profiles
(listing markup, pagination, builder bodies, sitemaps, gzip, chunking…) the parsers were not
tuned on.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import urlsplit

import pytest
from protego import Protego

from archiver.replica import Profile, ReplicaServer, absolutize, build_site
from tests.archive_checks import check_pointer, check_warcs, read_jsonl
from tests.crawling import path_of, request_counts, run_crawl

pytestmark = pytest.mark.e2e

UNSEEN_SEEDS = [1013, 2027, 3041]
FIELDS = [
    "url", "post_id", "title", "byline", "authors", "published", "section", "categories",
    "tags", "dateline", "text", "images", "word_count", "language",
]  # fmt: skip


def _site(seed: int) -> Any:
    if seed == 0:
        return build_site(seed=0)
    return build_site(seed=seed, articles=90, profile=Profile.random(random.Random(seed)))


@pytest.fixture(scope="module", params=[0, *UNSEEN_SEEDS], ids=lambda s: f"seed{s}")
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One crawl per replica, shared by the checks below (a crawl takes seconds)."""
    site = _site(request.param)
    output = tmp_path_factory.mktemp(f"seed{request.param}") / "output"
    with ReplicaServer(site) as server:
        result = run_crawl(server.base_url, output)
        requests = list(server.requests)
        base_url = server.base_url
    truth = {r["url"]: r for r in (absolutize(t, base_url) for t in site.truth())}
    return site, base_url, output, result, requests, truth


def test_crawl_exits_cleanly(crawled: Any) -> None:
    _, _, _, result, _, _ = crawled
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log, result.log[-3000:]


def test_every_reachable_article_has_exactly_one_record(crawled: Any) -> None:
    site, base_url, output, _, _, truth = crawled
    urls = [r["url"] for r in read_jsonl(output)]
    reachable = {base_url + p for p in site.listing_reachable_urls() | site.sitemap_urls()}
    assert len(urls) == len(set(urls)), "an article has more than one record"
    assert set(urls) == reachable
    assert reachable <= set(truth)


def test_every_field_equals_the_ground_truth(crawled: Any) -> None:
    _, _, output, _, _, truth = crawled
    mismatches = []
    for record in read_jsonl(output):
        expected = truth[record["url"]]
        for name in FIELDS:
            if record[name] != expected[name]:
                mismatches.append((record["url"], name, record[name], expected[name]))
    assert not mismatches, "\n".join(map(repr, mismatches[:10])) + f"\n({len(mismatches)} in all)"


def test_records_point_at_their_captures(crawled: Any) -> None:
    _, _, output, _, _, _ = crawled
    for record in read_jsonl(output):
        check_pointer(output, record)


def test_warc_files_are_valid_and_complete(crawled: Any) -> None:
    _, base_url, output, _, requests, _ = crawled
    summary = check_warcs(output)
    fetched = {base_url + str(entry["path"]) for entry in requests}
    assert set(summary.responses) == fetched, "a fetched URL has no response record, or vice versa"
    assert base_url + "/robots.txt" in summary.responses


def test_one_request_per_article_and_robots_obeyed(crawled: Any) -> None:
    site, base_url, output, _, requests, _ = crawled
    counts = request_counts(requests)
    for record in read_jsonl(output):
        assert counts[path_of(record["url"])] == 1, record["url"]
    robots = Protego.parse(site.robots_txt(base_url))
    forbidden = [p for p in counts if not robots.can_fetch(base_url + p, "archiver")]
    assert not forbidden, f"fetched paths robots.txt disallows: {forbidden}"
    assert not any("?share=" in p for p in counts), "a share link was fetched"


def test_a_second_run_fetches_no_article_again(crawled: Any) -> None:
    site, base_url, output, _, _, _ = crawled
    before = read_jsonl(output)
    # The same address: the archive's identity (its URLs) includes the host and port.
    with ReplicaServer(site, port=urlsplit(base_url).port or 0) as server:
        result = run_crawl(server.base_url, output)
        counts = request_counts(list(server.requests))
    assert result.returncode == 0, result.log[-3000:]
    after = read_jsonl(output)
    assert sorted(r["url"] for r in after) == sorted(r["url"] for r in before)
    articles = {path_of(r["url"]) for r in before}
    assert not articles & set(counts), "an archived article was fetched again"
