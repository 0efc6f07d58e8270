"""Changes of the replica between runs, for re-check tests: ``ReplicaServer.faults`` entries.

The archive is closed, but its pages still change: a correction edits an article, a
take-down answers 404 or 410, a redirect sends an old URL home, a broken server answers
200 with an error page or nothing, a photograph is replaced by another. ``conditional``
adds what a caching server sends (ETag, Last-Modified) and answers 304 to a request that
names the current ETag.
"""

from __future__ import annotations

import hashlib
from http.server import BaseHTTPRequestHandler

from replica.faults import redirect, replace
from replica.router import Response
from replica.server import Fault

LAST_MODIFIED = "Tue, 14 Mar 2017 09:26:53 GMT"  # the archive closed in 2017
CORRECTION = b" This article was corrected on 14 March 2017."
_SHARING = b'<div class="sharedaddy'
_CONTENT = b'<div class="entry-content'
_JPEG_START = b"\xff\xd8"  # SOI: every JPEG opens with it
ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>Database error</title></head>"
    b"<body><h1>Error establishing a database connection</h1></body></html>"
)


def edited(note: bytes = CORRECTION) -> Fault:
    """The article with ``note`` added to the end of its last body paragraph (a correction:
    the text changes, the layout does not)."""

    def edit(handler: BaseHTTPRequestHandler, response: Response) -> Response:
        body = response.body
        start, stop = body.find(_CONTENT), body.find(_SHARING)
        # The last sentence's full stop, whether the body is <p> paragraphs or <br> lines.
        end = max(body.rfind(mark, start, stop) for mark in (b".</p>", b".<br", b".\n"))
        if response.status != 200 or start < 0 or end < 0:
            return response
        body = body[: end + 1] + note + body[end + 1 :]
        return Response(response.status, body, response.content_type, response.headers)

    return edit


def replaced_image(note: bytes = b"replaced 2017-03-14") -> Fault:
    """The image with a JPEG comment segment (COM) inserted after its start marker: a
    valid image of other bytes, as a re-uploaded photograph is."""

    def swap(handler: BaseHTTPRequestHandler, response: Response) -> Response:
        body = response.body
        if response.status != 200 or not body.startswith(_JPEG_START):
            return response
        comment = b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note
        body = _JPEG_START + comment + body[len(_JPEG_START) :]
        return Response(response.status, body, response.content_type, response.headers)

    return swap


def removed(code: int = 404) -> Fault:
    """Taken down: 404 Not Found or 410 Gone."""
    return replace(b"<html><body><h1>Not Found</h1></body></html>", code=code)


def moved_home(code: int = 301) -> Fault:
    """Redirected off the article, to the site's home page."""
    return redirect("/", code=code)


def error_page() -> Fault:
    """A 200 that is no article: WordPress's database error page."""
    return replace(ERROR_PAGE)


def empty() -> Fault:
    """A 200 with an empty body."""
    return replace(b"")


def conditional(inner: Fault | None = None) -> Fault:
    """ETag (a digest of the body sent) and Last-Modified on a 200, and a 304 with no body
    to a request whose If-None-Match names the current ETag; ``inner`` changes the page
    first (so an edited page gets a new ETag)."""

    def answer(handler: BaseHTTPRequestHandler, response: Response) -> Response | None:
        if inner is not None and (changed := inner(handler, response)) is not None:
            response = changed
        if response.status != 200:
            return response
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
        headers = (*response.headers, ("ETag", etag), ("Last-Modified", LAST_MODIFIED))
        if handler.headers.get("If-None-Match") == etag:
            return Response(304, b"", response.content_type, headers)
        return Response(200, response.body, response.content_type, headers)

    return answer
