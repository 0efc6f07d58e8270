"""``archiver crawl``: run the ``archive`` spider in this process and turn the outcome into an
exit code a scheduler can act on (see ``archiver.exitcodes``)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from twisted.python.failure import Failure

from archiver import exitcodes
from archiver.extensions.lock import LockHeld, OutputNotWritable
from archiver.spiders.archive import ArchiveSpider
from archiver.spiders.recheck import RecheckSpider
from archiver.urls import DEFAULT_BASE_URL

logger = logging.getLogger(__name__)


class BadSetting(ValueError):
    """A ``-s`` argument that is not NAME=VALUE."""


def crawl_settings(output: Path | None, full_walk: bool, overrides: Sequence[str]) -> Settings:
    """The project's settings with the command line's on top (at "cmdline" priority)."""
    # Cron runs from anywhere: the project's settings must not depend on a scrapy.cfg nearby.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "archiver.settings")
    settings = get_project_settings()
    values: dict[str, object] = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise BadSetting(f"-s {item!r} is not NAME=VALUE: pass e.g. -s DOWNLOAD_DELAY=2")
        values[name.strip()] = value
    if output is not None:
        values["ARCHIVE_OUTPUT_DIR"] = str(output)
    if full_walk:
        values["ARCHIVE_FULL_WALK"] = True
    settings.setdict(values, priority="cmdline")
    return settings


def run_crawl(
    *,
    output: Path | None = None,
    base_url: str = DEFAULT_BASE_URL,
    full_walk: bool = False,
    overrides: Sequence[str] = (),
    recheck: bool = False,
) -> int:
    """Crawl (``recheck``: re-check archived pages instead, ``archiver.spiders.recheck``),
    then return the exit code; never raises for an expected failure."""
    try:
        settings = crawl_settings(output, full_walk, overrides)
    except BadSetting as exc:
        return _refuse(exitcodes.BAD_CONFIG, str(exc))
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(RecheckSpider if recheck else ArchiveSpider)
    errors: list[Failure] = []
    process.crawl(crawler, base_url=base_url).addErrback(errors.append)
    process.start()  # blocks; SIGTERM/SIGINT stop gracefully, a second one at once
    if errors:
        return _bootstrap_code(errors[0])
    return _finished_code(crawler)


def _bootstrap_code(failure: Failure) -> int:
    """A crawl that could not start: lock, output or configuration."""
    error = failure.value
    assert error is not None  # a Failure always carries its exception
    if isinstance(error, LockHeld):
        return _refuse(exitcodes.LOCKED, str(error))
    if isinstance(error, OutputNotWritable):
        return _refuse(exitcodes.WRITE_ERROR, str(error))
    if isinstance(error, ValueError):  # settings and base_url fail with ValueError
        return _refuse(exitcodes.BAD_CONFIG, str(error))
    if isinstance(error, OSError):
        return _refuse(exitcodes.WRITE_ERROR, f"{type(error).__name__}: {error}")
    # Twisted's Failure keeps the traceback (its exception's own may have been cleaned).
    traceback = failure.getTracebackObject()  # type: ignore[no-untyped-call]
    logger.error("The crawl could not start", exc_info=error.with_traceback(traceback))
    return _refuse(exitcodes.BAD_CONFIG, f"{type(error).__name__}: {error}")


def _finished_code(crawler: Crawler) -> int:
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    return exitcodes.exit_code(crawler, reason)


def _refuse(code: int, message: str) -> int:
    print(f"archiver crawl: {message} (exit code {code})", file=sys.stderr)
    return code
