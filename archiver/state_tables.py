"""The crawl-state database's tables (``archiver.state``): its DDL, one comment per column,
and the statements that more than one method shares. Every table is created with
``IF NOT EXISTS``, so an older state database gains the new ones when a run opens it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,          -- canonical article URL (the record's url)
    post_id INTEGER,
    jsonl_file TEXT NOT NULL,      -- file under jsonl/ holding the record
    warc_filename TEXT NOT NULL,   -- the record's warc pointer
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    payload_digest TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    run_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,            -- root, listing, article, sitemap, robots
    status INTEGER,                -- HTTP status, NULL for network errors and parse failures
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    run_id TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS requisites (
    url TEXT PRIMARY KEY,          -- as the page wrote it, resolved (query kept)
    status INTEGER NOT NULL,       -- HTTP status of the final response (200); 0: a claim, a
                                   -- fetch begun whose capture, if written, lies after
    warc_filename TEXT NOT NULL,   -- its response record in warc/ (a claim: the WARC file
    warc_offset INTEGER NOT NULL,  -- and offset when the fetch began)
    warc_length INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    payload_digest TEXT NOT NULL,
    run_id TEXT NOT NULL,
    followed INTEGER NOT NULL      -- 0: a stylesheet whose own requisites are not all in yet
);
CREATE TABLE IF NOT EXISTS discovered (
    url TEXT PRIMARY KEY,          -- canonical article URL, as a listing or sitemap linked it
    in_listing INTEGER NOT NULL DEFAULT 0,  -- 1: some category listing linked it
    in_sitemap INTEGER NOT NULL DEFAULT 0,  -- 1: some sitemap listed it
    listing_published TEXT,        -- the listing entry's date (ISO), NULL if none
    listing_section TEXT,          -- the listing entry's first category as displayed
    sitemap_lastmod TEXT,          -- the sitemap's <lastmod>, as written
    run_id TEXT NOT NULL,          -- the run that first saw it
    first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS walks (
    listing TEXT PRIMARY KEY,      -- a category listing's first page
    run_id TEXT NOT NULL,
    completed_at TEXT NOT NULL     -- when a walk of it last reached its last page
);
-- Re-checks (archiver crawl --recheck, archiver.recheck); tables added by IF NOT EXISTS,
-- so a state database of an older version gains them on its next open. WITHOUT ROWID:
-- the key is the table, no second b-tree (a new database's first commit stays small).
CREATE TABLE IF NOT EXISTS checks (
    url TEXT PRIMARY KEY,          -- an archived URL (the articles row's)
    checked_at TEXT NOT NULL,      -- when a re-check last had an answer for it
    outcome TEXT NOT NULL,         -- unchanged, changed, withdrawn, bad
    status INTEGER,                -- the HTTP status of that answer
    detail TEXT,                   -- why withdrawn or bad; NULL otherwise
    withdrawn_at TEXT,             -- first re-check that found it gone; NULL while present
    run_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions (
    url TEXT NOT NULL,             -- versions 2, 3, ...; the articles row holds the newest
    version INTEGER NOT NULL,
    record_id TEXT NOT NULL,       -- its record's warc.record_id
    supersedes TEXT NOT NULL,      -- the warc.record_id of the version it replaces
    jsonl_file TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (url, version)
) WITHOUT ROWID;
"""


LISTING_UPSERT = (
    "INSERT INTO discovered (url, in_listing, listing_published, listing_section, run_id,"
    " first_seen) VALUES (?, 1, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET in_listing = 1,"
    " listing_published = coalesce(excluded.listing_published, listing_published),"
    " listing_section = coalesce(excluded.listing_section, listing_section)"
)
SITEMAP_UPSERT = (
    "INSERT INTO discovered (url, in_sitemap, sitemap_lastmod, run_id, first_seen)"
    " VALUES (?, 1, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET in_sitemap = 1,"
    " sitemap_lastmod = coalesce(excluded.sitemap_lastmod, sitemap_lastmod)"
)

# The capture pointer of a requisite (a record's images[].capture); status 0 is a claim.
REQUISITE_CAPTURE = (
    "SELECT warc_filename, warc_offset, warc_length, record_id, payload_digest"
    " FROM requisites WHERE url = ? AND status != 0"
)
POINTER_FIELDS = ("filename", "offset", "length", "record_id", "payload_digest")
# Articles re-checked and found changed (a version 2 or later): the dataset card's.
RECHECK_COUNTS = (
    "SELECT (SELECT count(*) FROM checks c JOIN articles a ON a.url = c.url),"
    " (SELECT count(DISTINCT v.url) FROM versions v JOIN articles a ON a.url = v.url)"
)


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction (``BEGIN IMMEDIATE``), committed, or rolled back on an error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def now() -> str:
    """The current UTC time as the state writes it: ISO 8601, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
