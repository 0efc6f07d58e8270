"""What a re-check run asks again, and how: bounds, conditional headers, answers.

The archive is closed (2005-2017), so after the first full crawl a nightly run finds nothing
new; ``archiver crawl --recheck`` asks the site again for pages it archived, to catch
corrections, take-downs and redesigns (``archiver.spiders.recheck``). Each run is bounded:
the pages checked longest ago first (a page never re-checked counts from its capture), at
most ``ARCHIVE_RECHECK_MAX_PAGES`` of them, and only those last checked more than
``ARCHIVE_RECHECK_MIN_AGE`` ago (so a resumed or repeated run does not ask again for what
the last one answered). Pure: no Scrapy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from warcio.recordloader import ArcWarcRecord

from archiver import config
from archiver.capture.revisit import RevisitOf
from archiver.indexes import REVISIT_MIME
from archiver.state_rechecks import ArchivedPage, Check

GONE_STATUSES = frozenset({404, 410})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
NOT_MODIFIED = 304
# The statuses a re-check's callback reads itself (Scrapy would filter or follow them).
HANDLED_STATUSES = sorted({NOT_MODIFIED, *GONE_STATUSES, *REDIRECT_STATUSES})
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(value: Any) -> timedelta:
    """``ARCHIVE_RECHECK_MIN_AGE``: seconds, or a number with s, m, h or d ("20h", "30d")."""
    match = _AGE.match(str(value))
    if match is None:
        raise ValueError(
            f"ARCHIVE_RECHECK_MIN_AGE must be a duration such as 3600, 20h or 30d, not "
            f"{value!r} (default {config.default('ARCHIVE_RECHECK_MIN_AGE')!r})"
        )
    return timedelta(seconds=float(match[1]) * _UNITS[match[2]])


@dataclass(frozen=True, slots=True)
class RecheckBounds:
    """How much one re-check run takes on."""

    max_pages: int | None  # None: no cap
    min_age: timedelta  # a page checked more recently than this is left for a later run
    max_requisites: int | None = None  # the same cap for page requisites

    @classmethod
    def from_settings(cls, settings: Any) -> RecheckBounds:
        caps = []
        for name in ("ARCHIVE_RECHECK_MAX_PAGES", "ARCHIVE_RECHECK_MAX_REQUISITES"):
            if (cap := config.getint(settings, name)) < 0:
                raise ValueError(f"{name} must be 0 (no cap) or more, not {cap}")
            caps.append(cap or None)
        min_age = parse_age(config.get(settings, "ARCHIVE_RECHECK_MIN_AGE"))
        return cls(caps[0], min_age, caps[1])

    def cutoff(self, now: datetime) -> str:
        """The latest check (or capture) time a page may have to be re-checked now."""
        return (now - self.min_age).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def revisit_of(page: ArchivedPage, original: ArcWarcRecord | None) -> RevisitOf:
    """The capture a re-check of ``page`` re-asks for: what a revisit record refers to.
    Its URI and date are read from the archived record itself where it could be read (a
    requisite's row knows its capture time only to the run)."""
    headers = original.rec_headers if original is not None else None
    return RevisitOf(
        record_id=page.record_id,
        target_uri=(headers and headers.get_header("WARC-Target-URI")) or page.url,
        date=(headers and headers.get_header("WARC-Date")) or page.fetched_at,
        payload_digest=page.payload_digest,
    )


def conditional_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the archived response's ETag / Last-Modified:
    a server that keeps them answers 304 to an unchanged page, sending no body at all."""
    found = {name.lower(): value for name, value in headers}
    conditional = {}
    if etag := found.get("etag"):
        conditional["If-None-Match"] = etag
    if modified := found.get("last-modified"):
        conditional["If-Modified-Since"] = modified
    return conditional


def newest_revisits(lines: Iterable[tuple[str, str, dict[str, Any]]]) -> dict[str, Check]:
    """Each URL's newest revisit line (CDXJ: SURT key, timestamp, fields), as the unchanged
    check it answered, dated."""
    found: dict[str, Check] = {}
    for _, stamp, fields in lines:
        at = _iso(stamp)
        if fields.get("mime") != REVISIT_MIME or at is None:
            continue
        url = str(fields.get("url", ""))
        if url not in found or at > (found[url].at or ""):
            status = str(fields.get("status", ""))
            found[url] = Check(url, "unchanged", int(status) if status.isdigit() else None, at=at)
    return found


def unnoted(found: Mapping[str, Check], checked: Mapping[str, str]) -> list[Check]:
    """The answers a killed re-check wrote as revisit records but did not note: those dated
    after their URL's noted check (``checked``: URL → when). The next run then leaves
    those pages alone, as it would had their batch been committed."""
    return [check for url, check in found.items() if (check.at or "") > checked.get(url, "")]


def _iso(stamp: str) -> str | None:
    """A CDXJ 14-digit timestamp as the state writes times ("2026-12-07T08:50:44Z")."""
    if len(stamp) != 14 or not stamp.isdigit():
        return None
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:]}Z"
