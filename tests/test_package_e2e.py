"""A real crawl's indexes and package: every JSONL record is found in the merged CDXJ at
exactly its file, offset and length; `wacz validate` passes on a finished crawl's output (its
package written at the end of the run, ARCHIVE_WACZ_AT_END) and on a killed crawl's output,
before and after it resumes."""

from __future__ import annotations

import json
import signal
import zipfile
from pathlib import Path

import pytest

from archiver.indexes import MERGED_NAME, index_path
from archiver.wacz import write_wacz
from replica import ReplicaServer, build_site
from tests.archive_checks import read_jsonl
from tests.crawling import run_crawl
from tests.test_operation import SLOW, interrupt, start
from tests.wacz_tools import wacz_validate

pytestmark = pytest.mark.e2e

ARTICLES = 40


def cdxj_rows(output: Path) -> dict[tuple[str, str], list[dict[str, str]]]:
    """(url, filename) -> the merged index's rows."""
    rows: dict[tuple[str, str], list[dict[str, str]]] = {}
    for line in (output / "indexes" / MERGED_NAME).read_text().splitlines():
        fields = json.loads(line.split(" ", 2)[2])
        rows.setdefault((fields["url"], fields["filename"]), []).append(fields)
    return rows


def check_lookups(output: Path) -> None:
    records = read_jsonl(output)
    assert records
    rows = cdxj_rows(output)
    for record in records:
        pointer = record["warc"]
        found = [
            row
            for row in rows[(record["url"], pointer["filename"])]
            if (int(row["offset"]), int(row["length"])) == (pointer["offset"], pointer["length"])
        ]
        assert len(found) == 1, record["url"]
        assert found[0]["digest"] == record["payload_digest"]


def test_every_record_is_found_in_the_cdxj_and_the_run_writes_a_valid_wacz(
    tmp_path: Path,
) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        result = run_crawl(server.base_url, output, ARCHIVE_WACZ_AT_END="True")
    assert result.returncode == 0, result.log[-3000:]
    check_lookups(output)
    for warc in (output / "warc").glob("*.warc.gz"):  # one index per closed file
        assert index_path(output / "indexes", warc).is_file()
    package = output / "packages" / "archive.wacz"
    code, log = wacz_validate(package)
    assert code == 0, log
    with zipfile.ZipFile(package) as archive:
        pages = archive.read("pages/pages.jsonl").decode().splitlines()
    assert len(pages) == 1 + len(read_jsonl(output))


def test_a_killed_crawls_output_packages_valid_before_and_after_resuming(
    tmp_path: Path,
) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        code, log = interrupt(start(server.base_url, output, **SLOW), 3.0, signal.SIGKILL)
        assert code == -signal.SIGKILL, "the crawl ended before it was killed: slow it down"
        assert list((output / "warc").glob("*.open")), "the kill left no WARC open"
        killed = write_wacz(output, tmp_path / "killed.wacz")  # repairs the .open file
        assert killed.left_out == []
        assert not list((output / "warc").glob("*.open"))
        code, log = wacz_validate(killed.packages[0])
        assert code == 0, log
        result = run_crawl(server.base_url, output)
    assert result.returncode == 0, result.log[-3000:]
    check_lookups(output)
    resumed = write_wacz(output, tmp_path / "resumed.wacz")
    code, log = wacz_validate(resumed.packages[0])
    assert code == 0, log
    assert resumed.pages == len(read_jsonl(output)) > killed.pages
