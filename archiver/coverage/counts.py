"""Coverage counts: per month × section, how many articles were seen, archived, failed.

Sources: the JSONL records (archived: month and section from ``published`` and
``section``), the state database's ``discovered`` table (seen in a listing or a sitemap;
an article seen but not archived is placed by its listing entry's date and first
category), its ``failures`` (article pages only) and its re-checks' ``checks``. Per cell:

- ``seen``: linked from a category listing or a sitemap;
- ``archived``: has a record;
- ``failed``: not fetched (an HTTP error after retries, a network failure), no record;
- ``no_record``: fetched (a 2xx response) but no record came of it: layout not recognised,
  body cut short, record invalid;
- ``pending``: seen, neither archived nor failed: a run stopped before fetching it;
- ``withdrawn``: archived, but gone from the site at its last re-check (404, 410, redirected
  away: the state's ``checks``); its records are kept, and it counts as archived too.

An article whose month or section is unknown (no date on its record or listing entry, or
seen only in a sitemap) counts under ``unknown`` / ``(none)``.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from archiver.export.records import jsonl_files
from archiver.layout import OutputLayout
from archiver.urls import PageKind, canonical_url, page_kind

UNKNOWN_MONTH = "unknown"
NO_SECTION = "(none)"
MEASURES = ("seen", "archived", "failed", "no_record", "pending", "withdrawn")


@dataclass
class Article:
    """What is known of one article URL."""

    month: str = UNKNOWN_MONTH
    section: str = NO_SECTION
    placed: bool = False  # month and section from its record (else from its listing entry)
    in_listing: bool = False
    in_sitemap: bool = False
    archived: bool = False
    failure_status: int | None = None
    failed: bool = False
    withdrawn: bool = False  # gone from the site at its last re-check


@dataclass
class Coverage:
    """The counts of one output directory."""

    cells: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    discovery: Counter[str] = field(default_factory=Counter)
    unreadable_lines: int = 0

    def cell(self, month: str, section: str) -> Counter[str]:
        return self.cells.setdefault((month, section), Counter())

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter({name: 0 for name in MEASURES})
        for counts in self.cells.values():
            total.update(counts)
        return total

    def months(self) -> list[str]:
        return sorted({month for month, _ in self.cells if month != UNKNOWN_MONTH})

    def sections(self) -> list[str]:
        return sorted({section for _, section in self.cells})


def measure(output: Path) -> Coverage:
    """Count the coverage of the output root ``output``."""
    layout = OutputLayout(output)
    coverage = Coverage()
    articles: dict[str, Article] = {}
    coverage.unreadable_lines = _read_records(layout.jsonl, articles)
    if layout.state_db.is_file():
        _read_state(layout.state_db, articles)
    for article in articles.values():
        _count(coverage, article)
    return coverage


def _read_records(directory: Path, articles: dict[str, Article]) -> int:
    unreadable = 0
    for path in jsonl_files(directory) if directory.is_dir() else []:
        for record in _records(path):
            if record is None:
                unreadable += 1
                continue
            published = record.get("published")
            article = articles.setdefault(record["url"], Article())
            article.month = published[:7] if published else UNKNOWN_MONTH
            article.section = record.get("section") or NO_SECTION
            article.placed = article.archived = True
    return unreadable


def _records(path: Path) -> Iterator[dict[str, Any] | None]:
    with path.open("rb") as lines:
        for raw in lines:
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                yield None
                continue
            ok = isinstance(record, dict) and isinstance(record.get("url"), str)
            yield record if ok else None


def _read_state(path: Path, articles: dict[str, Article]) -> None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if _has_table(db, "discovered"):
            query = "SELECT url, in_listing, in_sitemap, listing_published, listing_section"
            for url, listing, sitemap, published, section in db.execute(query + " FROM discovered"):
                article = articles.setdefault(url, Article())
                article.in_listing, article.in_sitemap = bool(listing), bool(sitemap)
                if not article.placed:
                    article.month = published[:7] if published else UNKNOWN_MONTH
                    article.section = section or NO_SECTION
        for url, status in db.execute("SELECT url, status FROM failures"):
            _failed(articles, url, status)
        if _has_table(db, "checks"):
            for (url,) in db.execute("SELECT url FROM checks WHERE withdrawn_at IS NOT NULL"):
                if url in articles:  # an article's (a requisite's check is none)
                    articles[url].withdrawn = True
    finally:
        db.close()


def _failed(articles: dict[str, Article], url: str, status: int | None) -> None:
    try:
        url = canonical_url(url)
    except ValueError:
        return
    if page_kind(url) is not PageKind.ARTICLE:
        return
    article = articles.setdefault(url, Article())
    article.failed, article.failure_status = True, status


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return db.execute(query, (name,)).fetchone() is not None


def _count(coverage: Coverage, article: Article) -> None:
    cell = coverage.cell(article.month, article.section)
    seen = article.in_listing or article.in_sitemap
    cell["seen"] += seen
    if article.archived:
        cell["archived"] += 1
        if article.withdrawn:
            cell["withdrawn"] += 1
    elif article.failed:
        fetched = article.failure_status is not None and 200 <= article.failure_status < 300
        cell["no_record" if fetched else "failed"] += 1
    elif seen:
        cell["pending"] += 1
    source = {
        (True, False): "listing_only",
        (False, True): "sitemap_only",
        (True, True): "listing_and_sitemap",
        (False, False): "not_seen",
    }
    coverage.discovery[source[(article.in_listing, article.in_sitemap)]] += 1
