"""The exit codes of ``archiver crawl``, and how a finished crawl maps to one.

| code | meaning |
|---|---|
| 0 | the crawl finished and every page of this run was archived |
| 1 | the crawl finished, but some pages failed (listed in the run report; retried next run) |
| 2 | bad configuration: a bad ``--base-url`` or setting; nothing was crawled |
| 3 | interrupted (SIGTERM/SIGINT): files closed, state saved; the next run resumes |
| 4 | another run holds the output directory's lock; nothing was done |
| 5 | the output is not writable, or a write failed (e.g. the disk is full) |
| 6 | finished, but a field's fill rate fell below its floor (archiver.extensions.quality): the
      site's layout may have changed; the run report's ``quality`` names the field |

A failed page requisite (an image gone 404) is reported and retried but fails no page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archiver.failures import REQUISITE_FAILURE
from archiver.outcomes import WRITE_ERROR_KEYS, WRITE_ERROR_REASONS
from archiver.state import get_state

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

OK = 0
PAGES_FAILED = 1
BAD_CONFIG = 2
INTERRUPTED = 3
LOCKED = 4
WRITE_ERROR = 5
QUALITY_LOW = 6

QUALITY_LOW_KEY = "archiver/quality/low_fields"  # stats: the fields below their floor


def exit_code(crawler: Crawler, finish_reason: str | None) -> int:
    """The exit code of a crawl that ran and closed with ``finish_reason``."""
    stats = crawler.stats
    write_errors = 0
    if stats is not None:
        write_errors = sum(stats.get_value(key, 0) for key in WRITE_ERROR_KEYS)
    if finish_reason in WRITE_ERROR_REASONS or write_errors:
        return WRITE_ERROR
    if finish_reason == "shutdown":
        return INTERRUPTED
    # A changed layout outranks failed pages: those are retried, poor records are not.
    if stats is not None and stats.get_value(QUALITY_LOW_KEY):
        return QUALITY_LOW
    # "finished", or a stop asked for by a setting (CLOSESPIDER_*): did every page make it?
    state = get_state(crawler)
    # A page requisite that failed (an image gone 404) is reported and retried, but the
    # pages themselves were archived.
    pages = (f for f in state.failures(run_id=state.run_id) if f.kind != REQUISITE_FAILURE)
    failed = next(pages, None)
    return PAGES_FAILED if failed is not None else OK
