"""Replay of revisits in pywb: a re-check's revisit record resolves to its original payload.

pywb reads the revisit's HTTP headers and takes the payload from the capture it names
(WARC-Refers-To-Target-URI, -Date and the payload digest): replaying the article at the
revisit's time must give the original page. Skipped without pywb (tests/pywb_tools.py).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.capture import WarcFileWriter
from archiver.capture.revisit import IDENTICAL_PAYLOAD_DIGEST, RevisitOf, encode_revisit
from tests.pywb_tools import fetch, make_collection, pywb_bin, running_wayback
from tests.test_capture_replay import ARTICLE, FETCHED, SITE, exchange

pytestmark = pytest.mark.replay

LATER = datetime(2026, 12, 4, 2, 17, 5, tzinfo=UTC)


def test_pywb_replays_a_revisit_with_the_original_payload(tmp_path: Path) -> None:
    bin_dir = pywb_bin()
    if bin_dir is None:
        pytest.skip("pywb not found: set ARCHIVER_PYWB_VENV to a venv with pywb installed")
    page = exchange("/gzip", 200, (("Content-Encoding", "gzip"),), gzip.compress(ARTICLE))
    with WarcFileWriter(tmp_path / "warc", max_size=1000) as writer:  # original, revisit apart
        first = writer.write_exchange(page)
        original = RevisitOf(
            record_id=first.warc.record_id,
            target_uri=first.target_uri,
            date=first.fetched_at,
            payload_digest=first.payload_digest,
        )
        again = dataclasses.replace(page, fetched_at=LATER)
        revisit = writer.append(
            encode_revisit(again, original, IDENTICAL_PAYLOAD_DIGEST, gzip_level=6)
        )
    assert revisit.warc.filename != first.warc.filename, "the original is in another file"
    make_collection(bin_dir, tmp_path, sorted((tmp_path / "warc").glob("*.warc.gz")))
    index = (tmp_path / "collections" / "archive" / "indexes" / "index.cdxj").read_text()
    mimes = [json.loads(line.split(" ", 2)[2]).get("mime") for line in index.splitlines()]
    assert "warc/revisit" in mimes, "pywb indexed the revisit as one"
    with running_wayback(bin_dir, tmp_path) as base:
        for moment in (LATER, FETCHED):
            url = f"{base}/archive/{moment:%Y%m%d%H%M%S}id_/{SITE}/gzip"
            status, headers, body = fetch(url)
            assert status == 200, (moment, status)
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            assert body == ARTICLE, moment
            memento = headers.get("Memento-Datetime", "")
            assert f"{moment:%d %b %Y %H:%M:%S}" in memento, (moment, memento)
