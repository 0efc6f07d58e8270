"""Finding a URL's 200 response record written after a known position in the WARC output.

Pure (no Scrapy). A crawl killed between writing a capture and recording it (the state's
page-requisite claims, ``archiver.spiders.requisites``) knows where the file stood when the
fetch began: the record, if it was written, lies after that point, in that file or a later
one (names sort by the time a file was opened). Only that tail is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.capture.members import MemberScanner
from archiver.capture.naming import WARC_SUFFIX
from archiver.capture.reader import open_record, parse_record
from archiver.items import WarcPointer


def find_response(warc_dir: Path, url: str, filename: str, offset: int) -> dict[str, Any] | None:
    """The pointer (filename, offset, length, record_id, payload_digest) of the first 200
    response record for ``url`` at or after ``offset`` in ``filename`` or in a later closed
    file; None if there is none."""
    for path in sorted(Path(warc_dir).glob(f"*{WARC_SUFFIX}")):
        if path.name < filename:
            continue
        start = offset if path.name == filename else 0
        found = _in_file(path, url, start)
        if found is not None:
            return found
    return None


def _in_file(path: Path, url: str, start: int) -> dict[str, Any] | None:
    with path.open("rb") as stream:
        stream.seek(start)
        for member in MemberScanner(stream, start=start):
            record = parse_record(member.data)
            headers = record.rec_headers
            if record.rec_type != "response" or headers.get_header("WARC-Target-URI") != url:
                continue
            if record.http_headers is None or record.http_headers.get_statuscode() != "200":
                continue
            return {
                "filename": path.name,
                "offset": member.offset,
                "length": member.length,
                "record_id": headers.get_header("WARC-Record-ID"),
                "payload_digest": headers.get_header("WARC-Payload-Digest"),
            }
    return None


def captured_body(warc_dir: Path, pointer: dict[str, Any]) -> tuple[str, bytes]:
    """(Content-Type, body with its Content-Encoding undone) of the response record at
    ``pointer`` (as ``find_response`` gives it)."""
    names = ("filename", "offset", "length", "record_id")
    record = open_record(warc_dir, WarcPointer(**{name: pointer[name] for name in names}))
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else ""
    return content_type or "", record.content_stream().read()
