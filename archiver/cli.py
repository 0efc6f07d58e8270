"""The ``archiver`` console script: demo, replica and (later) cron-friendly entry points."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archiver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="serve the bundled replica, crawl it, show the output")
    demo.add_argument("--output", type=Path, default=Path("output"), help="output root")
    demo.add_argument("--seed", type=int, default=0, help="replica seed (0 = the bundled one)")

    reparse = commands.add_parser(
        "reparse", help="re-extract all article records from an output directory's WARCs"
    )
    reparse.add_argument("output", type=Path, help="an output root holding warc/")
    reparse.add_argument("--to", type=Path, required=True, help="directory for the new JSONL")

    replica = commands.add_parser("replica", help="the bundled replica: serve, truth, export")
    replica.add_argument("args", nargs=argparse.REMAINDER, help="see `archiver replica --help`")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        from archiver.demo import run_demo

        return run_demo(args.output, seed=args.seed)
    if args.command == "reparse":
        return run_reparse(args.output, args.to)
    if args.command == "replica":
        from archiver.replica.__main__ import main as replica_main

        return replica_main(args.args)
    raise AssertionError(args.command)


def run_reparse(output: Path, destination: Path) -> int:
    from archiver.reparse import reparse

    if not (output / "warc").is_dir():
        print(f"archiver reparse: {output}/warc does not exist: name an output root of a crawl")
        return 2
    report = reparse(output, destination)
    print(f"{report.records} records written to {report.jsonl}")
    print(f"{report.duplicates} later captures of archived articles skipped")
    for url, reason in report.layout_errors:
        print(f"no record (layout not recognised): {url}: {reason}")
    return 1 if report.layout_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
