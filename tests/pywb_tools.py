"""Running pywb from the tests: finding and serving it is archiver.replay's (`archiver replay`
uses the same code); what stays here is for tests only: fetching without redirects, and a
collection made by pywb's own wb-manager (its own indexer, a cross-check of ours)."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from archiver.replay import free_port, pywb_bin, running_wayback

__all__ = ["fetch", "free_port", "make_collection", "pywb_bin", "running_wayback"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:  # 3xx arrive here once redirects are not followed
        return error.code, dict(error.headers), error.read()


def make_collection(bin_dir: Path, root: Path, warcs: list[Path]) -> None:
    """A pywb collection "archive" under root holding the WARCs."""
    for args in (["init", "archive"], ["add", "archive", *map(str, warcs)]):
        subprocess.run(
            [str(bin_dir / "wb-manager"), *args],
            cwd=root,
            check=True,
            timeout=120,
            capture_output=True,
        )
