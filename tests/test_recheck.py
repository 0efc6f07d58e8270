"""Re-check bounds, conditional headers, the state's checks and versions, version dedupe."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from archiver.items import ArticleRecord, WarcPointer
from archiver.pipelines import DeduplicatePipeline
from archiver.recheck import RecheckBounds, conditional_headers, newest_revisits, parse_age, unnoted
from archiver.schema import RecordInvalid, validate_record
from archiver.spiders.recheck import bad_requisite_answer
from archiver.state import CrawlState, get_state
from archiver.state_rechecks import Check

ID1 = "<urn:uuid:00000000-0000-4000-8000-000000000001>"
ID2 = "<urn:uuid:00000000-0000-4000-8000-000000000002>"


def record(url: str, fetched_at: str, *, version: int = 1, supersedes: str | None = None,
           record_id: str = ID1) -> dict[str, Any]:  # fmt: skip
    return {
        "url": url,
        "post_id": 7,
        "warc": {"filename": "f.warc.gz", "offset": 10, "length": 20, "record_id": record_id},
        "payload_digest": "sha1:" + "A" * 32,
        "fetched_at": fetched_at,
        "version": version,
        "supersedes": supersedes,
    }


def test_ages_read_as_seconds_or_with_a_unit_and_a_bad_one_names_the_setting() -> None:
    assert parse_age("3600") == timedelta(hours=1)
    assert parse_age("20h") == timedelta(hours=20)
    assert parse_age("30d") == timedelta(days=30)
    assert parse_age(0) == timedelta(0)
    with pytest.raises(ValueError, match="ARCHIVE_RECHECK_MIN_AGE"):
        parse_age("a fortnight")


def test_bounds_come_from_settings_and_zero_pages_means_no_cap() -> None:
    bounds = RecheckBounds.from_settings(Settings({"ARCHIVE_RECHECK_MAX_PAGES": 0}))
    assert bounds.max_pages is None
    assert bounds.min_age == timedelta(hours=20), "the default: one night back"
    now = datetime(2026, 12, 4, 2, 17, tzinfo=UTC)
    assert bounds.cutoff(now) == "2026-12-03T06:17:00Z"
    with pytest.raises(ValueError, match="ARCHIVE_RECHECK_MAX_PAGES"):
        RecheckBounds.from_settings(Settings({"ARCHIVE_RECHECK_MAX_PAGES": -1}))


def test_conditional_headers_follow_the_archived_validators() -> None:
    headers = [("ETag", '"abc"'), ("last-modified", "Tue, 14 Mar 2017 09:26:53 GMT")]
    assert conditional_headers(headers) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Tue, 14 Mar 2017 09:26:53 GMT",
    }
    assert conditional_headers([("Content-Type", "text/html")]) == {}


def test_candidates_are_the_oldest_checks_first_within_the_bounds(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite3", "run1")
    for day in (3, 1, 2):
        state.add_articles([(record(f"http://x/a/b/{day}", f"2026-11-0{day}T00:00:00Z"), "j")])
    picked = state.rechecks.candidates(checked_before="2026-12-01T00:00:00Z", limit=2)
    assert [p.url for p in picked] == ["http://x/a/b/1", "http://x/a/b/2"]
    state.rechecks.note([Check("http://x/a/b/1", "unchanged", 200)])
    later = state.rechecks.candidates(checked_before="2099-01-01T00:00:00Z", limit=None)
    assert [p.url for p in later] == ["http://x/a/b/2", "http://x/a/b/3", "http://x/a/b/1"]
    early = state.rechecks.candidates(checked_before="2026-11-02T12:00:00Z", limit=None)
    assert [p.url for p in early] == ["http://x/a/b/2"], "/1 counts from its check now"


def test_a_new_version_becomes_current_and_is_noted_changed(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite3", "run1")
    url = "http://x/a/b/c"
    state.add_articles([(record(url, "2026-11-01T00:00:00Z"), "one.jsonl")])
    assert state.rechecks.current_version(url) == 1
    v2 = record(url, "2026-12-01T00:00:00Z", version=2, supersedes=ID1, record_id=ID2)
    state.add_articles([(v2, "two.jsonl")])
    assert state.rechecks.current_version(url) == 2
    assert state.archived_count() == 1, "one article, two versions"
    assert state.jsonl_file_of(url) == "two.jsonl"
    [page] = state.rechecks.candidates(checked_before="2099-01-01T00:00:00Z", limit=None)
    assert (page.version, page.record_id) == (2, ID2)
    [version] = state.rechecks.versions(run_id="run1")
    assert (version["version"], version["supersedes"]) == (2, ID1)
    assert state.rechecks.checks()[0]["outcome"] == "changed"
    assert state.rechecks.current_version("http://x/a/b/none") == 0


def test_withdrawn_keeps_its_first_date_until_the_page_is_back(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite3", "run1")
    url = "http://x/a/b/c"
    state.rechecks.note([Check(url, "withdrawn", 404, "HTTP 404")])
    first = state.rechecks.checks()[0]["withdrawn_at"]
    state._db.execute("UPDATE checks SET withdrawn_at = '2026-01-01T00:00:00Z'")
    state.rechecks.note([Check(url, "withdrawn", 410, "HTTP 410")])
    assert first and state.rechecks.checks()[0]["withdrawn_at"] == "2026-01-01T00:00:00Z"
    state.rechecks.note([Check(url, "unchanged", 200)])
    assert state.rechecks.checks()[0]["withdrawn_at"] is None


def test_a_state_database_from_before_rechecks_opens_and_gains_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE articles (url TEXT PRIMARY KEY, post_id INTEGER, jsonl_file TEXT NOT NULL,"
        " warc_filename TEXT NOT NULL, warc_offset INTEGER NOT NULL, warc_length INTEGER NOT"
        " NULL, record_id TEXT NOT NULL, payload_digest TEXT NOT NULL, fetched_at TEXT NOT"
        " NULL, run_id TEXT NOT NULL);"
        "INSERT INTO articles VALUES ('http://x/a/b/c', 7, 'j', 'f.warc.gz', 1, 2, 'id',"
        " 'sha1:X', '2026-11-01T00:00:00Z', 'old');"
    )
    old.commit()
    old.close()
    state = CrawlState(path, "run2")
    [page] = state.rechecks.candidates(checked_before="2099-01-01T00:00:00Z", limit=None)
    assert (page.url, page.version) == ("http://x/a/b/c", 1)


def article(version: int = 1, supersedes: str | None = None) -> ArticleRecord:
    return ArticleRecord(
        url="http://x/a/b/c", post_id=7, title="T", byline=None, authors=[], published=None,
        section=None, categories=[], tags=[], dateline=None, text="Beirut.", images=[],
        word_count=1, language="en", fetched_at="2026-12-01T00:00:00Z",
        warc=WarcPointer(filename="f.warc.gz", offset=1, length=2, record_id=ID2),
        payload_digest="sha1:" + "A" * 32, parser="divi-article/1.0", version=version,
        supersedes=supersedes,
    )  # fmt: skip


def test_a_crawls_duplicate_is_dropped_and_a_new_version_passes_once(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, {"ARCHIVE_OUTPUT_DIR": str(tmp_path)})
    crawler.spider = crawler._create_spider("t")
    pipeline = DeduplicatePipeline.from_crawler(crawler)
    state = get_state(crawler)
    state.add_articles([(record("http://x/a/b/c", "2026-11-01T00:00:00Z"), "one.jsonl")])
    with pytest.raises(DropItem):
        pipeline.process_item(article())
    assert pipeline.process_item(article(2, ID1)).version == 2
    with pytest.raises(DropItem):  # the same version again, while it is pending
        pipeline.process_item(article(2, ID1))
    state.add_articles([(article(2, ID1).to_dict(), "two.jsonl")])
    with pytest.raises(DropItem):  # and once it is archived
        pipeline.process_item(article(2, ID1))
    state.close()


def test_the_schema_ties_supersedes_to_the_version() -> None:
    validate_record(article(2, ID1).to_dict())
    for wrong in (article(2, None), article(1, ID1)):
        with pytest.raises(RecordInvalid, match="supersedes"):
            validate_record(wrong.to_dict())
    with pytest.raises(RecordInvalid, match="version"):
        validate_record(dataclasses.replace(article(), version=0).to_dict())


def test_requisites_are_due_by_their_run_and_a_changed_one_names_its_new_capture(
    tmp_path: Path,
) -> None:
    state = CrawlState(tmp_path / "s.sqlite3", "20261101000000000-aaaa")
    image = "http://x/wp-content/uploads/2012/01/photo-1.jpg"
    old = {"filename": "a.warc.gz", "offset": 1, "length": 2, "record_id": ID1,
           "payload_digest": "sha1:" + "A" * 32}  # fmt: skip
    state.add_requisite(image, 200, old)
    state.claim_requisite("http://x/being-fetched.png", "a.warc.gz", 9)  # a claim: no capture
    assert state.rechecks.requisite_candidates(checked_before="2026-11-01T00:00:00Z", limit=9) == []
    [due] = state.rechecks.requisite_candidates(checked_before="2026-11-02T00:00:00Z", limit=9)
    assert (due.url, due.version, due.kind) == (image, 1, "requisite")
    assert due.fetched_at == "2026-11-01T00:00:00Z", "its run's start"
    new = {**old, "filename": "b.warc.gz", "record_id": ID2, "payload_digest": "sha1:" + "B" * 32}
    state.rechecks.replace_requisites([(due, {**new, "fetched_at": "2026-12-01T00:00:00Z"})])
    assert state.requisite_capture(image) == new
    [version] = state.rechecks.versions()
    assert (version["version"], version["supersedes"], version["kind"]) == (2, ID1, "requisite")
    [check] = state.rechecks.checks()
    assert (check["outcome"], check["kind"]) == ("changed", "requisite")
    assert state.rechecks.requisite_candidates(checked_before="2026-11-02T00:00:00Z", limit=9) == []
    state.close()


def test_the_requisite_cap_is_a_setting_of_its_own() -> None:
    bounds = RecheckBounds.from_settings(Settings({"ARCHIVE_RECHECK_MAX_REQUISITES": 0}))
    assert (bounds.max_pages, bounds.max_requisites) == (1000, None)
    with pytest.raises(ValueError, match="ARCHIVE_RECHECK_MAX_REQUISITES"):
        RecheckBounds.from_settings(Settings({"ARCHIVE_RECHECK_MAX_REQUISITES": -5}))


@pytest.mark.parametrize(
    ("archived", "body", "content_type", "why"),
    [
        ("image/jpeg", b"", "image/jpeg", "empty body"),
        ("image/jpeg", b"<html>error</html>", "text/html; charset=UTF-8", "where image/jpeg"),
        ("text/css", b"<html>error</html>", "text/html", "where text/css"),
        ("image/jpeg", b"\xff\xd8\xff\xfe", "image/jpeg", None),  # a new photograph
        ("image/png", b"\xff\xd8\xff\xfe", "image/jpeg", None),  # re-saved in another format
        (None, b"<html></html>", "text/html", None),  # nothing to compare with
    ],
)
def test_a_requisites_new_payload_is_bad_only_when_empty_or_an_html_page(
    archived: str | None, body: bytes, content_type: str, why: str | None
) -> None:
    response = Response("http://x/a.jpg", body=body, headers={"Content-Type": content_type})
    found = bad_requisite_answer(response, archived)
    assert (found is None) if why is None else (found is not None and why in found)


def test_revisits_newer_than_their_noted_check_are_the_unnoted_answers() -> None:
    def line(url: str, stamp: str, mime: str = "warc/revisit") -> tuple[str, str, dict[str, Any]]:
        return "key", stamp, {"url": url, "mime": mime, "status": "304"}

    lines = [
        line("http://x/a", "20261207080000"),  # noted at 08:00:05: answered before
        line("http://x/b", "20261207080000"),  # noted a night before: a new answer
        line("http://x/b", "20261207080102"),  # ... and a newer one: that one counts
        line("http://x/c", "20261207080000", mime="text/html"),  # a capture: no revisit
        line("http://x/d", "2026120708"),  # not a timestamp
    ]
    checked = {"http://x/a": "2026-12-07T08:00:05Z", "http://x/b": "2026-12-06T08:00:00Z"}
    assert unnoted(newest_revisits(lines), checked) == [
        Check("http://x/b", "unchanged", 304, at="2026-12-07T08:01:02Z")
    ]
