"""WARC/1.1 records as bytes: HTTP blocks, named fields, sha1 digests, one gzip member each.

Everything here is pure (no files, no Scrapy): an ``Exchange`` goes in, finished gzip members
come out, so this work runs in a worker process (``archiver.pool``, ``ARCHIVE_WORKERS``)
as well as in the crawl, and the file writer only appends what it is handed.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from archiver.capture.exchange import Exchange, HeaderList

WARC_VERSION = "WARC/1.1"
CRLF = b"\r\n"
# wbits=31 makes zlib write a gzip (RFC 1952) member rather than a raw zlib stream. zlib's
# gzip header carries mtime 0, so the same record always compresses to the same bytes.
GZIP_WBITS = 31
CONTENT_TYPE_REQUEST = "application/http; msgtype=request"
CONTENT_TYPE_RESPONSE = "application/http; msgtype=response"
CONTENT_TYPE_WARCINFO = "application/warc-fields"


def sha1_digest(*parts: bytes) -> str:
    """The labelled digest of the concatenated parts: "sha1:" + base32, as warcio writes it."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part)
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    """WARC-Date at second precision: "2026-11-25T01:59:33Z".

    WARC/1.1 allows fractions of a second, but the crawl's records and CDX timestamps work in
    seconds, and one string serves as both WARC-Date and the record's ``fetched_at``.
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_record_id() -> str:
    """A fresh WARC-Record-ID: a random UUID URN in angle brackets."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def _one_line(text: str) -> str:
    # A CR or LF inside a field would end the header early and break the record's framing.
    # Twisted sends such request headers with the line breaks turned into spaces; do the same.
    return " ".join(text.splitlines()) if ("\r" in text or "\n" in text) else text


def http_header_lines(headers: HeaderList) -> bytes:
    """HTTP header lines "Name: value\\r\\n", one per value, in latin-1 as on the wire."""
    lines = (f"{_one_line(name)}: {_one_line(value)}\r\n" for name, value in headers)
    return "".join(lines).encode("latin-1")


def request_head(exchange: Exchange) -> bytes:
    """Request line and headers. Twisted always speaks HTTP/1.1 to the server."""
    line = f"{exchange.method} {exchange.request_path()} HTTP/1.1\r\n".encode("latin-1")
    return line + http_header_lines(exchange.request_headers) + CRLF


def response_head(exchange: Exchange) -> bytes:
    """Status line and headers as received (reason "" still keeps the space before it)."""
    line = f"{exchange.protocol} {exchange.status} {exchange.reason}\r\n".encode("latin-1")
    return line + http_header_lines(exchange.response_headers) + CRLF


def gzip_member(parts: Iterable[bytes], level: int) -> bytes:
    """Compress the parts into exactly one gzip member, without joining them first."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, GZIP_WBITS)
    out = [compressor.compress(part) for part in parts]
    out.append(compressor.flush())
    return b"".join(out)


def encode_record(fields: Sequence[tuple[str, str]], block: Sequence[bytes], level: int) -> bytes:
    """One WARC record (version line, fields, Content-Length, block, CRLF CRLF) as a member."""
    length = sum(len(part) for part in block)
    lines = [WARC_VERSION, *(f"{name}: {_one_line(value)}" for name, value in fields)]
    lines.append(f"Content-Length: {length}")
    # WARC named fields may be UTF-8 (WARC/1.1 section 4); ours are ASCII in practice.
    header = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return gzip_member([header, *block, CRLF + CRLF], level)


@dataclass(frozen=True, slots=True)
class ExchangeRecords:
    """The request and response records of one exchange, compressed and ready to append."""

    request_id: str
    request_member: bytes
    response_id: str
    response_member: bytes
    payload_digest: str  # the response's WARC-Payload-Digest
    warc_date: str  # the WARC-Date of both records (one capture event, one date)
    target_uri: str


def _capture_fields(
    exchange: Exchange, kind: str, record_id: str, date: str, other_id: str
) -> list[tuple[str, str]]:
    fields = [
        ("WARC-Type", kind),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", date),
        ("WARC-Target-URI", exchange.url),
    ]
    if exchange.ip_address:
        fields.append(("WARC-IP-Address", exchange.ip_address))
    # Both records name each other. The spec reads the link as bidirectional even when only one
    # side has it, but tools that index one record at a time find the pair either way.
    fields.append(("WARC-Concurrent-To", other_id))
    return fields


def _http_record(
    exchange: Exchange, kind: str, ids: tuple[str, str], date: str, level: int
) -> tuple[bytes, str]:
    """The request or response record (ids: its own, its partner's) and its payload digest."""
    if kind == "request":
        block, content_type = [request_head(exchange), exchange.request_body], CONTENT_TYPE_REQUEST
    else:
        block, content_type = [response_head(exchange), exchange.body], CONTENT_TYPE_RESPONSE
    payload_digest = sha1_digest(block[1])
    fields = [
        *_capture_fields(exchange, kind, ids[0], date, ids[1]),
        ("WARC-Block-Digest", sha1_digest(*block)),
        ("WARC-Payload-Digest", payload_digest),
    ]
    if kind == "response" and exchange.truncated:
        fields.append(("WARC-Truncated", exchange.truncated))
    fields.append(("Content-Type", content_type))
    return encode_record(fields, block, level), payload_digest


def encode_exchange(
    exchange: Exchange, *, gzip_level: int, new_id: Callable[[], str] = new_record_id
) -> ExchangeRecords:
    """Build both records of an exchange; each digest is computed once, over the bytes written."""
    request_id, response_id, date = new_id(), new_id(), warc_date(exchange.fetched_at)
    ids = (request_id, response_id)
    request_member, _ = _http_record(exchange, "request", ids, date, gzip_level)
    response_member, payload_digest = _http_record(
        exchange, "response", ids[::-1], date, gzip_level
    )
    return ExchangeRecords(
        request_id=request_id,
        request_member=request_member,
        response_id=response_id,
        response_member=response_member,
        payload_digest=payload_digest,
        warc_date=date,
        target_uri=exchange.url,
    )


def encode_warcinfo(
    filename: str,
    info: Mapping[str, str],
    *,
    date: str,
    record_id: str,
    gzip_level: int,
) -> bytes:
    """The warcinfo record that opens a file: application/warc-fields, "name: value" lines."""
    block = "".join(f"{name}: {_one_line(value)}\r\n" for name, value in info.items())
    body = block.encode("utf-8")
    fields = [
        ("WARC-Type", "warcinfo"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", date),
        # The name the file will have once closed; it is written as NAME.open until then.
        ("WARC-Filename", filename),
        ("WARC-Block-Digest", sha1_digest(body)),
        ("Content-Type", CONTENT_TYPE_WARCINFO),
    ]
    return encode_record(fields, [body], gzip_level)
