#!/usr/bin/env python
"""Rewrite the parser fixtures' expected.json from the current parsers, for review.

    .venv/bin/python scripts/regen_fixtures.py           # rewrite; then `git diff tests/fixtures`
    .venv/bin/python scripts/regen_fixtures.py --check   # exit 1 if an expectation would change
    .venv/bin/python scripts/regen_fixtures.py NAME...   # only these fixtures

The fixtures are the spec (docs/extraction-rules.md): a regenerated expectation is a claim
that the parser is right, so every changed line needs a reviewer's eye.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.catalog import KINDS, Fixture, dumps, fixtures


def _selected(names: list[str]) -> list[Fixture]:
    found = [fixture for kind in KINDS for fixture in fixtures(kind)]
    if not names:
        return found
    chosen = [f for f in found if f.name in names or f.id in names]
    missing = set(names) - {f.name for f in chosen} - {f.id for f in chosen}
    if missing:
        sys.exit(f"no such fixture: {', '.join(sorted(missing))} (see tests/fixtures/README.md)")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help="fixture names (default: all)")
    parser.add_argument("--check", action="store_true", help="only report differences")
    args = parser.parse_args(argv)
    changed = 0
    for fixture in _selected(args.names):
        path = fixture.expected_path
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        new = dumps(fixture.actual())
        if old == new:
            continue
        changed += 1
        if args.check:
            diff = difflib.unified_diff(
                old.splitlines(keepends=True), new.splitlines(keepends=True), str(path), "parser"
            )
            sys.stdout.writelines(diff)
        else:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path}")
    verb = "differ" if args.check else "rewritten"
    print(f"{changed} expectation(s) {verb}", file=sys.stderr)
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
