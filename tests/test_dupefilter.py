"""The on-disk dupefilter: same answers as Scrapy's, nothing kept in a Python set."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from archiver.dupefilter import DiskDupeFilter


def test_sees_each_request_once_and_cleans_up(tmp_path: Path) -> None:
    stale = tmp_path / "frontier" / "seen-old.sqlite3"
    stale.parent.mkdir()
    stale.write_bytes(b"left by a killed run")
    path = tmp_path / "frontier" / "seen-run.sqlite3"
    dupes = DiskDupeFilter(path, debug=False, fingerprinter=RequestFingerprinter())
    assert not stale.exists(), "a killed run's seen-set is removed at start"
    first = Request("http://127.0.0.1:8000/a/b/c")
    assert dupes.request_seen(first) is False
    assert dupes.request_seen(Request("http://127.0.0.1:8000/a/b/c")) is True
    assert dupes.request_seen(Request("http://127.0.0.1:8000/a/b/d")) is False
    assert dupes.request_seen(Request("http://127.0.0.1:8000/a/b/c", method="POST")) is False
    assert not dupes._fingerprints, "fingerprints must not pile up in memory"
    dupes.close("finished")
    assert not path.exists()
