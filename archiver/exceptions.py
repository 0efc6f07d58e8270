"""Exceptions that cross component boundaries: raised in the downloader, read by the ledger.

Their own module, so that the failure ledger (``archiver.failures``) can tell a robots.txt
refusal from a failure without importing the middleware that records through it.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class ForbiddenByRobots(IgnoreRequest):
    """robots.txt disallows the URL: a policy, not a failure."""


class RobotsUnavailable(IgnoreRequest):
    """robots.txt could not be fetched (5xx, 429 or a network failure) this run."""
