"""Test-suite rules that no single test can check: a test that starts a real crawl in a
subprocess is marked ``e2e`` (``make test-fast`` leaves those out and stays under a
minute)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

# argv fragments that start a crawl: ``scrapy crawl`` and ``archiver crawl`` / ``demo``.
_CRAWLS = (("scrapy", "crawl"), ("archiver.cli", "crawl"), ("archiver.cli", "demo"))


def _starts_a_crawl(args: Any) -> bool:
    argv = [str(part) for part in args] if isinstance(args, list | tuple) else [str(args)]
    return any(all(word in argv for word in crawl) for crawl in _CRAWLS)


@pytest.fixture(autouse=True)
def _crawls_are_marked_e2e(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Refuse a crawl subprocess in a test not marked ``e2e``: name the test and the fix."""
    if request.node.get_closest_marker("e2e") is not None:
        yield
        return
    real = subprocess.Popen.__init__

    def guarded(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        if _starts_a_crawl(args):
            raise AssertionError(
                f"{request.node.nodeid} starts a crawl subprocess ({args!r}): mark it "
                "@pytest.mark.e2e (or its module: pytestmark = pytest.mark.e2e)"
            )
        real(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)
    yield
