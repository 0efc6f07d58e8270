"""Every revisit a re-check wrote replays in pywb with its original's payload: articles and
their requisites alike, at the revisit's own time (pywb's own indexer, a cross-check of ours)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver import exitcodes
from replica import ReplicaServer, build_site
from tests.fault_runs import crawl
from tests.pywb_tools import fetch, make_collection, pywb_bin, running_wayback

pytestmark = [pytest.mark.replay, pytest.mark.e2e]


def revisits(warc: Path) -> list[tuple[str, str, str]]:
    """(target URI, WARC-Date, WARC-Refers-To) of each revisit record in a WARC file."""
    found = []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "revisit":
                get = record.rec_headers.get_header
                found.append((get("WARC-Target-URI"), get("WARC-Date"), get("WARC-Refers-To")))
    return found


def payloads(output: Path) -> dict[str, bytes]:
    """Each response record's payload (Content-Encoding undone by warcio), by record id."""
    found = {}
    for warc in sorted((output / "warc").glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    found[record_id] = record.content_stream().read()
    return found


def test_pywb_replays_every_revisit_with_its_originals_payload(tmp_path: Path) -> None:
    bin_dir = pywb_bin()
    if bin_dir is None:
        pytest.skip("pywb not found: set ARCHIVER_PYWB_VENV to a venv with pywb installed")
    output = tmp_path / "output"
    with ReplicaServer(build_site(0, 12)) as server:
        assert crawl(server, output).code == exitcodes.OK
        before = set((output / "warc").glob("*.warc.gz"))
        run = crawl(server, output, "--recheck", ARCHIVE_RECHECK_MIN_AGE="0")
        assert run.code == exitcodes.OK, run.log[-3000:]
    [recheck_warc] = set((output / "warc").glob("*.warc.gz")) - before
    visits = revisits(recheck_warc)
    assert len(visits) == sum(len(v) for v in run.warcs.revisits.values()) > 12
    originals = payloads(output)
    make_collection(bin_dir, tmp_path, sorted((output / "warc").glob("*.warc.gz")))
    with running_wayback(bin_dir, tmp_path) as wayback:
        for uri, date, refers_to in visits:
            stamp = date.replace("-", "").replace(":", "").replace("T", "")[:14]
            status, headers, body = fetch(f"{wayback}/archive/{stamp}id_/{uri}")
            assert status == 200, uri
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            assert body == originals[refers_to], uri
            assert headers.get("Memento-Datetime"), uri
