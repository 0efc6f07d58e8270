"""The crawl state's re-check half (``archiver crawl --recheck``): which archived URLs are
due, what each re-check answered (``checks``), and the versions a change made (``versions``).

Article pages and their requisites (images, stylesheets, fonts, scripts) are re-checked
alike; the two never share a URL, so one ``checks`` row and the ``versions`` rows of a URL
belong to the one kind its ``articles`` or ``requisites`` row names. Shares the crawl
state's connection (``CrawlState.rechecks``): a new article version is added inside the
commit that stores its record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from archiver.state_tables import now, transaction

ARTICLE = "article"
REQUISITE = "requisite"

# When a requisite was captured, as far as its row tells: its run's start (a run id opens
# with its 17-digit UTC start time), as ISO 8601. The spider reads the exact WARC-Date
# from the capture itself before it refers a revisit to it.
_RUN_START = (
    "substr({0}, 1, 4) || '-' || substr({0}, 5, 2) || '-' || substr({0}, 7, 2) || 'T' ||"
    " substr({0}, 9, 2) || ':' || substr({0}, 11, 2) || ':' || substr({0}, 13, 2) || 'Z'"
)
_VERSION = "coalesce((SELECT max(version) FROM versions v WHERE v.url = {0}.url), 1)"
_ARTICLE_CANDIDATES = (
    f"SELECT a.url, {_VERSION.format('a')}, a.record_id, a.payload_digest, a.fetched_at,"
    " a.warc_filename, a.warc_offset, a.warc_length, 'article' FROM articles a"
    " LEFT JOIN checks c ON c.url = a.url WHERE coalesce(c.checked_at, a.fetched_at) < ?"
    " ORDER BY coalesce(c.checked_at, a.fetched_at), a.url LIMIT ?"
)
_CAPTURED = _RUN_START.format("r.run_id")
_REQUISITE_CANDIDATES = (
    f"SELECT r.url, {_VERSION.format('r')}, r.record_id, r.payload_digest, {_CAPTURED},"
    " r.warc_filename, r.warc_offset, r.warc_length, 'requisite' FROM requisites r"
    " LEFT JOIN checks c ON c.url = r.url"
    f" WHERE r.status != 0 AND coalesce(c.checked_at, {_CAPTURED}) < ?"
    f" ORDER BY coalesce(c.checked_at, {_CAPTURED}), r.url LIMIT ?"
)
_KIND = (
    "CASE WHEN EXISTS (SELECT 1 FROM requisites r WHERE r.url = {0}.url) THEN 'requisite'"
    " ELSE 'article' END"
)


@dataclass(frozen=True, slots=True)
class Check:
    """The answer one re-check had for an archived URL (``archiver.recheck``)."""

    url: str
    outcome: str  # unchanged, withdrawn, bad (changed is noted with its new version)
    status: int | None
    detail: str | None = None
    at: str | None = None  # when it was answered, if not now (a killed run's, read back)


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """An archived URL's current version, as a re-check needs it: an article page or a
    page requisite (``kind``)."""

    url: str
    version: int
    record_id: str  # its response record's WARC-Record-ID
    payload_digest: str
    fetched_at: str  # that record's WARC-Date (a requisite: its run's start, see above)
    warc_filename: str
    warc_offset: int
    warc_length: int
    kind: str = ARTICLE  # ARTICLE or REQUISITE


class RecheckState:
    """Re-check reads and writes on the crawl state's connection."""

    def __init__(self, db: sqlite3.Connection, run_id: str) -> None:
        self._db = db
        self.run_id = run_id

    def candidates(self, *, checked_before: str, limit: int | None) -> list[ArchivedPage]:
        """Archived articles last checked (or, never re-checked, captured) before
        ``checked_before``, oldest first, at most ``limit`` (None: all)."""
        return self._pick(_ARTICLE_CANDIDATES, checked_before, limit)

    def requisite_candidates(self, *, checked_before: str, limit: int | None) -> list[ArchivedPage]:
        """Captured requisites due by the same rule."""
        return self._pick(_REQUISITE_CANDIDATES, checked_before, limit)

    def _pick(self, query: str, checked_before: str, limit: int | None) -> list[ArchivedPage]:
        rows = self._db.execute(query, (checked_before, -1 if limit is None else limit))
        return [ArchivedPage(*row) for row in rows.fetchall()]

    def checked(self, urls: Iterable[str]) -> dict[str, str]:
        """When each of these URLs last had a re-check's answer noted (if ever)."""
        found: dict[str, str] = {}
        pending = list(urls)
        for start in range(0, len(pending), 500):  # within any SQLite build's parameter bound
            chunk = pending[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT url, checked_at FROM checks WHERE url IN ({marks})"
            found.update(self._db.execute(query, chunk).fetchall())
        return found

    def last_noted(self) -> str:
        """When the newest answer was noted ("" for none yet)."""
        return str(self._db.execute("SELECT max(checked_at) FROM checks").fetchone()[0] or "")

    def current_version(self, url: str) -> int:
        """The newest version of an archived article: 1, 2, ...; 0 if it is not archived."""
        if self._db.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() is None:
            return 0
        row = self._db.execute("SELECT max(version) FROM versions WHERE url = ?", (url,))
        return int(row.fetchone()[0] or 1)

    def note(self, checks: Iterable[Check]) -> None:
        """Note re-check answers (unchanged, withdrawn, bad) in one transaction."""
        with transaction(self._db):
            self.note_within(checks)

    def note_within(self, checks: Iterable[Check]) -> None:
        """``note`` inside the caller's transaction."""
        when = now()
        rows = [
            (c.url, c.at or when, c.outcome, c.status, c.detail,
             (c.at or when) if c.outcome == "withdrawn" else None, self.run_id)
            for c in checks
        ]  # fmt: skip
        # A page gone stays withdrawn since its first such answer; one that is back is not.
        self._db.executemany(
            "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
            " checked_at = excluded.checked_at, outcome = excluded.outcome,"
            " status = excluded.status, detail = excluded.detail, run_id = excluded.run_id,"
            " withdrawn_at = CASE WHEN excluded.withdrawn_at IS NULL THEN NULL"
            " ELSE coalesce(checks.withdrawn_at, excluded.withdrawn_at) END",
            rows,
        )

    def add_versions(self, versions: list[tuple[tuple[object, ...], int, str]]) -> None:
        """Article versions 2, 3, ...: (its ``articles`` row as ``CrawlState`` writes it,
        version, the record id it supersedes) of each. The articles row now names the
        newest, the versions table keeps each, the check is noted changed. Inside the
        caller's transaction (the commit that stores the records)."""
        for row, version, supersedes in versions:
            url, jsonl_file, record_id, fetched_at = row[0], row[2], row[6], row[8]
            self._db.execute(
                "UPDATE articles SET post_id = ?, jsonl_file = ?, warc_filename = ?,"
                " warc_offset = ?, warc_length = ?, record_id = ?, payload_digest = ?,"
                " fetched_at = ?, run_id = ? WHERE url = ?",
                (*row[1:], url),
            )
            self._db.execute(
                "INSERT OR IGNORE INTO versions VALUES (?, ?, ?, ?, ?, ?, ?)",
                (url, version, record_id, supersedes, jsonl_file, fetched_at, self.run_id),
            )
        self.note_within(Check(str(row[0]), "changed", 200) for row, _, _ in versions)

    def replace_requisites(self, changed: Iterable[tuple[ArchivedPage, dict[str, Any]]]) -> None:
        """Requisites a re-check found changed, with the pointer of each new capture: the
        requisites row names the new capture (records written from now on point at it),
        the versions table keeps which one it superseded (``jsonl_file`` empty: no record),
        the check is noted changed. One transaction; nothing of the old capture is lost."""
        changed = list(changed)
        with transaction(self._db):
            for page, capture in changed:
                self._db.execute(
                    "UPDATE requisites SET warc_filename = ?, warc_offset = ?, warc_length = ?,"
                    " record_id = ?, payload_digest = ?, run_id = ? WHERE url = ?",
                    (capture["filename"], capture["offset"], capture["length"],
                     capture["record_id"], capture["payload_digest"], self.run_id, page.url),
                )  # fmt: skip
                self._db.execute(
                    "INSERT OR IGNORE INTO versions VALUES (?, ?, ?, ?, '', ?, ?)",
                    (page.url, page.version + 1, capture["record_id"], page.record_id,
                     capture["fetched_at"], self.run_id),
                )  # fmt: skip
            self.note_within(Check(page.url, "changed", 200) for page, _ in changed)

    def checks(self, *, run_id: str | None = None) -> list[dict[str, Any]]:
        """Re-check answers noted (``run_id``: by that run), by URL, with the ``kind`` of
        what was checked."""
        query = (
            "SELECT url, outcome, status, detail, checked_at, withdrawn_at,"
            f" {_KIND.format('checks')}, run_id FROM checks ORDER BY url"
        )
        names = ("url", "outcome", "status", "detail", "checked_at", "withdrawn_at", "kind")
        rows = self._db.execute(query).fetchall()
        return [dict(zip(names, r, strict=False)) for r in rows if run_id in (None, r[7])]

    def versions(self, *, run_id: str | None = None) -> list[dict[str, Any]]:
        """Versions 2, 3, ... (``run_id``: those made by that run), by URL and version, with
        the ``kind`` of what changed."""
        query = (
            "SELECT url, version, record_id, supersedes, fetched_at,"
            " CASE jsonl_file WHEN '' THEN 'requisite' ELSE 'article' END, run_id"
            " FROM versions ORDER BY url, version"
        )
        names = ("url", "version", "record_id", "supersedes", "fetched_at", "kind")
        rows = self._db.execute(query).fetchall()
        return [dict(zip(names, r, strict=False)) for r in rows if run_id in (None, r[6])]
