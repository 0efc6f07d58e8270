"""Bytes to page text, the one way the crawl and the re-parse both do it.

``page_text`` turns a response body (already content-decoded) into text for the parsers; the
WARC keeps the bytes exactly as received, so a better decoder can always be re-run over them.
The crawl (``ArchiveSpider``) and ``archiver reparse`` both call it, so a re-parse with an
unchanged parser reproduces the crawl's records.

The policy, for a WordPress site that serves UTF-8 and declares it (SITE.md) but whose older
posts were imported from sites of the Windows-1252 era:

1. A byte-order mark wins (as in browsers), and is not part of the text.
2. A body that is valid UTF-8 is UTF-8, whatever the Content-Type or ``<meta>`` says: a
   single-byte charset declared on UTF-8 bytes (``charset=ISO-8859-1``, the default of old
   servers) is a misconfiguration, and natural text in a legacy charset is practically never
   valid UTF-8 by chance. (A declared UTF-16/32 is kept: its ASCII text is valid UTF-8 too.)
3. A body that is not valid UTF-8 is read in the charset it declares, the Content-Type first,
   then the page's ``<meta>`` (the order browsers use), skipping a declared UTF-8 (the bytes
   just proved it wrong) and unknown labels; bytes invalid in that charset become U+FFFD.
4. Otherwise (UTF-8 or nothing declared) it is UTF-8, and each byte that is not valid UTF-8 is
   read as Windows-1252: a stray ``\\x92`` pasted into a UTF-8 page is the apostrophe it was
   meant to be, not U+FFFD, and a wholly Windows-1252 page reads as Windows-1252.

Never an exception, whatever the bytes.
"""

from __future__ import annotations

import codecs

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

_CP1252_FALLBACK = "archiver-cp1252-fallback"
_WIDE = ("utf-16", "utf-32")  # codecs whose ASCII text is also valid UTF-8


def page_text(body: bytes, content_type: str | None) -> str:
    """The text of an HTML page: ``body`` decoded by the policy above; ``content_type`` is
    the response's Content-Type header, if it had one."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return body[len(bom) :].decode(bom_encoding, "replace")
    header = http_content_type_encoding(content_type or "")
    if header and header.startswith(_WIDE):
        return body.decode(header, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for declared in (header, html_body_declared_encoding(body)):
        encoding = resolve_encoding(declared) if declared else None
        if encoding and codecs.lookup(encoding).name != "utf-8":
            return body.decode(encoding, "replace")
    return body.decode("utf-8", _CP1252_FALLBACK)


def _as_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the bytes UTF-8 could not decode, read as Windows-1252 (its five
    unassigned bytes as U+FFFD)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", "replace"), error.end


codecs.register_error(_CP1252_FALLBACK, _as_cp1252)
