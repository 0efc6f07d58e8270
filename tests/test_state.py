"""The crawl-state database survives across runs and keeps failures until fixed."""

from __future__ import annotations

from pathlib import Path

from archiver.state import CrawlState


def _record(url: str) -> dict[str, object]:
    return {
        "url": url,
        "post_id": 7,
        "warc": {"filename": "f.warc.gz", "offset": 10, "length": 20, "record_id": "<urn:x>"},
        "payload_digest": "sha1:" + "A" * 32,
        "fetched_at": "2026-11-25T00:00:00Z",
    }


def test_archived_articles_persist_across_runs(tmp_path: Path) -> None:
    first = CrawlState(tmp_path / "s.sqlite3", "run1")
    first.record_failure("http://x/a/b/c", kind="article", status=503, reason="HTTP 503")
    first.add_articles([(_record("http://x/a/b/c"), "one.jsonl")])
    first.close()
    second = CrawlState(tmp_path / "s.sqlite3", "run2")
    assert second.is_archived("http://x/a/b/c")
    assert not second.is_archived("http://x/a/b/d")
    assert second.jsonl_file_of("http://x/a/b/c") == "one.jsonl"
    assert list(second.failures()) == [], "archiving an article clears its failure"
    assert second.archived_count() == 1


def test_failures_count_attempts_and_filter_by_kind(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite3", "run1")
    for _ in range(3):
        state.record_failure("http://x/category/a", kind="listing", status=500, reason="HTTP 500")
    state.record_failure("http://x/a/b/c", kind="parse", status=200, reason="layout")
    [listing] = state.failures(kinds=("listing",))
    assert (listing.attempts, listing.status) == (3, 500)
    assert len(list(state.failures())) == 2


def test_walks(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite3", "run1")
    assert not state.walk_completed("http://x/category/opinion")
    state.mark_walk_completed("http://x/category/opinion")
    assert state.walk_completed("http://x/category/opinion")
