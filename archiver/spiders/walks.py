"""Bounds on walking a category listing page by page, so a spider trap cannot keep it going.

A walk is the paging of one category listing (``/category/x``, ``/page/2``, ...) within one
run. It stops where a page lists no article new to the walk (endless pagination that
repeats the same entries, shows none, or lists anything but the site's articles, as a
calendar does) and after ``ARCHIVE_MAX_LISTING_PAGES`` pages. Entries are kept as hashes, a
few dozen bytes each: the whole archive's fit in a few megabytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class WalkStop(StrEnum):
    """Why a walk stopped before its last page; also the stats key's last part."""

    REPEATED = "walk_repeated"  # a page with no entry new to the walk
    CAPPED = "walk_capped"  # ARCHIVE_MAX_LISTING_PAGES reached


@dataclass(slots=True)
class _Walk:
    pages: int = 0
    entries: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class StoppedWalk:
    """A walk stopped by a bound, for the run report."""

    walk: str  # the listing's first page
    url: str  # the page where it stopped
    pages: int  # pages of the walk read in this run
    reason: str  # a WalkStop value


class ListingWalks:
    """Pages and entries of every walk of this run; says when a walk must stop."""

    def __init__(self, max_pages: int) -> None:
        if max_pages < 0:
            raise ValueError(
                f"ARCHIVE_MAX_LISTING_PAGES={max_pages} is negative: set a number of pages "
                "(0: no limit)"
            )
        self.max_pages = max_pages
        self.stopped: list[StoppedWalk] = []
        self._walks: dict[str, _Walk] = {}

    def page(self, walk: str, url: str, entries: Iterable[str]) -> WalkStop | None:
        """Count page ``url`` of ``walk`` listing ``entries`` (canonical URLs); the reason
        not to follow its next page, or None."""
        state = self._walks.setdefault(walk, _Walk())
        state.pages += 1
        hashes = {hash(entry) for entry in entries}
        fresh = hashes - state.entries
        state.entries |= fresh
        stop = None
        if not fresh:
            stop = WalkStop.REPEATED
        elif self.max_pages and state.pages >= self.max_pages:
            stop = WalkStop.CAPPED
        if stop is not None:
            self.stopped.append(StoppedWalk(walk, url, state.pages, stop.value))
        return stop

    def pages(self, walk: str) -> int:
        """Pages of ``walk`` counted so far in this run."""
        state = self._walks.get(walk)
        return state.pages if state else 0
