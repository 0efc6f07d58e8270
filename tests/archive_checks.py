"""Checks of an output directory that every crawl test makes, written against warcio directly
(never through archiver's own reader) so they check the crawler rather than agree with it."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator


@dataclass
class WarcSummary:
    """What the WARC files of a crawl hold, as the checks saw it."""

    responses: dict[str, list[str]] = field(default_factory=dict)  # target URI → record ids
    statuses: Counter[str] = field(default_factory=Counter)
    files: list[Path] = field(default_factory=list)
    # target URI → the WARC-Refers-To and WARC-Profile of each revisit record
    revisits: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def read_jsonl(output: Path) -> list[dict[str, Any]]:
    """Every line of every closed JSONL file; each must be a complete JSON object."""
    assert not list((output / "jsonl").glob("*.open")), "a JSONL file was left open"
    records = []
    for path in sorted((output / "jsonl").glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            assert isinstance(record, dict), f"{path.name}:{number} is not an object"
            records.append(record)
    return records


def check_warcs(output: Path) -> WarcSummary:
    """Every WARC file is closed, decompresses to the end, passes `warcio check`, opens with
    a warcinfo record, and pairs each request with a response by WARC-Concurrent-To."""
    warc_dir = output / "warc"
    assert not list(warc_dir.glob("*.open")), "a WARC file was left open"
    summary = WarcSummary(files=sorted(warc_dir.glob("*.warc.gz")))
    assert summary.files, "no WARC file written"
    for path in summary.files:
        _check_gzip_to_the_end(path)
        _check_with_warcio(path)
        _check_records(path, summary)
    return summary


def _check_gzip_to_the_end(path: Path) -> None:
    # `warcio check` alone misses a record cut off mid-write: decompress every member.
    with gzip.open(path, "rb") as stream:
        while stream.read(1 << 20):
            pass
    data = path.read_bytes()
    while data:  # and each record is its own gzip member (per-record compression)
        decompressor = zlib.decompressobj(31)
        decompressor.decompress(data)
        assert decompressor.eof, f"{path.name}: truncated gzip member"
        data = decompressor.unused_data


def _check_with_warcio(path: Path) -> None:
    warcio = Path(sys.executable).with_name("warcio")
    result = subprocess.run(
        [str(warcio), "check", str(path)], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"warcio check {path.name}: {result.stdout}{result.stderr}"


def _check_records(path: Path, summary: WarcSummary) -> None:
    requests: dict[str, str] = {}
    concurrent: dict[str, str] = {}
    responses: set[str] = set()  # this file's (summary.responses spans every file)
    with path.open("rb") as stream:
        for number, record in enumerate(ArchiveIterator(stream)):
            headers = record.rec_headers
            assert headers.protocol == "WARC/1.1", headers.protocol
            if number == 0:
                assert record.rec_type == "warcinfo", f"{path.name} does not open with warcinfo"
            record_id = headers.get_header("WARC-Record-ID")
            uri = headers.get_header("WARC-Target-URI")
            if record.rec_type == "request":
                requests[record_id] = uri
                concurrent[record_id] = headers.get_header("WARC-Concurrent-To")
            elif record.rec_type == "response":
                summary.responses.setdefault(uri, []).append(record_id)
                responses.add(record_id)
                summary.statuses[record.http_headers.get_statuscode()] += 1
                assert headers.get_header("WARC-Payload-Digest", "").startswith("sha1:")
                assert headers.get_header("WARC-Block-Digest", "").startswith("sha1:")
            elif record.rec_type == "revisit":  # a re-check's unchanged answer: pairs too
                refers = (headers.get_header("WARC-Refers-To"), headers.get_header("WARC-Profile"))
                summary.revisits.setdefault(uri, []).append(refers)
                responses.add(record_id)
            content = record.content_stream()
            while content.read(1 << 20):  # to the end, never whole (a bomb expands here)
                pass
    for request_id, response_id in concurrent.items():
        assert response_id in responses, f"request {request_id} has no response in the file"
    assert len(requests) == len(responses), f"{path.name}: unpaired records"


def check_pointer(output: Path, record: dict[str, Any]) -> None:
    """The record's warc pointer opens its response record: one gzip member at offset, of
    length bytes, whose target URI is the record's URL and whose payload digest matches."""
    pointer = record["warc"]
    path = output / "warc" / pointer["filename"]
    assert path.is_file(), f"{pointer['filename']} is not a closed WARC file"
    with path.open("rb") as stream:
        stream.seek(pointer["offset"])
        member = stream.read(pointer["length"])
    decompressor = zlib.decompressobj(31)
    decompressor.decompress(member)
    assert decompressor.eof and not decompressor.unused_data, "pointer is not one gzip member"
    warc_record = next(iter(ArchiveIterator(io.BytesIO(member))))
    headers = warc_record.rec_headers
    assert warc_record.rec_type == "response"
    assert headers.get_header("WARC-Record-ID") == pointer["record_id"]
    assert headers.get_header("WARC-Target-URI") == record["url"]
    assert headers.get_header("WARC-Payload-Digest") == record["payload_digest"]
