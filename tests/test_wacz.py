"""WACZ packages (archiver.wacz): layout, stored WARCs, hashes, pages, splitting, the files
a killed run left, an empty output; and py-wacz's `wacz validate` accepts them."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from archiver.capture import WarcFileWriter
from archiver.cli import main
from archiver.items import Capture
from archiver.layout import OutputLayout
from archiver.wacz import NoWarcs, write_wacz
from tests.test_capture import make_exchange
from tests.wacz_tools import wacz_validate

SITE = "https://eng-archive.aawsat.com"


def make_output(root: Path, count: int = 10, max_size: int = 3000) -> list[Capture]:
    """WARCs (several files), and a JSONL record for every other capture (the articles);
    the rest are listings."""
    layout = OutputLayout(root)
    captures = []
    with WarcFileWriter(layout.warc, max_size=max_size) as writer:
        for number in range(count):
            path = (
                f"/tariq-alhomayed/opinion/story-{number}"
                if number % 2
                else f"/category/news/page/{number}"
            )
            captures.append(writer.write_exchange(make_exchange(SITE + path)))
    layout.jsonl.mkdir(parents=True)
    with (layout.jsonl / "ARCHIVER-run.jsonl").open("w", encoding="utf-8") as out:
        for capture in captures[1::2]:
            out.write(json.dumps(record(capture)) + "\n")
    return captures


def record(capture: Capture) -> dict[str, Any]:
    pointer = capture.warc
    return {
        "url": capture.target_uri,
        "title": f"Title of {capture.target_uri.rsplit('/', 1)[-1]}",
        "fetched_at": capture.fetched_at,
        "warc": {
            "filename": pointer.filename,
            "offset": pointer.offset,
            "length": pointer.length,
            "record_id": pointer.record_id,
        },
    }


def entries(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def jsonl(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def test_a_package_holds_the_warcs_stored_indexes_pages_and_hashes(tmp_path: Path) -> None:
    captures = make_output(tmp_path)
    report = write_wacz(tmp_path)
    package = tmp_path / "packages" / "archive.wacz"
    assert report.packages == [package]
    files = entries(package)
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    for warc in warcs:  # byte for byte, and stored: replay reads them by offset
        assert files[f"archive/{warc.name}"] == warc.read_bytes()
    with zipfile.ZipFile(package) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("datapackage"):
                assert info.compress_type == zipfile.ZIP_STORED, info.filename
    datapackage = json.loads(files["datapackage.json"])
    assert datapackage["wacz_version"] == "1.1.1"
    assert {"software", "created", "title", "description"} <= set(datapackage)
    assert datapackage["mainPageURL"] == captures[1].target_uri
    listed = {res["path"]: res for res in datapackage["resources"]}
    assert set(listed) == set(files) - {"datapackage.json", "datapackage-digest.json"}
    for path, resource in listed.items():
        assert resource["hash"] == "sha256:" + hashlib.sha256(files[path]).hexdigest()
        assert resource["bytes"] == len(files[path])
    digest = json.loads(files["datapackage-digest.json"])
    assert digest["hash"] == "sha256:" + hashlib.sha256(files["datapackage.json"]).hexdigest()


def test_pages_are_the_records_and_extra_pages_the_listings(tmp_path: Path) -> None:
    captures = make_output(tmp_path)
    report = write_wacz(tmp_path)
    files = entries(report.packages[0])
    header, *pages = jsonl(files["pages/pages.jsonl"])
    assert header["format"] == "json-pages-1.0"
    assert [(p["url"], p["ts"]) for p in pages] == [
        (c.target_uri, c.fetched_at) for c in captures[1::2]
    ]
    assert all(p["title"].startswith("Title of story-") for p in pages)
    _, *extra = jsonl(files["pages/extraPages.jsonl"])
    assert sorted(p["url"] for p in extra) == sorted(c.target_uri for c in captures[::2])
    assert (report.pages, report.extra_pages) == (5, 5)


def test_max_size_splits_into_packages_of_whole_warcs(tmp_path: Path) -> None:
    make_output(tmp_path)
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(warcs) >= 4
    limit = sum(w.stat().st_size for w in warcs[:2])
    report = write_wacz(tmp_path, tmp_path / "out.wacz", max_size=limit)
    assert len(report.packages) >= 2
    assert report.packages[0].name == "out-001.wacz"
    packaged: list[str] = []
    pages = 0
    for package in report.packages:
        files = entries(package)
        names = [name.removeprefix("archive/") for name in files if name.startswith("archive/")]
        assert sum((tmp_path / "warc" / n).stat().st_size for n in names) <= limit
        packaged += names
        _, *page_lines = jsonl(files["pages/pages.jsonl"])
        index = gzip.decompress(files["indexes/index.cdx.gz"]).decode().splitlines()
        assert index and {json.loads(line.split(" ", 2)[2])["filename"] for line in index} == set(
            names
        )
        pages += len(page_lines)
    assert sorted(packaged) == [w.name for w in warcs]  # each file exactly once
    assert pages == 5


def test_a_killed_runs_open_file_is_repaired_then_packaged(tmp_path: Path) -> None:
    make_output(tmp_path)
    layout = OutputLayout(tmp_path)
    torn = sorted(layout.warc.glob("*.warc.gz"))[0]  # several exchanges
    whole = torn.read_bytes()
    leftover = torn.with_name(torn.name + ".open")
    leftover.write_bytes(whole[:-10])  # the torn record cut off mid-write
    torn.unlink()
    report = write_wacz(tmp_path)
    assert report.left_out == []
    assert not leftover.exists()
    repaired = torn.read_bytes()
    assert len(repaired) < len(whole) and whole.startswith(repaired)  # the torn exchange cut
    assert f"archive/{torn.name}" in entries(report.packages[0])


def test_a_locked_open_file_is_left_out_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_output(tmp_path)
    layout = OutputLayout(tmp_path)
    live = layout.warc / "ARCHIVER-20261125015933000-00099-0badf00d.warc.gz.open"
    shutil.copy(sorted(layout.warc.glob("*.warc.gz"))[0], live)
    with live.open("rb") as held:  # as a running crawl's writer holds its file
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert main(["wacz", str(tmp_path)]) == 1
    assert live.exists()
    assert (
        f"left out (still .open, held by a running crawl or damaged): {live}"
        in capsys.readouterr().out
    )
    assert not any(name.endswith(".open") for name in entries(layout.packages / "archive.wacz"))


def test_an_output_without_warcs_is_refused_with_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(NoWarcs, match="holds no closed WARC file"):
        write_wacz(tmp_path)
    assert main(["wacz", str(tmp_path)]) == 2
    assert "crawl into it first" in capsys.readouterr().out
    assert not (tmp_path / "packages").exists() or not list((tmp_path / "packages").iterdir())


def test_py_wacz_validates_the_package_and_rejects_a_tampered_one(tmp_path: Path) -> None:
    make_output(tmp_path)
    package = write_wacz(tmp_path).packages[0]
    code, log = wacz_validate(package)
    assert code == 0, log
    assert "Validation succeeded" in log
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(tampered, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "pages/pages.jsonl":
                data = data.replace(b"Title of", b"Forged  ")
            out.writestr(info, data)
    code, log = wacz_validate(tampered)
    assert code != 0, log
