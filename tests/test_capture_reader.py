"""Reading records back: a Capture's pointer opens its response; files iterate in order."""

from __future__ import annotations

import io
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.capture import Exchange, WarcFileWriter, iter_responses, open_record
from archiver.items import WarcPointer

HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Beirut</p></body></html>"


def make_exchange(url: str) -> Exchange:
    return Exchange(
        url=url,
        method="GET",
        request_headers=(("Host", "e.org"),),
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(("Content-Type", "text/html"),),
        body=HTML,
        ip_address="192.0.2.7",
        fetched_at=datetime(2026, 11, 25, 1, 59, 33, tzinfo=UTC),
    )


def test_capture_pointer_opens_exactly_its_response(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, max_size=2500)
    captures = [writer.write_exchange(make_exchange(url=f"http://e.org/{n}")) for n in range(6)]
    writer.close()
    for capture in captures:
        path = tmp_path / capture.warc.filename
        with path.open("rb") as fh:
            fh.seek(capture.warc.offset)
            raw = fh.read(capture.warc.length)
        inflater = zlib.decompressobj(31)
        inflated = inflater.decompress(raw)
        assert inflater.eof and not inflater.unused_data  # exactly one gzip member
        record = next(iter(ArchiveIterator(io.BytesIO(inflated))))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Record-ID") == capture.warc.record_id
        assert record.rec_headers.get_header("WARC-Target-URI") == capture.target_uri
        assert record.rec_headers.get_header("WARC-Payload-Digest") == capture.payload_digest
        assert record.rec_headers.get_header("WARC-Date") == capture.fetched_at
        assert record.content_stream().read() == HTML
        again = open_record(tmp_path, capture.warc)
        assert again.rec_headers.get_header("WARC-Record-ID") == capture.warc.record_id


def test_pointer_that_disagrees_with_the_file_is_refused(tmp_path: Path) -> None:
    with WarcFileWriter(tmp_path) as writer:
        capture = writer.write_exchange(make_exchange("http://e.org/x"))
    wrong_id = WarcPointer(
        filename=capture.warc.filename,
        offset=capture.warc.offset,
        length=capture.warc.length,
        record_id="<urn:uuid:other>",
    )
    with pytest.raises(ValueError, match="disagree"):
        open_record(tmp_path, wrong_id)
    wrong_length = WarcPointer(
        filename=capture.warc.filename,
        offset=capture.warc.offset,
        length=capture.warc.length - 1,
        record_id=capture.warc.record_id,
    )
    with pytest.raises(ValueError, match="length"):
        open_record(tmp_path, wrong_length)
    escape = WarcPointer(filename="../x.warc.gz", offset=0, length=1, record_id="<x>")
    with pytest.raises(ValueError, match="bare name"):
        open_record(tmp_path, escape)


def test_iter_responses_gives_the_capture_offsets(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path)
    captures = [writer.write_exchange(make_exchange(url=f"http://e.org/{n}")) for n in range(4)]
    writer.close()
    [path] = sorted(tmp_path.glob("*.warc.gz"))
    found = [(r.rec_headers.get_header("WARC-Record-ID"), o, n) for r, o, n in iter_responses(path)]
    assert found == [(c.warc.record_id, c.warc.offset, c.warc.length) for c in captures]
