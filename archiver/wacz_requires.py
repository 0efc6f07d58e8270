"""What a WACZ package's revisit records need from other packages: ``relation.requires``.

A re-check writes a ``revisit`` record for an unchanged page (``archiver.capture.revisit``):
headers only, the payload is its original's. One package holding every WARC file holds
every original too. Split by ``--max-size``, a package of later WARC files may hold
revisits whose originals sit in an earlier package; its ``datapackage.json`` then names
those packages (file name and sha256) in ``relation.requires``, the field Browsertrix
writes for deduplicated crawls and ReplayWeb.page reads to look a revisit's original up in
the packages loaded beside it. Originals found in no package are counted and named, so a
package never silently replays a revisit as a miss.

A revisit's original is the response of the same URL (the index line's SURT key) with the
same payload digest: what pywb and ReplayWeb.page match it by. Read from the per-file CDXJ
indexes a line at a time; memory grows only with the revisits of the package in hand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.indexes import REVISIT_MIME, index_lines

CHUNK = 1 << 20

Key = tuple[str, str]  # (SURT key, payload digest)


@dataclass(slots=True)
class Needs:
    """What one package's revisits need: packages by number, and originals found nowhere."""

    packages: dict[int, int] = field(default_factory=dict)  # package index → revisits served
    missing: list[str] = field(default_factory=list)  # URLs of revisits with no original


def unresolved_revisits(index_files: list[Path]) -> dict[Key, str]:
    """The revisits of these files whose original is not among them: key → URL."""
    revisits: dict[Key, str] = {}
    originals: set[Key] = set()
    for key, _, fields in index_lines(index_files):
        pair = (key, str(fields.get("digest", "")))
        if fields.get("mime") == REVISIT_MIME:
            revisits[pair] = str(fields.get("url", key))
        else:
            originals.add(pair)
    return {pair: url for pair, url in revisits.items() if pair not in originals}


def needs(part: list[Path], earlier: list[list[Path]]) -> Needs:
    """Which of the ``earlier`` packages (their index files) hold the originals of the
    revisits in ``part`` that ``part`` itself lacks; the newest holding one serves it."""
    wanted = unresolved_revisits(part)
    found = Needs()
    for number in reversed(range(len(earlier))):
        if not wanted:
            break
        served = {
            pair
            for key, _, fields in index_lines(earlier[number])
            if fields.get("mime") != REVISIT_MIME
            and (pair := (key, str(fields.get("digest", "")))) in wanted
        }
        if served:
            found.packages[number] = len(served)
            for pair in served:
                del wanted[pair]
    found.missing = sorted(wanted.values())
    return found


def sha256(package: Path) -> str:
    """A package's ``sha256:HEX``, as ``relation.requires`` and the collection name it."""
    digest = hashlib.sha256()
    with package.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def collection(packages: list[Path], digests: list[str], title: str) -> dict[str, Any]:
    """The multi-WACZ collection of split packages: ReplayWeb.page opens the JSON file as one
    archive, so a revisit in one package replays with its original from another. Each
    package by file name, its path relative to the JSON, sha256 and size."""
    resources = [
        {"name": package.name, "path": package.name, "hash": digest,
         "size": package.stat().st_size}
        for package, digest in zip(packages, digests, strict=True)
    ]  # fmt: skip
    return {"profile": "multi-wacz-package", "title": title, "resources": resources}
