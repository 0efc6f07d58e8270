"""The quality monitor (archiver/extensions/quality.py): fires on a replica whose article
layout changed, stays quiet on the normal replicas, learns from the archive's history.

Records are what the crawl would write for each replica page (the parser on the page the
replica serves, joined with a capture), fed to the extension as Scrapy's ``item_scraped``
would; the end-to-end crawl of a drifted replica is in ``test_quality_e2e.py``.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from archiver import exitcodes
from archiver.extensions.quality import LOW_FIELDS_KEY, STATS_KEY, QualityMonitorExtension
from archiver.items import ArticleRecord
from archiver.parsers import parse_article
from replica import Profile, Router, build_site
from tests.test_schema import CAPTURE

BASE = "https://eng-archive.aawsat.com"


def records(profile: Profile, seed: int, articles: int = 80) -> list[ArticleRecord]:
    site = build_site(seed=seed, articles=articles, profile=profile)
    router = Router(site, BASE)
    found = []
    for article in site.articles:
        html = router(article.path).body.decode("utf-8")
        content = parse_article(html, BASE + article.path)
        found.append(ArticleRecord.build(content, url=BASE + article.path, capture=CAPTURE))
    return found


def monitor(output: Path, **settings: Any) -> QualityMonitorExtension:
    crawler = get_crawler(settings_dict={"ARCHIVE_OUTPUT_DIR": str(output), **settings})
    return QualityMonitorExtension.from_crawler(crawler)


def run(extension: QualityMonitorExtension, items: list[ArticleRecord]) -> dict[str, Any]:
    for item in items:
        extension.item_scraped(item)
    extension.spider_closed()
    stats = extension.crawler.stats
    assert stats is not None
    summary: dict[str, Any] = stats.get_value(STATS_KEY)
    assert stats.get_value(LOW_FIELDS_KEY) == [row["field"] for row in summary["below"]]
    return summary


NORMAL = [
    (0, Profile.default()),
    *((seed, Profile.random(random.Random(seed))) for seed in (1013, 2027, 3041)),
]


@pytest.mark.parametrize(("seed", "profile"), NORMAL, ids=lambda v: str(v)[:30])
def test_quiet_on_the_normal_replicas(tmp_path: Path, seed: int, profile: Profile) -> None:
    summary = run(monitor(tmp_path), records(profile, seed))
    assert summary["judged"] and summary["records"] == 80
    assert summary["below"] == []
    assert summary["fill_rates"]["published"] == 1.0 and summary["fill_rates"]["tags"] > 0.5


def test_fires_on_a_replica_whose_article_layout_changed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    drifted = records(Profile(layout="drifted"), 0)
    with caplog.at_level(logging.WARNING, logger="archiver.extensions.quality"):
        summary = run(monitor(tmp_path), drifted)
    low = {row["field"]: row for row in summary["below"]}
    assert {"published", "byline"} <= set(low)
    assert low["byline"]["rate"] == 0.0 and low["byline"]["examples"][0] == drifted[0].url
    warning = next(r.getMessage() for r in caplog.records if "a byline" in r.getMessage())
    assert "0.0% of the 80 records" in warning and drifted[0].url in warning


def test_the_exit_code_says_the_quality_fell(tmp_path: Path) -> None:
    extension = monitor(tmp_path)
    run(extension, records(Profile(layout="drifted"), 0))
    assert exitcodes.exit_code(extension.crawler, "finished") == exitcodes.QUALITY_LOW == 6
    quiet = monitor(tmp_path / "other")
    run(quiet, records(Profile.default(), 0))
    assert exitcodes.exit_code(quiet.crawler, "finished") == exitcodes.OK


def test_a_small_run_is_reported_not_judged(tmp_path: Path) -> None:
    summary = run(monitor(tmp_path), records(Profile(layout="drifted"), 0, articles=10))
    assert not summary["judged"] and summary["below"] == []
    assert summary["fill_rates"]["byline"] == 0.0


def write_report(reports: Path, run_id: str, rates: dict[str, float]) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    quality = {"records": 500, "judged": True, "fill_rates": rates}
    (reports / f"{run_id}.json").write_text(json.dumps({"quality": quality}), encoding="utf-8")


def test_history_raises_a_floor_the_settings_leave_low(tmp_path: Path) -> None:
    """Images in 90% of the archive's records, then in none: no threshold says so, the
    history does."""
    normal = records(Profile.default(), 0)
    for number in range(3):
        rates = {"published": 1.0, "byline": 1.0, "tags": 0.8, "images": 0.9}
        write_report(tmp_path / "reports", f"2026010{number}000000000-abcd", rates)
    imageless = [_without_images(record) for record in normal]
    summary = run(monitor(tmp_path), imageless)
    assert [row["field"] for row in summary["below"]] == ["images"]
    assert summary["below"][0]["floor"] == pytest.approx(0.45)
    assert summary["history_medians"]["images"] == 0.9


def _without_images(record: ArticleRecord) -> ArticleRecord:
    fields = {name: getattr(record, name) for name in record.__dataclass_fields__}
    return ArticleRecord(**{**fields, "images": []})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('{"bylines": 0.5}', "unknown field 'bylines'"),
        ('{"byline": 1.5}', "byline must be a share from 0 to 1"),
    ],
)
def test_a_bad_threshold_setting_names_the_fix(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        monitor(tmp_path, ARCHIVE_QUALITY_THRESHOLDS=value)


def test_a_threshold_setting_merges_over_the_defaults(tmp_path: Path) -> None:
    extension = monitor(tmp_path, ARCHIVE_QUALITY_THRESHOLDS='{"dateline": 0.9}')
    assert extension.thresholds["dateline"] == 0.9 and extension.thresholds["byline"] == 0.9
    summary = run(extension, records(Profile.default(), 0))
    assert [row["field"] for row in summary["below"]] == ["dateline"]
