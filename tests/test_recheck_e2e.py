"""Re-checks end to end: ``archiver crawl --recheck`` against a replica that changed.

After a first crawl, the replica changes (``replica/changes.py``): K articles edited, L taken
down (404, 410) or redirected home, some answering 200 with an error page or nothing, and
among the images one replaced, one removed, one answering an HTML error page. A re-check
then makes exactly K new record versions, L withdrawals, captures the replaced image anew
(it becomes the image's current capture), reports the bad answers without a new version,
and writes a revisit record for every other article and requisite.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from archiver import exitcodes
from archiver.capture.revisit import IDENTICAL_PAYLOAD_DIGEST, SERVER_NOT_MODIFIED
from archiver.cli import main
from archiver.coverage.counts import measure
from archiver.demo import MIRROR_SETTINGS, scrapy_env
from archiver.jsonl import iter_records
from archiver.layout import STATE_FILENAME
from archiver.reparse import reparse
from archiver.state import CrawlState
from replica import ReplicaServer, build_site, changes
from tests.crawling import path_of
from tests.fault_runs import FaultRun, crawl

pytestmark = pytest.mark.e2e

ARTICLES = 24
NOW = {"ARCHIVE_RECHECK_MIN_AGE": "0"}  # every archived page is due
# About 0.2 s a request, one at a time, answers noted every 3: a kill lands mid-run.
SLOW = {"DOWNLOAD_DELAY": "0.2", "CONCURRENT_REQUESTS": "1", "ARCHIVE_COMMIT_ITEMS": "3"}


def recheck(server: ReplicaServer, output: Path, **settings: str) -> FaultRun:
    return crawl(server, output, "--recheck", **{**NOW, **settings})


def articles_fetched(run: FaultRun, site_paths: set[str]) -> list[str]:
    return [e["path"] for e in run.requests if e["method"] == "GET" and e["path"] in site_paths]


def v1_ids(records: list[dict[str, Any]]) -> dict[str, str]:
    return {r["url"]: r["warc"]["record_id"] for r in records if r["version"] == 1}


def checks(output: Path) -> dict[str, dict[str, Any]]:
    state = CrawlState(output / STATE_FILENAME, "check")
    try:
        return {c["url"]: c for c in state.rechecks.checks()}
    finally:
        state.close()


def captured_requisites(output: Path) -> dict[str, tuple[str, str]]:
    """URL → (record id, payload digest) of each requisite the state holds a capture of."""
    with sqlite3.connect(f"file:{output / STATE_FILENAME}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT url, record_id, payload_digest FROM requisites WHERE status")
        return {url: (record_id, digest) for url, record_id, digest in rows}


def change_the_site(
    server: ReplicaServer, urls: list[str], images: list[str], requisites: list[str]
) -> dict[str, list[str]]:
    """Edit 3 articles, take 2 down, redirect 1 home, break 2; replace an image, remove
    one, break one; the rest stay as they were."""
    groups = {"edited": urls[:3], "gone": urls[3:5], "moved": urls[5:6], "bad": urls[6:8]}
    server.faults.update({path_of(u): changes.edited() for u in groups["edited"]})
    server.faults[path_of(groups["gone"][0])] = changes.removed(404)
    server.faults[path_of(groups["gone"][1])] = changes.removed(410)
    server.faults[path_of(groups["moved"][0])] = changes.moved_home()
    server.faults[path_of(groups["bad"][0])] = changes.error_page()
    server.faults[path_of(groups["bad"][1])] = changes.empty()
    image_groups = {"image_replaced": images[:1], "image_gone": images[1:2]}
    image_groups["image_bad"] = images[2:3]
    server.faults[path_of(images[0])] = changes.replaced_image()
    server.faults[path_of(images[1])] = changes.removed(404)
    server.faults[path_of(images[2])] = changes.error_page()
    groups["unchanged"] = sorted(set(urls).difference(*groups.values()))
    groups["requisites_unchanged"] = sorted(set(requisites).difference(images[:3]))
    return groups | image_groups


def article_images(records: list[dict[str, Any]], skip: set[str]) -> list[str]:
    """The captured images of the articles not in ``skip``, each once, in record order."""
    images = [i["url"] for r in records if r["url"] not in skip for i in r["images"]]
    return list(dict.fromkeys(url for url in images if "/uploads/" in url))


def check_new_versions(run: FaultRun, originals: dict[str, str], edited: list[str]) -> None:
    new = [r for r in run.records if r["version"] > 1]
    assert sorted(r["url"] for r in new) == edited
    for record in new:
        assert record["version"] == 2
        assert record["supersedes"] == originals[record["url"]]
        assert changes.CORRECTION.decode().strip() in record["text"]
    assert len(run.records) == len(originals) + len(edited), "the old records are all kept"


def check_report(run: FaultRun, groups: dict[str, list[str]]) -> None:
    section = run.report["recheck"]
    assert [c["url"] for c in section["changed"]] == groups["edited"]
    withdrawn = {c["url"]: c for c in section["withdrawn"]}
    assert sorted(withdrawn) == sorted(groups["gone"] + groups["moved"])
    assert all(c["withdrawn_at"] for c in withdrawn.values())
    assert "redirected to" in withdrawn[groups["moved"][0]]["detail"]
    assert sorted(c["url"] for c in section["bad"]) == groups["bad"]
    assert section["counts"]["unchanged"] == len(groups["unchanged"])
    requisites = section["requisites"]
    assert [c["url"] for c in requisites["changed"]] == groups["image_replaced"]
    assert [c["url"] for c in requisites["withdrawn"]] == groups["image_gone"]
    assert [c["url"] for c in requisites["bad"]] == groups["image_bad"]
    assert requisites["counts"]["unchanged"] == len(groups["requisites_unchanged"])
    bad = sorted(groups["bad"] + groups["image_bad"])
    assert sorted(run.failed_urls()) == bad, "a bad answer is reported as failed"


def check_replaced_image(
    run: FaultRun, image: str, before: tuple[str, str], after: tuple[str, str]
) -> None:
    """The replaced image: a full capture in this run, the state's current one, its
    version superseding the old capture (kept: the first crawl's WARC is untouched)."""
    assert run.fetched(path_of(image)) == 1
    [changed] = run.report["recheck"]["requisites"]["changed"]
    assert (changed["version"], changed["supersedes"]) == (2, before[0])
    assert after[0] == changed["record_id"] != before[0]
    assert after[1] != before[1], "a new payload"
    assert image not in run.warcs.revisits, "captured whole, not as a revisit"


def check_reparse(run: FaultRun, groups: dict[str, list[str]], destination: Path) -> None:
    """``archiver reparse`` rebuilds every version from the WARCs, field for field (but the
    replaced image's capture: the state's current one), and skips the bad answers."""
    report = reparse(run.output, destination, workers=0)
    assert report.versions == len(groups["edited"])
    assert sorted(url for url, _ in report.layout_errors) == groups["bad"]
    rebuilt = {(r["url"], r["version"]): r for r in iter_records(destination)}
    assert sorted(rebuilt) == sorted((r["url"], r["version"]) for r in run.records)
    for record in run.records:
        again = rebuilt[record["url"], record["version"]]
        for image in record["images"] + again["images"]:
            if image["url"] in groups["image_replaced"]:
                image["capture"] = "replaced"
        assert again == record, record["url"]


def test_a_recheck_finds_k_edited_l_withdrawn_and_revisits_the_rest(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, ARTICLES)) as server:
        first = crawl(server, output)
        assert first.code == exitcodes.OK, first.log[-3000:]
        urls = sorted(r["url"] for r in first.records)
        assert len(urls) == ARTICLES
        requisites = captured_requisites(output)
        images = article_images(first.records, skip=set(urls[:8]))
        assert len(images) >= 3 and set(images) <= set(requisites)
        groups = change_the_site(server, urls, images, sorted(requisites))
        run = recheck(server, output)
        assert run.code == exitcodes.PAGES_FAILED, run.log[-3000:]  # the bad pages
        assert "Traceback" not in run.log
        site_paths = {path_of(u) for u in urls}
        assert sorted(articles_fetched(run, site_paths)) == sorted(site_paths), "each once"
        originals = v1_ids(first.records)
        check_new_versions(run, originals, groups["edited"])
        revisited = groups["unchanged"] + groups["requisites_unchanged"]
        assert sorted(run.warcs.revisits) == sorted(revisited), "a revisit for all the rest"
        for url in groups["unchanged"]:
            assert run.warcs.revisits[url] == [(originals[url], IDENTICAL_PAYLOAD_DIGEST)]
        for url in groups["requisites_unchanged"]:
            assert run.warcs.revisits[url] == [(requisites[url][0], IDENTICAL_PAYLOAD_DIGEST)]
        check_report(run, groups)
        [image] = groups["image_replaced"]
        check_replaced_image(run, image, requisites[image], captured_requisites(output)[image])
        for record in run.records:
            if record["version"] == 2:  # the new versions point at their images' captures
                assert [i["capture"] is not None for i in record["images"]] == [
                    i["capture"] is not None
                    for v1 in first.records
                    if v1["url"] == record["url"]
                    for i in v1["images"]
                ]
        noted = checks(output)
        assert set(noted) == set(urls) | set(requisites), "every page's check is noted"
        check_reparse(run, groups, tmp_path / "reparsed")
        assert main(["card", str(output)]) == 0
        card = " ".join((output / "DATASET.md").read_text(encoding="utf-8").split())
        assert f"Re-checked on the live site since: {ARTICLES};" in card
        assert f"found changed (a later `version` in the data): {len(groups['edited'])};" in card
        withdrawn = len(groups["gone"]) + len(groups["moved"])
        assert f"their records are kept): {withdrawn}." in card
        totals = measure(output).totals()
        assert (totals["withdrawn"], totals["archived"]) == (withdrawn, ARTICLES)
        assert {noted[u]["outcome"] for u in groups["edited"]} == {"changed"}

        # A second run the same night asks for nothing: every page was checked just now.
        again = crawl(server, output, "--recheck")
        assert articles_fetched(again, site_paths) == []
        assert again.report["recheck"]["counts"].get("selected", 0) == 0
        assert again.report["recheck"]["requisites"]["counts"].get("selected", 0) == 0
        assert again.requests == [], "not even a requisite"

        # Another night: the edited articles are now unchanged against their version 2.
        server.faults.clear()
        server.faults.update({path_of(u): changes.edited() for u in groups["edited"]})
        later = recheck(server, output)
        v2 = {r["url"]: r["warc"]["record_id"] for r in later.records if r["version"] == 2}
        for url in groups["edited"]:
            assert later.warcs.revisits[url][-1] == (v2[url], IDENTICAL_PAYLOAD_DIGEST)
        assert later.report["recheck"]["withdrawn"] == [], "pages back are not withdrawn"
        assert checks(output)[groups["gone"][0]]["withdrawn_at"] is None


def test_conditional_requests_get_304_and_a_server_not_modified_revisit(tmp_path: Path) -> None:
    output = tmp_path / "output"
    site = build_site(0, 8)
    paths = sorted({a.path for a in site.articles})
    faults = {path: changes.conditional() for path in paths}
    edited = paths[0]
    with ReplicaServer(site, faults=faults) as server:
        assert crawl(server, output).code == exitcodes.OK
        server.faults[edited] = changes.conditional(changes.edited())
        run = recheck(server, output)
        assert run.code == exitcodes.OK, run.log[-3000:]
        asked = [e for e in run.requests if e["path"] in set(paths)]
        assert all(e["headers"].get("If-None-Match") for e in asked), "conditional requests"
        assert all(e["headers"].get("If-Modified-Since") == changes.LAST_MODIFIED for e in asked)
        assert sorted(e["status"] for e in asked) == [200] + [304] * (len(paths) - 1)
        assert run.report["recheck"]["counts"]["not_modified"] == len(paths) - 1
        pages = {server.base_url + path for path in paths}
        revisits = [visit for url in pages for visit in run.warcs.revisits.get(url, [])]
        assert {profile for _, profile in revisits} == {SERVER_NOT_MODIFIED}
        assert [r["url"] for r in run.records if r["version"] == 2] == [server.base_url + edited]


def noted_checks(output: Path, outcome: str = "unchanged") -> int:
    """Answers of this outcome the state holds (a revisit each, for "unchanged")."""
    try:
        with sqlite3.connect(f"file:{output / STATE_FILENAME}?mode=ro", uri=True) as db:
            query = "SELECT count(*) FROM checks WHERE outcome = ?"
            return int(db.execute(query, (outcome,)).fetchone()[0])
    except sqlite3.Error:  # not created yet, or busy
        return 0


def revisits_written(output: Path) -> int:
    """Revisit records in the WARC file the running crawl writes (its whole members)."""
    count = 0
    for path in (output / "warc").glob("*.warc.gz.open"):
        data = path.read_bytes()
        while data:
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            try:
                head = inflater.decompress(data, 300)
            except zlib.error:
                break
            count += b"WARC-Type: revisit" in head
            while not inflater.eof and inflater.unconsumed_tail:  # to the member's end
                inflater.decompress(inflater.unconsumed_tail, 1 << 16)
            if not inflater.eof:
                break  # a member still being written
            data = inflater.unused_data
    return count


def kill_once_answers_are_noted(process: subprocess.Popen[bytes], output: Path) -> None:
    """SIGKILL once the run has noted some unchanged answers and written two revisits more
    than it noted: the kill leaves a batch of answers unnoted (bounded: 60 s)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        noted = noted_checks(output)
        if noted >= 3 and revisits_written(output) >= noted + 2:
            process.send_signal(signal.SIGKILL)
            return
        time.sleep(0.02)


def test_kill_9_during_a_recheck_then_resume_loses_and_repeats_nothing(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, 40)) as server:
        first = crawl(server, output)
        urls = sorted(r["url"] for r in first.records)
        edited = urls[::4]  # spread over the run: some before the kill, some after
        server.faults.update({path_of(u): changes.edited() for u in edited})
        requisites = captured_requisites(output)
        [image] = article_images(first.records, skip=set())[:1]
        server.faults[path_of(image)] = changes.replaced_image()
        time.sleep(3)  # the re-check's answers are then clearly later than the captures
        started = time.time()
        command = [sys.executable, "-m", "archiver.cli", "crawl", "--recheck"]
        command += ["--output", str(output), "--base-url", server.base_url]
        for name, value in {**MIRROR_SETTINGS, **NOW, **SLOW}.items():
            command += ["-s", f"{name}={value}"]
        process = subprocess.Popen(command, env=scrapy_env(), stdout=subprocess.DEVNULL)
        kill_once_answers_are_noted(process, output)
        assert process.wait(timeout=60) == -signal.SIGKILL, "the re-check ended before the kill"
        answered = set(checks(output))
        assert 0 < len(answered) < len(urls), "the kill should land mid-run"
        # Resume: the same bound as a nightly run, an age that leaves out what was answered.
        age = str(int(time.time() - started) + 1)
        resumed = crawl(server, output, "--recheck", ARCHIVE_RECHECK_MIN_AGE=age)
        assert resumed.code == exitcodes.OK, resumed.log[-3000:]
        asked = {e["path"] for e in resumed.requests}
        assert asked.isdisjoint(path_of(u) for u in answered), "a noted page asked again"
        noted = set(checks(output))
        assert noted == set(urls) | set(requisites), "every page answered once the run resumed"
        versions = [(r["url"], r["version"]) for r in resumed.records]
        assert len(versions) == len(set(versions)), "a record version written twice"
        assert sorted(u for u, v in versions if v == 2) == edited
        # No page re-checked twice: the answers the kill left unnoted were read back from
        # the WARC (its index), so each unchanged URL has one revisit, whenever it came.
        assert resumed.report["recheck"]["counts"]["recovered"] >= 1, "the kill left none?"
        for url in (set(urls) - set(edited)) | (set(requisites) - {image}):
            assert len(resumed.warcs.revisits[url]) == 1, url
        state = CrawlState(output / STATE_FILENAME, "check")
        try:  # the replaced image: one new version, the current capture
            [version] = [v for v in state.rechecks.versions() if v["url"] == image]
            assert version["supersedes"] == requisites[image][0]
            assert captured_requisites(output)[image][0] == version["record_id"]
        finally:
            state.close()
