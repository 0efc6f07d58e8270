"""kill -9 in the middle of a crawl fetching page requisites, then resume: every requisite
the archived pages need is captured exactly once, none twice, none missing."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest

from archiver import exitcodes
from archiver.layout import OutputLayout
from archiver.state import CrawlState
from replica import ReplicaServer, build_site
from replica.requisite_truth import huge, missing
from tests.archive_checks import check_warcs
from tests.requisite_checks import archived_pages, needed, statuses_by_url
from tests.test_operation import SLOW, interrupt, run, start

pytestmark = pytest.mark.e2e

MAX_SIZE = {"DOWNLOAD_MAXSIZE": str(1 << 20)}
SLOW_WITH_REQUISITES = {**SLOW, "ARCHIVE_REQUISITES_ENABLED": "True"}


def test_kill_9_mid_crawl_then_resume_captures_each_requisite_once(tmp_path: Path) -> None:
    output = tmp_path / "output"
    site = build_site(0, 30)
    with ReplicaServer(site) as server:
        killed = 0
        for after in (1.5, 3.0, 4.5):
            process = start(server.base_url, output, **SLOW_WITH_REQUISITES, **MAX_SIZE)
            code, log = interrupt(process, after, signal.SIGKILL)
            killed += code == -signal.SIGKILL
            assert "Traceback" not in log, log[-3000:]
        assert killed >= 2, "the crawl ended before it could be killed: slow it down"
        code, log = run(server.base_url, output, **MAX_SIZE)
        assert code == exitcodes.OK, log[-3000:]
        base = server.base_url
    check_warcs(output)
    statuses = statuses_by_url(output)
    wanted = needed(site, archived_pages(statuses, base), base, None)
    whole = {u for u in wanted if u.startswith(base)} - missing(base) - {huge(base)}
    assert len(whole) > 40
    missing_or_twice = {u: statuses.get(u) for u in whole if statuses.get(u) != ["200"]}
    assert not missing_or_twice, sorted(missing_or_twice.items())[:5]
    twice = [u for u, codes in statuses.items() if u in wanted and Counter(codes)["200"] > 1]
    assert not twice
    state = CrawlState(OutputLayout(output).state_db, "check")
    try:
        assert state.requisite_claims() == []  # every claim resolved or released
        assert state.requisite_count() == len(whole)
    finally:
        state.close()
