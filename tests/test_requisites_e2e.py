"""Page requisites end to end: the real crawl of a replica whose pages use a theme, images
with srcset, a CDN host on 127.0.0.2, a deleted image and a huge one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from replica import ReplicaServer, build_site
from replica.requisite_truth import huge, missing
from replica.site import Site
from tests.archive_checks import check_pointer, check_warcs, read_jsonl
from tests.crawling import CrawlResult, request_counts, run_crawl
from tests.requisite_checks import archived_pages, needed, report, statuses_by_url

pytestmark = pytest.mark.e2e

MAX_SIZE = str(1024 * 1024)  # the replica's huge image is 3 MiB


@dataclass
class Crawled:
    site: Site
    base: str
    cdn: str
    output: Path
    result: CrawlResult
    site_requests: list[dict[str, Any]]
    cdn_requests: list[dict[str, Any]]
    statuses: dict[str, list[str]]


def crawl(site: Site, output: Path, *, allow_cdn: bool, **settings: str) -> Crawled:
    with (
        ReplicaServer(site, host="127.0.0.2") as cdn,
        ReplicaServer(site, cdn=cdn.base_url) as server,
    ):
        if allow_cdn:
            settings["ARCHIVE_REQUISITE_HOSTS"] = cdn.base_url
        result = run_crawl(server.base_url, output, DOWNLOAD_MAXSIZE=MAX_SIZE, **settings)
        return Crawled(
            site,
            server.base_url,
            cdn.base_url,
            output,
            result,
            server.requests,
            cdn.requests,
            statuses_by_url(output),
        )


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(seed=0, articles=60)


@pytest.fixture(scope="module")
def denied(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """The default: requisites from the site only."""
    return crawl(site, tmp_path_factory.mktemp("denied") / "output", allow_cdn=False)


@pytest.fixture(scope="module")
def allowed(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """The CDN host named in ARCHIVE_REQUISITE_HOSTS."""
    return crawl(site, tmp_path_factory.mktemp("allowed") / "output", allow_cdn=True)


def _site_requisites(crawled: Crawled, cdn: str | None) -> set[str]:
    pages = archived_pages(crawled.statuses, crawled.base)
    assert len(pages) > 60, "the crawl archived too few pages to judge"
    return needed(crawled.site, pages, crawled.base, cdn)


def test_every_same_site_requisite_has_exactly_one_200(denied: Crawled) -> None:
    assert denied.result.returncode == 0, denied.result.log[-3000:]
    wanted = _site_requisites(denied, denied.cdn)
    same_site = {u for u in wanted if u.startswith(denied.base)}
    whole = same_site - missing(denied.base) - {huge(denied.base)}
    assert len(whole) > 50
    wrong = {u: denied.statuses.get(u) for u in whole if denied.statuses.get(u) != ["200"]}
    assert not wrong, f"not exactly one 200: {sorted(wrong.items())[:5]}"
    for url in missing(denied.base):
        assert denied.statuses.get(url) == ["404"], url
    assert huge(denied.base) not in denied.statuses  # cut before a byte was kept
    check_warcs(denied.output)


def test_the_cdn_sees_nothing_unless_allowed(denied: Crawled) -> None:
    assert denied.cdn_requests == []
    assert not any(u.startswith(denied.cdn) for u in denied.statuses)
    offsite = report(denied.output)["requisites"]["offsite_by_host"]
    assert offsite[denied.cdn] > 0  # the CDN's origin, scheme://host:port
    assert "http://0.gravatar.com:80" in offsite


def test_cdn_requisites_are_captured_once_when_allowed(allowed: Crawled) -> None:
    assert allowed.result.returncode == 0, allowed.result.log[-3000:]
    on_cdn = {u for u in _site_requisites(allowed, allowed.cdn) if u.startswith(allowed.cdn)}
    assert len(on_cdn) == 3  # web-font stylesheet, its font, a badge
    assert {u: allowed.statuses.get(u) for u in on_cdn} == {u: ["200"] for u in on_cdn}
    paths = sorted(str(e["path"]) for e in allowed.cdn_requests)
    assert paths == sorted(["/robots.txt", *(u.removeprefix(allowed.cdn) for u in on_cdn)])


def test_failed_requisites_are_reported_and_fail_no_page(denied: Crawled) -> None:
    data = report(denied.output)
    assert data["failed"] == []  # the pages all made it
    failed = {f["url"]: f for f in data["requisites"]["failed_urls"]}
    assert set(failed) == {*missing(denied.base), huge(denied.base)}
    assert all(f["kind"] == "requisite" for f in failed.values())
    assert "DOWNLOAD_MAXSIZE" in failed[huge(denied.base)]["reason"]
    requisites = data["requisites"]
    assert requisites["failed"] == 3 and requisites["fetched"] > 50
    assert requisites["bytes"] > 0 and set(requisites["by_page_kind"]) >= {"root", "article"}


def test_records_point_at_their_images_captures(denied: Crawled) -> None:
    pointed = 0
    for record in read_jsonl(denied.output):
        for image in record["images"]:
            capture = image["capture"]
            if not image["url"].startswith(denied.base):
                assert capture is None, image
                continue
            assert capture is not None, (record["url"], image["url"])
            _check_capture(denied.output, image["url"], capture)
            pointed += 1
    assert pointed > 10


def _check_capture(output: Path, url: str, capture: dict[str, Any]) -> None:
    check = {"url": url, "payload_digest": capture["payload_digest"], "warc": capture}
    check_pointer(output, check)


def test_a_second_run_fetches_only_the_failed_requisites_again(site: Site, denied: Crawled) -> None:
    port = int(denied.base.rsplit(":", 1)[1])
    with (
        ReplicaServer(site, host="127.0.0.2") as cdn,
        ReplicaServer(site, port=port, cdn=cdn.base_url) as server,
    ):
        result = run_crawl(server.base_url, denied.output, DOWNLOAD_MAXSIZE=MAX_SIZE)
        counts = request_counts(server.requests)
    assert result.returncode == 0, result.log[-3000:]
    requisite_paths = {
        u.removeprefix(denied.base)
        for u in _site_requisites(denied, None)
        if u.startswith(denied.base)
    }
    fetched_again = requisite_paths & set(counts)
    failed = {u.removeprefix(denied.base) for u in [*missing(denied.base), huge(denied.base)]}
    assert fetched_again == failed
    assert all(counts[p] == 1 for p in fetched_again)


def test_an_html_only_run_fetches_no_requisite(site: Site, tmp_path: Path) -> None:
    crawled = crawl(site, tmp_path / "output", allow_cdn=True, ARCHIVE_REQUISITES_ENABLED="False")
    assert crawled.result.returncode == 0, crawled.result.log[-3000:]
    assert crawled.cdn_requests == []
    assert not any("/wp-content/" in str(e["path"]) for e in crawled.site_requests)
    records = read_jsonl(crawled.output)
    assert records and all(i["capture"] is None for r in records for i in r["images"])
