"""Revisit records (archiver.capture.revisit): when one is written, and what warcio reads."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from archiver.capture import WarcFileWriter, iter_records, open_record
from archiver.capture.revisit import (
    IDENTICAL_PAYLOAD_DIGEST,
    SERVER_NOT_MODIFIED,
    RevisitOf,
    encode_revisit,
    revisit_profile,
)
from archiver.capture.serialize import sha1_digest
from tests.test_capture import HTML, make_exchange

LATER = datetime(2026, 12, 4, 2, 17, 5, tzinfo=UTC)
VENV_BIN = Path(sys.executable).parent


def original_of(tmp_path: Path) -> tuple[RevisitOf, WarcFileWriter]:
    writer = WarcFileWriter(tmp_path / "warc")
    capture = writer.write_exchange(make_exchange())
    original = RevisitOf(
        record_id=capture.warc.record_id,
        target_uri=capture.target_uri,
        date=capture.fetched_at,
        payload_digest=capture.payload_digest,
    )
    return original, writer


def test_only_an_unchanged_answer_for_the_same_url_is_a_revisit(tmp_path: Path) -> None:
    original, writer = original_of(tmp_path)
    writer.close()
    assert revisit_profile(make_exchange(), original) == IDENTICAL_PAYLOAD_DIGEST
    not_modified = make_exchange(status=304, reason="Not Modified", body=b"")
    assert revisit_profile(not_modified, original) == SERVER_NOT_MODIFIED
    assert revisit_profile(make_exchange(body=HTML + b" "), original) is None, "changed"
    assert revisit_profile(make_exchange(url="https://example.org/other"), original) is None
    assert revisit_profile(make_exchange(status=404, reason="Not Found"), original) is None
    assert revisit_profile(make_exchange(truncated="length"), original) is None


def test_a_revisit_names_its_original_and_holds_only_the_headers(tmp_path: Path) -> None:
    original, writer = original_of(tmp_path)
    records = encode_revisit(
        make_exchange(fetched_at=LATER), original, IDENTICAL_PAYLOAD_DIGEST, gzip_level=6
    )
    capture = writer.append(records)
    writer.close()
    revisit = open_record(tmp_path / "warc", capture.warc)
    headers = revisit.rec_headers
    assert revisit.rec_type == "revisit"
    assert headers.get_header("WARC-Profile") == IDENTICAL_PAYLOAD_DIGEST
    assert headers.get_header("WARC-Refers-To") == original.record_id
    assert headers.get_header("WARC-Refers-To-Target-URI") == original.target_uri
    assert headers.get_header("WARC-Refers-To-Date") == original.date
    assert headers.get_header("WARC-Payload-Digest") == sha1_digest(HTML)
    assert headers.get_header("WARC-Date") == "2026-12-04T02:17:05Z"
    assert headers.get_header("WARC-Concurrent-To") == records.request_id
    assert revisit.http_headers.get_statuscode() == "200"
    assert revisit.http_headers.get_header("Content-Type") == "text/html; charset=UTF-8"
    assert revisit.content_stream().read() == b"", "no payload: it is the original's"
    assert capture.payload_digest == original.payload_digest
    [path] = (tmp_path / "warc").glob("*.warc.gz")
    kinds = [record.rec_type for record, _, _ in iter_records(path)]
    assert kinds == ["warcinfo", "request", "response", "request", "revisit"]
    check = subprocess.run(
        [str(VENV_BIN / "warcio"), "check", str(path)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_revisit_is_small_beside_its_original(tmp_path: Path) -> None:
    original, writer = original_of(tmp_path)
    big = os.urandom(20_000)  # incompressible: the sizes compare payloads
    first = writer.write_exchange(make_exchange(url="https://example.org/big", body=big))
    of_big = RevisitOf(
        record_id=first.warc.record_id,
        target_uri=first.target_uri,
        date=first.fetched_at,
        payload_digest=first.payload_digest,
    )
    exchange = make_exchange(url="https://example.org/big", body=big, fetched_at=LATER)
    revisit = writer.append(
        encode_revisit(exchange, of_big, IDENTICAL_PAYLOAD_DIGEST, gzip_level=6)
    )
    writer.close()
    assert original.payload_digest != of_big.payload_digest
    assert revisit.warc.length < first.warc.length / 2
