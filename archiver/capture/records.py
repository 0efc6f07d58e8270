"""Build the writer's input from a Scrapy ``Request`` and ``Response`` at ``response_downloaded``.

At that signal the response is exactly what the download handler produced: the body still
carries its Content-Encoding (HttpCompressionMiddleware has not run), and the request's headers
are those the downloader middlewares set (User-Agent, Accept, Accept-Encoding, Cookie...).
"""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Headers, Response

from archiver.capture.exchange import Exchange, HeaderList, utc_now

DEFAULT_PORTS = {"http": 80, "https": 443}

# Framing headers that describe bytes we no longer have. Twisted's HTTP/1.1 client consumes
# the chunked framing and hands Scrapy the de-chunked body; it even moves Transfer-Encoding
# (with Connection, Keep-Alive, Content-Length) out of the response headers, and Scrapy puts
# back only Content-Length. Recording "Transfer-Encoding: chunked" above a de-chunked body
# would make replay tools de-chunk it a second time, so the header is never written.
DROPPED_RESPONSE_HEADERS = frozenset({"transfer-encoding"})

# Response.flags set by Scrapy's HTTP/1.1 handler -> WARC-Truncated reason. "partial" (a body
# without Content-Length ended by the connection closing) is a normal ending, not a truncation.
TRUNCATION_FLAGS = {"dataloss": "disconnect", "download_stopped": "unspecified"}


def exchange_from_scrapy(
    request: Request, response: Response, *, fetched_at: datetime | None = None
) -> Exchange:
    """The exchange as it went over the wire, rebuilt from what Scrapy holds."""
    return Exchange(
        url=response.url,  # request.url without its fragment: what was actually fetched
        method=request.method,
        request_headers=request_headers(request, response.url),
        request_body=request.body,
        # Only handlers that know the version set it; Twisted's HTTP/1.1 handler always does.
        protocol=response.protocol or "HTTP/1.1",
        status=response.status,
        reason=reason_phrase(response.status),
        response_headers=response_headers(response.headers),
        body=response.body,
        ip_address=str(response.ip_address) if response.ip_address else None,
        fetched_at=fetched_at or utc_now(),
        truncated=truncation_reason(response.flags),
    )


def reason_phrase(status: int) -> str:
    """The standard reason phrase: Scrapy drops the one the server sent. "" when unknown."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """(name, value) per header line; a header sent several times stays several lines."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def host_header(url: str) -> str:
    """The Host header Twisted adds on the wire: host, and the port unless it is the default."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]  # never the userinfo
    if parts.port is not None and DEFAULT_PORTS.get(parts.scheme) == parts.port:
        host = host[: host.rfind(":")]
    return host


def request_headers(request: Request, url: str) -> HeaderList:
    """Host (unless the request set its own), then Scrapy's headers, then Content-Length.

    Scrapy's request.headers lack what Twisted adds when sending: Host, and Content-Length
    for a request with a body.
    """
    pairs = header_pairs(request.headers)
    names = {name.lower() for name, _ in pairs}
    lines = [] if "host" in names else [("Host", host_header(url))]
    lines.extend(pairs)
    if request.body and "content-length" not in names:
        lines.append(("Content-Length", str(len(request.body))))
    return tuple(lines)


def response_headers(headers: Headers) -> HeaderList:
    """The response headers as received, less the framing ones that no longer apply."""
    pairs = header_pairs(headers)
    return tuple(pair for pair in pairs if pair[0].lower() not in DROPPED_RESPONSE_HEADERS)


def truncation_reason(flags: list[str]) -> str | None:
    """WARC-Truncated for a body Scrapy received only in part, else None."""
    for flag, reason in TRUNCATION_FLAGS.items():
        if flag in flags:
            return reason
    return None
