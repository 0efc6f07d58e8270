"""`archiver replay OUTPUT`: pywb serves the output in place on 127.0.0.1, the first article's
URL is printed and replays, and Ctrl-C stops it cleanly."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.replay import pywb_bin
from tests.pywb_tools import fetch, free_port
from tests.test_capture import HTML
from tests.test_wacz import make_output

pytestmark = pytest.mark.replay


def test_archiver_replay_serves_the_first_article_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    if pywb_bin() is None:
        pytest.skip("pywb not found: set ARCHIVER_PYWB_VENV to a venv with pywb installed")
    captures = make_output(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "archiver.cli", "replay", str(tmp_path), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]  # served at, first article, stop
        match = re.search(r"First article: (\S+)", "".join(lines))
        assert match, lines
        url = match.group(1)
        assert url.startswith(f"http://127.0.0.1:{port}/archive/")
        assert url.endswith(captures[1].target_uri)
        status, _, page = fetch(url)  # pywb's frame around the capture
        assert status == 200 and b"<iframe" in page
        status, _, body = fetch(
            url.replace(captures[1].target_uri, "").rstrip("/") + "id_/" + captures[1].target_uri
        )
        assert (status, body) == (200, HTML)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "Stopped." in output
