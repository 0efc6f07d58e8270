"""Unit tests of archiver.capture: names, record bytes, digests, rollover, pointers, input."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import os
import re
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.capture import (
    Exchange,
    WarcFileWriter,
    iter_records,
    open_record,
)
from archiver.capture.naming import NAME_PATTERN, check_prefix, timestamp17, warc_filename
from archiver.capture.reader import read_member
from archiver.items import Capture, WarcPointer

VENV_BIN = Path(sys.executable).parent
FIXED = datetime(2026, 11, 25, 1, 59, 33, 250000, tzinfo=UTC)
HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Beirut</p></body></html>"


def make_exchange(url: str = "https://example.org/news/a?id=1", **changes: object) -> Exchange:
    values: dict[str, object] = {
        "url": url,
        "method": "GET",
        "request_headers": (("Host", "example.org"), ("User-Agent", "archiver-test")),
        "request_body": b"",
        "protocol": "HTTP/1.1",
        "status": 200,
        "reason": "OK",
        "response_headers": (
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ),
        "body": HTML,
        "ip_address": "192.0.2.7",
        "fetched_at": FIXED,
    }
    values.update(changes)
    return Exchange(**values)  # type: ignore[arg-type]


def pinned_writer(directory: Path, **options: object) -> WarcFileWriter:
    """A writer whose ids, dates and token are fixed, so its output is byte-for-byte known."""
    counter = itertools.count(1)
    return WarcFileWriter(
        directory,
        warcinfo={"hostname": "crawler.test", "operator": "Test Operator"},
        clock=lambda: FIXED,
        new_id=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>",
        token="a1b2c3d4",
        **options,  # type: ignore[arg-type]
    )


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def members(path: Path) -> list[bytes]:
    """Every gzip member of a file, inflated, split by hand (independent of the code tested)."""
    data, out = path.read_bytes(), []
    while data:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(data))
        assert inflater.eof
        data = inflater.unused_data
    return out


def split_record(record: bytes) -> tuple[dict[str, list[str]], bytes]:
    head, _, rest = record.partition(b"\r\n\r\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode().split("\r\n")[1:]:
        name, _, value = line.partition(": ")
        fields.setdefault(name, []).append(value)
    length = int(fields["Content-Length"][0])
    assert rest[length:] == b"\r\n\r\n"
    return fields, rest[:length]


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz"))


# --- naming ----------------------------------------------------------------------------------


def test_file_names_follow_the_warcprox_pattern() -> None:
    name = warc_filename("ARCHIVER", FIXED, 3, "a1b2c3d4")
    assert name == "ARCHIVER-20261125015933250-00003-a1b2c3d4.warc.gz"
    assert NAME_PATTERN.fullmatch(name)
    assert timestamp17(FIXED) == "20261125015933250"


@pytest.mark.parametrize("prefix", ["", "a/b", "../x", "-lead", "sp ace", "x" * 65])
def test_unsafe_prefixes_are_refused_with_the_setting_named(prefix: str) -> None:
    with pytest.raises(ValueError, match="ARCHIVE_WARC_PREFIX"):
        check_prefix(prefix)


# --- record bytes ----------------------------------------------------------------------------

EXPECTED_REQUEST = (
    "WARC/1.1\r\n"
    "WARC-Type: request\r\n"
    "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000002>\r\n"
    "WARC-Date: 2026-11-25T01:59:33Z\r\n"
    "WARC-Target-URI: https://example.org/news/a?id=1\r\n"
    "WARC-IP-Address: 192.0.2.7\r\n"
    "WARC-Concurrent-To: <urn:uuid:00000000-0000-4000-8000-000000000003>\r\n"
    "WARC-Block-Digest: {block}\r\n"
    "WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\r\n"
    "Content-Type: application/http; msgtype=request\r\n"
    "Content-Length: {length}\r\n"
    "\r\n"
    "GET /news/a?id=1 HTTP/1.1\r\n"
    "Host: example.org\r\n"
    "User-Agent: archiver-test\r\n"
    "\r\n"
    "\r\n\r\n"
)
EXPECTED_RESPONSE_HEAD = (
    "WARC/1.1\r\n"
    "WARC-Type: response\r\n"
    "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000003>\r\n"
    "WARC-Date: 2026-11-25T01:59:33Z\r\n"
    "WARC-Target-URI: https://example.org/news/a?id=1\r\n"
    "WARC-IP-Address: 192.0.2.7\r\n"
    "WARC-Concurrent-To: <urn:uuid:00000000-0000-4000-8000-000000000002>\r\n"
    "WARC-Block-Digest: {block}\r\n"
    "WARC-Payload-Digest: {payload}\r\n"
    "Content-Type: application/http; msgtype=response\r\n"
    "Content-Length: {length}\r\n"
    "\r\n"
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Set-Cookie: a=1\r\n"
    "Set-Cookie: b=2\r\n"
    "\r\n"
)


def test_pinned_exchange_is_written_byte_for_byte(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        capture = writer.write_exchange(make_exchange())
    [path] = warc_files(tmp_path)
    warcinfo, request, response = members(path)

    assert warcinfo.startswith(
        b"WARC/1.1\r\nWARC-Type: warcinfo\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
        b"WARC-Date: 2026-11-25T01:59:33Z\r\n"
        b"WARC-Filename: ARCHIVER-20261125015933250-00000-a1b2c3d4.warc.gz\r\n"
    )
    request_block = (
        b"GET /news/a?id=1 HTTP/1.1\r\nHost: example.org\r\nUser-Agent: archiver-test\r\n\r\n"
    )
    assert request.decode() == EXPECTED_REQUEST.format(
        block=sha1_b32(request_block), length=len(request_block)
    )
    head = EXPECTED_RESPONSE_HEAD.encode()
    block = head[head.index(b"HTTP/1.1 200") :] + HTML
    assert (
        response
        == EXPECTED_RESPONSE_HEAD.format(
            block=sha1_b32(block), payload=sha1_b32(HTML), length=len(block)
        ).encode()
        + HTML
        + b"\r\n\r\n"
    )
    assert capture == Capture(
        warc=WarcPointer(
            filename="ARCHIVER-20261125015933250-00000-a1b2c3d4.warc.gz",
            offset=capture.warc.offset,
            length=capture.warc.length,
            record_id="<urn:uuid:00000000-0000-4000-8000-000000000003>",
        ),
        payload_digest=sha1_b32(HTML),
        fetched_at="2026-11-25T01:59:33Z",
        target_uri="https://example.org/news/a?id=1",
    )


def test_warcinfo_opens_the_file_with_software_and_format(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        writer.write_exchange(make_exchange())
    fields, block = split_record(members(warc_files(tmp_path)[0])[0])
    assert fields["WARC-Type"] == ["warcinfo"]
    assert fields["Content-Type"] == ["application/warc-fields"]
    assert fields["WARC-Block-Digest"] == [sha1_b32(block)]
    info = dict(line.split(": ", 1) for line in block.decode().splitlines())
    assert re.fullmatch(r"archiver/\S+ \(warcio/1\.8\.1; Scrapy/2\.19\.0\)", info["software"])
    assert info["format"] == "WARC File Format 1.1"
    assert "warc-1.1" in info["conformsTo"]
    assert info["hostname"] == "crawler.test"
    assert info["operator"] == "Test Operator"


def test_digests_match_a_recomputation_for_every_record(tmp_path: Path) -> None:
    exchanges = [
        make_exchange(),
        make_exchange(
            body=gzip.compress(HTML, mtime=0), response_headers=(("Content-Encoding", "gzip"),)
        ),
        make_exchange(method="POST", request_body=b"q=1&page=2", status=404, reason="Not Found"),
        make_exchange(body=b"", status=301, reason="Moved Permanently"),
    ]
    with pinned_writer(tmp_path) as writer:
        for exchange in exchanges:
            writer.write_exchange(exchange)
    for record in members(warc_files(tmp_path)[0]):
        fields, block = split_record(record)
        assert fields["WARC-Block-Digest"] == [sha1_b32(block)]
        if fields["WARC-Type"] != ["warcinfo"]:
            payload = block.partition(b"\r\n\r\n")[2]
            assert fields["WARC-Payload-Digest"] == [sha1_b32(payload)]


def test_request_and_response_name_each_other(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        for n in range(3):
            writer.write_exchange(make_exchange(url=f"http://example.org/{n}"))
    records = [split_record(m)[0] for m in members(warc_files(tmp_path)[0])]
    assert [r["WARC-Type"][0] for r in records] == ["warcinfo", *["request", "response"] * 3]
    for request, response in itertools.pairwise(records[1:]):
        if request["WARC-Type"] == ["request"]:
            assert request["WARC-Concurrent-To"] == response["WARC-Record-ID"]
            assert response["WARC-Concurrent-To"] == request["WARC-Record-ID"]
            assert request["WARC-Date"] == response["WARC-Date"]
            assert request["WARC-Target-URI"] == response["WARC-Target-URI"]


def test_status_line_keeps_the_space_before_an_empty_reason(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        capture = writer.write_exchange(make_exchange(status=599, reason=""))
    data = read_member(tmp_path / capture.warc.filename, capture.warc.offset, capture.warc.length)
    assert b"\r\n\r\nHTTP/1.1 599 \r\n" in data


def test_line_breaks_inside_header_values_cannot_break_the_record(tmp_path: Path) -> None:
    headers = (("Host", "example.org"), ("X-Evil", "a\r\nWARC-Type: forged"))
    with pinned_writer(tmp_path) as writer:
        writer.write_exchange(make_exchange(request_headers=headers))
    request = members(warc_files(tmp_path)[0])[1]
    assert b"X-Evil: a WARC-Type: forged\r\n" in request
    assert split_record(request)[0]["WARC-Type"] == ["request"]


def test_naive_fetch_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_exchange(fetched_at=datetime(2026, 1, 1))


# --- files: .open, rename, rollover, sync ----------------------------------------------------


def test_file_is_open_while_written_and_renamed_on_close(tmp_path: Path) -> None:
    writer = pinned_writer(tmp_path)
    capture = writer.write_exchange(make_exchange())
    assert [p.name for p in tmp_path.iterdir()] == [capture.warc.filename + ".open"]
    writer.close()
    writer.close()  # idempotent
    assert [p.name for p in tmp_path.iterdir()] == [capture.warc.filename]
    with pytest.raises(RuntimeError, match="closed"):
        writer.write_exchange(make_exchange())


def test_nothing_written_means_no_file(tmp_path: Path) -> None:
    WarcFileWriter(tmp_path / "warc").close()
    assert not (tmp_path / "warc").exists()


def test_files_roll_over_past_max_size_each_with_its_warcinfo(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, max_size=3000, prefix="ROLL")
    captures = [writer.write_exchange(make_exchange(url=f"http://e.org/{n}")) for n in range(9)]
    writer.close()
    files = warc_files(tmp_path)
    assert len(files) >= 3
    assert not list(tmp_path.glob("*.open"))
    assert writer.stats.files_opened == len(files)
    assert [NAME_PATTERN.fullmatch(f.name)["serial"] for f in files] == [  # type: ignore[index]
        f"{n:05d}" for n in range(len(files))
    ]
    for path in files[:-1]:
        # a file closes on the write that takes it past max_size, never earlier
        last_pair = sum(members_sizes(path)[-2:])
        assert path.stat().st_size - last_pair < 3000 <= path.stat().st_size
    for path in files:
        kinds = [split_record(m)[0]["WARC-Type"][0] for m in members(path)]
        assert kinds[0] == "warcinfo"
        assert kinds.count("warcinfo") == 1
    assert {c.warc.filename for c in captures} == {f.name for f in files}


def members_sizes(path: Path) -> list[int]:
    return [length for _, _, length in iter_records(path)]


def test_sync_fsyncs_the_open_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writer = WarcFileWriter(tmp_path)
    writer.sync()  # nothing open yet: nothing to do
    writer.write_exchange(make_exchange())
    synced: list[int] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    writer.sync()
    assert len(synced) == 1
    writer.close()


def test_failed_write_leaves_a_valid_file_and_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = pinned_writer(tmp_path)
    first = writer.write_exchange(make_exchange(url="http://e.org/ok"))
    real_write = os.write

    def half_then_full_disk(fd: int, data: memoryview) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full_disk)
    with pytest.raises(OSError, match="No space"):
        writer.write_exchange(make_exchange(url="http://e.org/lost"))
    monkeypatch.setattr(os, "write", real_write)
    second = writer.write_exchange(make_exchange(url="http://e.org/after"))
    writer.close()
    assert first.warc.filename != second.warc.filename  # the damaged file was closed
    for path in warc_files(tmp_path):
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r, _, _ in iter_records(path)]
        assert "http://e.org/lost" not in uris
    assert open_record(tmp_path, first.warc).rec_headers.get_header("WARC-Target-URI")


@pytest.mark.parametrize(("option", "value"), [("max_size", 0), ("gzip_level", 10)])
def test_bad_writer_options_fail_fast(tmp_path: Path, option: str, value: int) -> None:
    with pytest.raises(ValueError, match=option) as raised:
        WarcFileWriter(tmp_path, **{option: value})  # type: ignore[arg-type]
    assert f"ARCHIVE_WARC_{option.upper()}" in str(raised.value)


def test_files_pass_warcio_check_and_inflate_to_the_end(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, max_size=4000, gzip_level=1)
    for n in range(8):
        writer.write_exchange(make_exchange(url=f"http://e.org/{n}", body=HTML * n))
    writer.close()
    for path in warc_files(tmp_path):
        check = subprocess.run(
            [str(VENV_BIN / "warcio"), "check", "-v", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert "digest pass" in check.stdout
        with gzip.open(path) as fh:
            assert fh.read().startswith(b"WARC/1.1\r\nWARC-Type: warcinfo")
