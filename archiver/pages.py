"""The page lists of a WACZ package (``pages/*.jsonl``, format json-pages-1.0).

``pages.jsonl`` has one line per article record of the dataset (url, ts, title): what a
replay tool lists first. ``extraPages.jsonl`` has the root and the listing pages archived
whole (HTML, status 200), taken from the CDXJ index: they hold no record but are worth
browsing.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from archiver.jsonl import iter_records
from archiver.urls import PageKind, page_kind

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}
EXTRA_PAGES_HEADER = {"format": "json-pages-1.0", "id": "extra-pages", "title": "Listings"}
BROWSABLE = frozenset({PageKind.ROOT, PageKind.LISTING})


def article_pages(jsonl_dir: Path, warc_names: Collection[str]) -> Iterator[dict[str, Any]]:
    """A page for every record whose capture is in one of the named WARC files."""
    for record in iter_records(jsonl_dir):
        pointer = record.get("warc") or {}
        if pointer.get("filename") in warc_names:
            yield {
                # the capture's record id: the same page keeps the same id in every package
                "id": _uuid(pointer.get("record_id", "")),
                "url": record["url"],
                "ts": record["fetched_at"],
                "title": record["title"],
            }


def extra_page(cdxj_line: str) -> dict[str, Any] | None:
    """The page for an index line if it is the root or a listing, served whole as HTML."""
    _key, timestamp, blob = cdxj_line.split(" ", 2)
    fields = json.loads(blob)
    if fields.get("status") != "200" or fields.get("mime") != "text/html":
        return None
    if page_kind(fields["url"]) not in BROWSABLE:
        return None
    return {"id": f"{timestamp}/{fields['url']}", "url": fields["url"], "ts": _iso(timestamp)}


def jsonl_lines(header: dict[str, Any], pages: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The file's lines: the header, then one page a line."""
    yield json_line(header)
    for page in pages:
        yield json_line(page)


def json_line(value: dict[str, Any]) -> bytes:
    """One line of a page list."""
    return (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")


def _uuid(record_id: str) -> str:
    return record_id.removeprefix("<urn:uuid:").removesuffix(">")


def _iso(timestamp: str) -> str:
    """14-digit CDX time as RFC 3339 (what json-pages-1.0 ``ts`` holds)."""
    t = timestamp.ljust(14, "0")
    return f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"
