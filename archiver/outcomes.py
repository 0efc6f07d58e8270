"""How a crawl stops because its output failed: the finish reasons and the stats keys.

The component that fails (the WARC capture, the JSONL store, the state database) closes the
spider with its reason and counts the error under its key; ``archiver.exitcodes`` maps any
of them to exit code 5. One home, so the two sides cannot drift apart.
"""

from __future__ import annotations

WARC_WRITE_ERROR = "warc_write_error"  # a WARC record could not be written
WARC_REPAIR_ERROR = "warc_repair_error"  # WARC files a killed run left could not be repaired
JSONL_WRITE_ERROR = "jsonl_write_error"  # a JSONL record could not be written or synced
STATE_WRITE_ERROR = "state_write_error"  # the state database could not commit (disk full)

WRITE_ERROR_REASONS = frozenset(
    {WARC_WRITE_ERROR, WARC_REPAIR_ERROR, JSONL_WRITE_ERROR, STATE_WRITE_ERROR}
)

WARC_ERRORS_KEY = "archiver/warc/write_errors"
JSONL_ERRORS_KEY = "archiver/jsonl/write_errors"
STATE_ERRORS_KEY = "archiver/state/write_errors"
# A state database failing inside a callback surfaces as Scrapy's count of the exception.
STATE_EXCEPTION_KEY = "spider_exceptions/OperationalError"

WRITE_ERROR_KEYS = (WARC_ERRORS_KEY, JSONL_ERRORS_KEY, STATE_ERRORS_KEY, STATE_EXCEPTION_KEY)
