"""The re-check ledger: what each re-checked page or requisite answered, noted durably, and
reported.

A re-check's answer goes to the state database (``checks``) only after the WARC records it
wrote are fsynced, so a noted check always has its revisit or capture on disk; answers wait
in memory in batches of ``ARCHIVE_COMMIT_ITEMS`` (or ``ARCHIVE_COMMIT_SECONDS``) and the
rest are noted when the run closes. A changed page is noted with its new record version
(``CrawlState.add_articles``), in the store pipeline's commit; a changed requisite's new
capture replaces the old one in the state (``RecheckState.replace_requisites``) in the
ledger's own commit. A run killed outright leaves the answers of its last batch unnoted:
the next run notes those it wrote as revisit records from the WARC's index (``recover``)
and asks again for the rest (a changed requisite among them is captured once more).

Listed in ``EXTENSIONS`` before the WARC capture extension, so at ``spider_closed`` it
commits while the WARC file is still open, and before the run report, which lists what it
noted (``recheck_report``).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from archiver import config, indexes
from archiver.capture.extension import get_writer
from archiver.failures import FailureLedger
from archiver.layout import OutputLayout
from archiver.recheck import newest_revisits, unnoted
from archiver.state import CrawlState, get_state
from archiver.state_rechecks import ARTICLE, REQUISITE, ArchivedPage, Check

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATS_PREFIX = "archiver/recheck/"
# A requisite's outcomes are counted apart: archiver/recheck/requisites/<outcome>.
_STATS = {ARTICLE: STATS_PREFIX, REQUISITE: STATS_PREFIX + "requisites/"}
# WARC files last written this long before the newest noted answer are read back too: a
# commit notes answers after the file holding them was written (ARCHIVE_COMMIT_SECONDS).
RECOVERY_MARGIN = 3600


class RecheckLedger:
    """Notes re-check answers (unchanged, changed requisites, withdrawn, bad) and failures;
    counts them.

    Settings: ``ARCHIVE_COMMIT_ITEMS``, ``ARCHIVE_COMMIT_SECONDS``. Stats:
    ``archiver/recheck/<outcome>`` (unchanged, not_modified, changed, withdrawn, bad,
    failed) for article pages, ``archiver/recheck/requisites/<outcome>`` for requisites.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch = max(1, config.getint(crawler.settings, "ARCHIVE_COMMIT_ITEMS"))
        self.seconds = config.getfloat(crawler.settings, "ARCHIVE_COMMIT_SECONDS")
        self.pending: list[Check] = []
        self.replaced: list[tuple[ArchivedPage, dict[str, Any]]] = []  # changed requisites
        self.last_commit = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ledger = cls(crawler)
        crawler.signals.connect(ledger.spider_closed, signal=signals.spider_closed)
        return ledger

    @property
    def state(self) -> CrawlState:
        return get_state(self.crawler)

    def unchanged(self, url: str, status: int, kind: str = ARTICLE) -> None:
        """The archived payload is still what the site serves (a 200 or a 304)."""
        self._count(kind, "not_modified" if status == 304 else "unchanged")
        self._note(Check(url, "unchanged", status))

    def requisite_changed(self, page: ArchivedPage, capture: dict[str, Any]) -> None:
        """A requisite whose payload changed: ``capture`` (its new response record's
        pointer and WARC-Date) becomes its current capture once the WARC is synced."""
        self._count(REQUISITE, "changed")
        logger.info("Changed: %s (captured anew; the old capture is kept)", page.url)
        self.replaced.append((page, capture))
        self._due()

    def withdrawn(self, url: str, status: int, detail: str, kind: str = ARTICLE) -> None:
        """Gone (404, 410) or redirected away: noted with the date; nothing of it is
        deleted."""
        self._count(kind, "withdrawn")
        logger.warning("Withdrawn: %s (%s); its captures and records are kept", url, detail)
        self._note(Check(url, "withdrawn", status, detail))

    def bad(self, url: str, status: int, detail: str, kind: str = ARTICLE) -> None:
        """A 200 that is no article (an error page, an empty body), or no requisite of the
        kind archived: not a new version; the last good one stays current. Reported, and
        failed until a later re-check reads it."""
        self._count(kind, "bad")
        logger.warning("Re-check of %s gave no %s (%s); the last version stays", url, kind, detail)
        self._note(Check(url, "bad", status, detail))
        FailureLedger(self.crawler).recheck_failed(url, status, detail)

    def failed(self, url: str, status: int | None, reason: str, kind: str = ARTICLE) -> None:
        """No answer (network, 5xx after retries): nothing noted; the next run asks again."""
        self._count(kind, "failed")
        logger.warning("Could not re-check %s: %s", url, reason)
        FailureLedger(self.crawler).recheck_failed(url, status, reason)

    def recover(self) -> int:
        """Note the answers a killed re-check wrote but did not note (its last batch), read
        back from the CDXJ indexes of the WARC files written since the last noted answer
        (the index extension indexed them at the start, the killed run's repaired file
        too): unchanged pages are not asked again. Changed, gone and bad answers are (they
        are rare). Returns how many were noted; none with ARCHIVE_CDXJ_ENABLED False."""
        layout = OutputLayout.from_settings(self.crawler.settings)
        rechecks = self.state.rechecks
        since = _epoch(rechecks.last_noted()) - RECOVERY_MARGIN
        files = [
            path
            for warc in indexes.closed_warcs(layout.warc)
            if warc.stat().st_mtime >= since
            and (path := indexes.index_path(layout.indexes, warc)).is_file()
        ]
        revisits = newest_revisits(indexes.index_lines(files))
        found = unnoted(revisits, rechecks.checked(revisits))
        if found:
            self.state.rechecks.note(found)
            for check in found:  # answered: a failure an earlier re-check left is over
                self.state.clear_failure(check.url)
            logger.info("Noted %d answers a killed re-check left unnoted", len(found))
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(STATS_PREFIX + "recovered", len(found))
        return len(found)

    def spider_closed(self) -> None:
        self.commit()

    def commit(self) -> None:
        """WARC records first (fsync), then the answers that they vouch for."""
        self.last_commit = time.monotonic()
        if not self.pending and not self.replaced:
            return
        writer = get_writer(self.crawler)
        if writer is not None:
            writer.sync()
        checks, self.pending = self.pending, []
        replaced, self.replaced = self.replaced, []
        self.state.rechecks.note(checks)
        self.state.rechecks.replace_requisites(replaced)
        for url in [c.url for c in checks if c.outcome != "bad"] + [p.url for p, _ in replaced]:
            self.state.clear_failure(url)

    def _note(self, check: Check) -> None:
        self.pending.append(check)
        self._due()

    def _due(self) -> None:
        due = time.monotonic() - self.last_commit >= self.seconds
        if len(self.pending) + len(self.replaced) >= self.batch or due:
            self.commit()

    def _count(self, kind: str, outcome: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(_STATS[kind] + outcome)


def _epoch(when: str) -> float:
    """Seconds since the epoch of a state time ("2026-12-07T08:50:44Z"); 0 for none."""
    if not when:
        return 0.0
    return datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def recheck_report(crawler: Crawler) -> dict[str, Any]:
    """The run report's ``recheck`` section: counts, and what changed, went or was bad; the
    same for page requisites under ``requisites``."""
    state = get_state(crawler)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    checks = state.rechecks.checks(run_id=state.run_id)
    versions = state.rechecks.versions(run_id=state.run_id)

    def section(kind: str) -> dict[str, Any]:
        prefix = _STATS[kind]
        counts = {
            k.removeprefix(prefix): v
            for k, v in stats.items()
            if k.startswith(prefix) and "/" not in k.removeprefix(prefix)
        }
        return {
            "counts": dict(sorted(counts.items())),
            "changed": [_without_kind(v) for v in versions if v["kind"] == kind],
            **{
                outcome: [
                    _without_kind(c) for c in checks if (c["outcome"], c["kind"]) == (outcome, kind)
                ]
                for outcome in ("withdrawn", "bad")
            },
        }

    return {**section(ARTICLE), "requisites": section(REQUISITE)}


def _without_kind(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "kind"}
