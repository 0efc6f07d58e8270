"""The quality monitor in a real run: ``archiver crawl`` of a replica whose article layout
changed exits 6 and says which fields fell (test_e2e.py: the normal replicas exit 0 with
the monitor on, their reports judged and quiet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import exitcodes
from replica import Profile, ReplicaServer, build_site
from tests.fault_runs import crawl

pytestmark = pytest.mark.e2e


def test_a_changed_article_layout_exits_6_naming_the_fields(tmp_path: Path) -> None:
    site = build_site(seed=0, articles=60, profile=Profile(layout="drifted"))
    with ReplicaServer(site) as server:
        run = crawl(server, tmp_path / "out")
        base_url = server.base_url
    assert run.code == exitcodes.QUALITY_LOW, run.log[-3000:]
    assert len(run.records) == 60  # the records are kept: the layout is news, not a failure
    quality = run.report["quality"]
    assert run.report["exit_code"] == 6 and quality["judged"]
    below = {row["field"]: row for row in quality["below"]}
    assert {"published", "byline"} <= set(below)
    assert below["byline"]["examples"][0].startswith(base_url)
    assert "Quality: only 0.0% of the 60 records of this run have a byline" in run.log
