"""`make demo`'s command: crawls the replica, and a second run on the same output adds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.archive_checks import read_jsonl
from tests.pywb_tools import free_port

pytestmark = pytest.mark.e2e


def _demo(output: Path, port: int) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver.cli",
            "demo",
            "--output",
            str(output),
            "--port",
            str(port),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def test_demo_twice_archives_each_article_once(tmp_path: Path) -> None:
    port = free_port()
    first = _demo(tmp_path / "output", port)
    assert "150 article records in jsonl/" in first
    second = _demo(tmp_path / "output", port)
    assert "150 article records in jsonl/" in second
    urls = [r["url"] for r in read_jsonl(tmp_path / "output")]
    assert len(urls) == len(set(urls)) == 150
