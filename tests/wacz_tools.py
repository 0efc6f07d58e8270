"""Running py-wacz's `wacz validate` from the tests: py-wacz lives in a venv of its own
(ARCHIVER_WACZ_VENV, made by `make test`: it pins frictionless and friends) or on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def wacz_command() -> Path | None:
    venv = os.environ.get("ARCHIVER_WACZ_VENV")
    if venv and (Path(venv) / "bin" / "wacz").exists():
        return Path(venv).resolve() / "bin" / "wacz"
    found = shutil.which("wacz")
    return Path(found) if found else None


def wacz_validate(package: Path) -> tuple[int, str]:
    """`wacz validate -f PACKAGE`: its exit code and output (skips the test without py-wacz)."""
    command = wacz_command()
    if command is None:
        pytest.skip("py-wacz not found: set ARCHIVER_WACZ_VENV to a venv with wacz installed")
    result = subprocess.run(
        [str(command), "validate", "-f", str(package)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stdout + result.stderr
