"""One HTTP exchange as it went over the wire: the writer's framework-neutral input.

``archiver.capture.records`` builds an ``Exchange`` from Scrapy objects; the writer and the
record serializer take nothing else, so they import no Scrapy, can be unit-tested on plain
data, and an ``Exchange`` pickles to a worker process that encodes its records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

# Header names and values are kept as str decoded from latin-1: HTTP header octets round-trip
# exactly through latin-1, so encoding them back gives the bytes that were on the wire.
HeaderList = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """An HTTP request and the response it got, ready to be written as two WARC records."""

    url: str  # the URL fetched (no fragment): WARC-Target-URI of both records
    method: str  # "GET", "POST", ...
    request_headers: HeaderList  # as sent, Host first; one entry per header line
    request_body: bytes  # b"" when the request had none
    protocol: str  # the response's HTTP version as received, e.g. "HTTP/1.1"
    status: int  # 200, 301, ...
    reason: str  # reason phrase for the status line; "" when unknown
    response_headers: HeaderList  # as received, minus framing headers that no longer apply
    body: bytes  # the entity body as received: still Content-Encoded, already de-chunked
    ip_address: str | None  # the server address contacted, None when unknown
    fetched_at: datetime  # when the capture happened (timezone-aware)
    truncated: str | None = None  # WARC-Truncated reason ("length", "disconnect", ...)

    def __post_init__(self) -> None:
        if self.fetched_at.tzinfo is None:
            raise ValueError(
                "Exchange.fetched_at must be timezone-aware; pass datetime.now(UTC) "
                "rather than datetime.utcnow()"
            )

    def request_path(self) -> str:
        """The request-target of the request line, as Twisted sends it: path?query."""
        parts = urlsplit(self.url)
        path = parts.path or "/"
        return f"{path}?{parts.query}" if parts.query else path


def utc_now() -> datetime:
    """The current time in UTC (timezone-aware); the default clock of the capture code."""
    return datetime.now(UTC)
