"""The re-check ledger: what each re-checked page answered, noted durably, and reported.

A re-check's answer goes to the state database (``checks``) only after the WARC records it
wrote are fsynced, so a noted check always has its revisit or capture on disk; answers wait
in memory in batches of ``ARCHIVE_COMMIT_ITEMS`` (or ``ARCHIVE_COMMIT_SECONDS``) and the
rest are noted when the run closes. A changed page is noted with its new record version
(``CrawlState.add_articles``), in the store pipeline's commit. A run killed outright loses
only the answers of its last batch: the next run asks for those pages again.

Listed in ``EXTENSIONS`` before the WARC capture extension, so at ``spider_closed`` it
commits while the WARC file is still open, and before the run report, which lists what it
noted (``recheck_report``).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from archiver import config
from archiver.capture.extension import get_writer
from archiver.failures import FailureLedger
from archiver.state import Check, CrawlState, get_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATS_PREFIX = "archiver/recheck/"


class RecheckLedger:
    """Notes re-check answers (unchanged, withdrawn, bad) and failures; counts them.

    Settings: ``ARCHIVE_COMMIT_ITEMS``, ``ARCHIVE_COMMIT_SECONDS``. Stats:
    ``archiver/recheck/<outcome>`` (unchanged, not_modified, withdrawn, bad, failed).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch = max(1, config.getint(crawler.settings, "ARCHIVE_COMMIT_ITEMS"))
        self.seconds = config.getfloat(crawler.settings, "ARCHIVE_COMMIT_SECONDS")
        self.pending: list[Check] = []
        self.last_commit = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ledger = cls(crawler)
        crawler.signals.connect(ledger.spider_closed, signal=signals.spider_closed)
        return ledger

    @property
    def state(self) -> CrawlState:
        return get_state(self.crawler)

    def unchanged(self, url: str, status: int) -> None:
        """The archived payload is still what the site serves (a 200 or a 304)."""
        self._count("not_modified" if status == 304 else "unchanged")
        self._note(Check(url, "unchanged", status))

    def withdrawn(self, url: str, status: int, detail: str) -> None:
        """Gone (404, 410) or redirected off the article: noted with the date; nothing of
        the article is deleted."""
        self._count("withdrawn")
        logger.warning("Withdrawn: %s (%s); its captures and records are kept", url, detail)
        self._note(Check(url, "withdrawn", status, detail))

    def bad(self, url: str, status: int, detail: str) -> None:
        """A 200 that is no article (an error page, an empty body): not a new version; the
        last good one stays current. Reported, and failed until a later re-check reads it."""
        self._count("bad")
        logger.warning("Re-check of %s gave no article (%s); the last version stays", url, detail)
        self._note(Check(url, "bad", status, detail))
        FailureLedger(self.crawler).recheck_failed(url, status, detail)

    def failed(self, url: str, status: int | None, reason: str) -> None:
        """No answer (network, 5xx after retries): nothing noted; the next run asks again."""
        self._count("failed")
        logger.warning("Could not re-check %s: %s", url, reason)
        FailureLedger(self.crawler).recheck_failed(url, status, reason)

    def spider_closed(self) -> None:
        self.commit()

    def commit(self) -> None:
        """WARC records first (fsync), then the answers that they vouch for."""
        self.last_commit = time.monotonic()
        if not self.pending:
            return
        writer = get_writer(self.crawler)
        if writer is not None:
            writer.sync()
        checks, self.pending = self.pending, []
        self.state.note_checks(checks)
        for check in checks:
            if check.outcome != "bad":
                self.state.clear_failure(check.url)

    def _note(self, check: Check) -> None:
        self.pending.append(check)
        due = time.monotonic() - self.last_commit >= self.seconds
        if len(self.pending) >= self.batch or due:
            self.commit()

    def _count(self, outcome: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(STATS_PREFIX + outcome)


def recheck_report(crawler: Crawler) -> dict[str, Any]:
    """The run report's ``recheck`` section: counts, and what changed, went or was bad."""
    state = get_state(crawler)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    checks = state.checks(run_id=state.run_id)
    counts = {
        k.removeprefix(STATS_PREFIX): v for k, v in stats.items() if k.startswith(STATS_PREFIX)
    }
    return {
        "counts": dict(sorted(counts.items())),
        "changed": state.versions(run_id=state.run_id),
        "withdrawn": [c for c in checks if c["outcome"] == "withdrawn"],
        "bad": [c for c in checks if c["outcome"] == "bad"],
    }
