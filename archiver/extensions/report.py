"""The run report: ``<ARCHIVE_OUTPUT_DIR>/reports/<run id>.json``, written when a run closes.

It says when the run started and ended, why it ended and with which exit code, the pages it
fetched by kind, the articles it added and skipped, the WARC bytes it wrote, and every page
that failed in it (with status and reason; the next run retries them); what it declined to
fetch as out of scope (``scope``) and the listing walks a trap bound stopped (``limits``:
not failures, so not retried); the page requisites fetched, failed (each listed, retried
next run) and refused as off-site (``requisites``, by page kind and off-site host).
Written to a temporary file, fsynced and renamed: a report is whole or absent.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archiver import config
from archiver.exitcodes import exit_code
from archiver.extensions.recheck import recheck_report
from archiver.failures import REQUISITE_FAILURE, REQUISITE_STATS
from archiver.files import write_json_atomically
from archiver.layout import OutputLayout
from archiver.meta import KIND_META_KEY
from archiver.state import get_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

QUALITY_STATS_KEY = "archiver/quality"  # the quality monitor's summary of the run
PAGES_PREFIX = "archiver/pages/"  # stats: responses received, by page kind
# The report's "scope" counts: what the crawl declined to fetch, and the stats key of each.
SCOPE_KEYS = {
    "requests_refused": "archiver/scope/refused",  # another site, refused in the downloader
    "redirects_refused": "archiver/scope/redirects_refused",  # a Location off the site
    "urls_too_long": "archiver/scope/too_long",  # requests over URLLENGTH_LIMIT
    "links_out_of_scope": "archiver/links/out_of_scope",  # links to another site or scheme
    "links_too_long": "archiver/links/too_long",
    "links_invalid": "archiver/links/invalid",  # a bad port, a broken IPv6 host
}


class RunReportExtension:
    """Counts pages by kind (stats ``archiver/pages/<kind>``) and writes the run report.

    Settings: ``ARCHIVE_OUTPUT_DIR``; ``ARCHIVE_REPORT_ENABLED`` (default True).
    """

    def __init__(self, crawler: Crawler, directory: Path) -> None:
        self.crawler = crawler
        self.directory = directory
        self.started = _now()
        self.exit_code: int | None = None  # set when the run closes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not config.getbool(settings, "ARCHIVE_REPORT_ENABLED"):
            raise NotConfigured("ARCHIVE_REPORT_ENABLED is False")
        extension = cls(crawler, OutputLayout.from_settings(settings).reports)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def response_received(self, response: Response, request: Request) -> None:
        kind = request.meta.get(KIND_META_KEY) or "other"
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(PAGES_PREFIX + str(kind))

    def spider_closed(self, reason: str) -> None:
        self.exit_code = exit_code(self.crawler, reason)
        report = self.build(reason, self.exit_code)
        try:
            path = write_json_atomically(self.directory / f"{report['run_id']}.json", report)
        except OSError as exc:
            logger.error("Could not write the run report in %s: %s", self.directory, exc)
            return
        logger.info("Run report: %s (exit code %d)", path, self.exit_code)

    def build(self, reason: str, code: int) -> dict[str, Any]:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        state = get_state(self.crawler)
        failures = list(state.failures(run_id=state.run_id))
        pages = {
            k.removeprefix(PAGES_PREFIX): v for k, v in stats.items() if k.startswith(PAGES_PREFIX)
        }
        return {
            "run_id": state.run_id,
            "started": self.started,
            "ended": _now(),
            "finish_reason": reason,
            "exit_code": code,
            "pages_fetched": dict(sorted(pages.items())),
            "requests": stats.get("downloader/request_count", 0),
            "articles_new": stats.get("archiver/records/written", 0),
            "articles_skipped": {
                "already_archived": stats.get("archiver/articles/already_archived", 0),
                "duplicate": stats.get("archiver/records/duplicate", 0),
            },
            "warc_bytes_written": stats.get("archiver/warc/bytes", 0),
            "failed": [asdict(f) for f in failures if f.kind != REQUISITE_FAILURE],
            "scope": {name: stats.get(key, 0) for name, key in SCOPE_KEYS.items()},
            "limits": self.limits(stats),
            "quality": stats.get(QUALITY_STATS_KEY),  # archiver.extensions.quality; None: off
            "requisites": {
                **requisites_report(stats),
                "failed_urls": [asdict(f) for f in failures if f.kind == REQUISITE_FAILURE],
            },
            **self.recheck(),
        }

    def recheck(self) -> dict[str, Any]:
        """A re-check run's answers (``archiver.extensions.recheck``); {} for a crawl."""
        if getattr(self.crawler.spider, "name", None) != "recheck":
            return {}
        return {"recheck": recheck_report(self.crawler)}

    def limits(self, stats: dict[str, Any]) -> dict[str, Any]:
        """What the trap bounds stopped: walks cut short (by URL) and links too deep."""
        walks = getattr(self.crawler.spider, "walks", None)
        stopped = getattr(walks, "stopped", [])
        return {
            "walks_stopped": [asdict(stop) for stop in stopped],
            "depth_limit_ignored": stats.get("depth/request_ignored_count", 0),
        }


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def requisites_report(stats: dict[str, Any]) -> dict[str, Any]:
    """The run report's ``requisites``: fetched, bytes, failed and off-site, in all and per
    page kind; the off-site ones (never fetched) by host."""
    per_page: dict[str, dict[str, int]] = {}
    hosts: dict[str, int] = {}
    for key, value in stats.items():
        if not key.startswith(REQUISITE_STATS):
            continue
        first, _, what = key.removeprefix(REQUISITE_STATS).partition("/")
        if first == "offsite_host":
            hosts[what] = value
        elif what in _COUNTS:
            per_page.setdefault(first, dict.fromkeys(_COUNTS, 0))[what] = value
    totals = {what: sum(kind[what] for kind in per_page.values()) for what in _COUNTS}
    return {
        **totals,
        "by_page_kind": dict(sorted(per_page.items())),
        "offsite_by_host": dict(sorted(hosts.items())),
    }


_COUNTS = ("fetched", "bytes", "failed", "offsite")
