"""WARC/1.1 revisit records: a re-capture whose payload is the one archived already.

A re-check (``archiver crawl --recheck``) asks again for a page the archive holds. When the
answer's payload has the digest of the capture it re-checks, the response is written as a
``revisit`` record of the identical-payload-digest profile: the HTTP headers as received,
no payload, and three fields naming the original (WARC-Refers-To, -Target-URI, -Date), which
is how warcio, pywb and warcprox find its payload again. A ``304 Not Modified`` to a
conditional request is a revisit of the server-not-modified profile (WARC/1.1 section 6.7.3,
as Heritrix writes one), its 304 status line and headers as the block. Pure: no Scrapy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archiver.capture.exchange import Exchange
from archiver.capture.serialize import (
    CONTENT_TYPE_RESPONSE,
    ExchangeRecords,
    _capture_fields,
    _http_record,
    encode_record,
    new_record_id,
    response_head,
    sha1_digest,
    warc_date,
)

IDENTICAL_PAYLOAD_DIGEST = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True, slots=True, kw_only=True)
class RevisitOf:
    """The archived capture a re-check request re-asks for (its response record)."""

    record_id: str  # the original's WARC-Record-ID: WARC-Refers-To
    target_uri: str  # its WARC-Target-URI: WARC-Refers-To-Target-URI
    date: str  # its WARC-Date: WARC-Refers-To-Date
    payload_digest: str  # its WARC-Payload-Digest, "sha1:BASE32"


def revisit_profile(exchange: Exchange, original: RevisitOf) -> str | None:
    """The revisit profile that fits the exchange, or None: it must be written whole.

    Only an answer for the very URL of the original qualifies (a redirect's next hop
    carries the same request meta): a 304, or a whole 200 whose payload digest is the
    original's.
    """
    if exchange.url != original.target_uri or exchange.truncated:
        return None
    if exchange.status == 304:
        return SERVER_NOT_MODIFIED
    if exchange.status == 200 and sha1_digest(exchange.body) == original.payload_digest:
        return IDENTICAL_PAYLOAD_DIGEST
    return None


def encode_revisit(
    exchange: Exchange,
    original: RevisitOf,
    profile: str,
    *,
    gzip_level: int,
    new_id: Callable[[], str] = new_record_id,
) -> ExchangeRecords:
    """The request record and a revisit record in place of the response record."""
    request_id, revisit_id, date = new_id(), new_id(), warc_date(exchange.fetched_at)
    ids = (request_id, revisit_id)
    request_member, _ = _http_record(exchange, "request", ids, date, gzip_level)
    head = response_head(exchange)
    fields = [
        *_capture_fields(exchange, "revisit", revisit_id, date, request_id),
        ("WARC-Refers-To", original.record_id),
        ("WARC-Refers-To-Target-URI", original.target_uri),
        ("WARC-Refers-To-Date", original.date),
        ("WARC-Profile", profile),
        ("WARC-Block-Digest", sha1_digest(head)),
        # The original's payload digest: what pywb looks the payload up by (a 304 has none
        # of its own; it vouches that the archived one is still current).
        ("WARC-Payload-Digest", original.payload_digest),
        ("Content-Type", CONTENT_TYPE_RESPONSE),
    ]
    return ExchangeRecords(
        request_id=request_id,
        request_member=request_member,
        response_id=revisit_id,
        response_member=encode_record(fields, [head], gzip_level),
        payload_digest=original.payload_digest,
        warc_date=date,
        target_uri=exchange.url,
    )
