"""The WARCs of a real crawl replay in pywb: every article comes back as the site served it."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

import pytest

from replica import ReplicaServer, build_site
from tests.archive_checks import read_jsonl
from tests.crawling import run_crawl
from tests.pywb_tools import fetch, make_collection, pywb_bin, running_wayback

pytestmark = [pytest.mark.replay, pytest.mark.e2e]


def test_crawled_articles_replay_as_served(tmp_path: Path) -> None:
    bin_dir = pywb_bin()
    if bin_dir is None:
        pytest.skip("pywb not found: set ARCHIVER_PYWB_VENV to a venv with pywb installed")
    output = tmp_path / "output"
    originals = {}
    with ReplicaServer(build_site(seed=0)) as server:
        assert run_crawl(server.base_url, output).returncode == 0
        records = read_jsonl(output)[:5]
        for record in records:  # the page as served to a client that takes no gzip
            with urllib.request.urlopen(record["url"], timeout=10) as reply:
                originals[record["url"]] = reply.read()
    assert len(records) == 5
    make_collection(bin_dir, tmp_path, sorted((output / "warc").glob("*.warc.gz")))
    with running_wayback(bin_dir, tmp_path) as wayback:
        for record in records:
            stamp = record["fetched_at"].replace("-", "").replace(":", "").replace("T", "")[:14]
            status, headers, body = fetch(f"{wayback}/archive/{stamp}id_/{record['url']}")
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            assert status == 200, record["url"]
            assert body == originals[record["url"]], record["url"]
