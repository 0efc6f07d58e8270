"""What the WARCs of a crawl hold, for the page-requisite checks: responses by URL, and the
requisites the replica's ground truth says the archived pages need."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.capture import iter_responses
from archiver.urls import PageKind, page_kind
from replica.requisite_truth import page_requisites, with_css_references
from replica.site import Site

HTML_PAGES = (PageKind.ROOT, PageKind.LISTING, PageKind.ARTICLE)


def statuses_by_url(output: Path) -> dict[str, list[str]]:
    """Every response record's target URI → the HTTP statuses captured for it."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted((output / "warc").glob("*.warc.gz")):
        for record, _, _ in iter_responses(path):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            found[uri].append(record.http_headers.get_statuscode())
    return dict(found)


def archived_pages(statuses: dict[str, list[str]], base: str) -> list[str]:
    """Site paths of the HTML pages archived (root, listings, articles) with a 200."""
    return [
        urlsplit(url).path or "/"
        for url, codes in statuses.items()
        if url.startswith(base) and "200" in codes and page_kind(url) in HTML_PAGES
    ]


def needed(site: Site, pages: list[str], base: str, cdn: str | None) -> set[str]:
    """Every requisite the archived ``pages`` need (stylesheets' references included),
    per the replica's ground truth."""
    found: set[str] = set()
    for path in pages:
        found |= page_requisites(site, path, base, cdn)
    return with_css_references(found, base, cdn)


def report(output: Path) -> dict[str, Any]:
    """The newest run report."""
    path = sorted((output / "reports").glob("*.json"))[-1]
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
