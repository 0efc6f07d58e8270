"""The garbage-collection extension: frozen start-up, a higher young threshold, both undone."""

from __future__ import annotations

import gc

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from archiver.extensions.garbage import GarbageCollectionExtension


def test_the_crawl_runs_with_start_up_frozen_and_fewer_collections() -> None:
    before = gc.get_threshold()
    extension = GarbageCollectionExtension.from_crawler(get_crawler(Spider, {}))
    extension.engine_started()
    try:
        assert gc.get_threshold() == (50_000, before[1], before[2])
        assert gc.get_freeze_count() > 1000  # modules, classes, settings
    finally:
        extension.engine_stopped()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_zero_leaves_python_s_collector_alone_and_negative_is_refused() -> None:
    with pytest.raises(NotConfigured):
        GarbageCollectionExtension.from_crawler(get_crawler(Spider, {"ARCHIVE_GC_THRESHOLD": 0}))
    with pytest.raises(ValueError, match="ARCHIVE_GC_THRESHOLD"):
        GarbageCollectionExtension.from_crawler(get_crawler(Spider, {"ARCHIVE_GC_THRESHOLD": -1}))
