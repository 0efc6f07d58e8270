"""The ``archiver`` console script: crawl (cron-friendly, documented exit codes), demo,
reparse and replica."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archiver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    crawl = commands.add_parser(
        "crawl",
        help="crawl the archive into an output directory (exit codes: see README)",
    )
    crawl.add_argument("--output", type=Path, help="output root (default: ARCHIVE_OUTPUT_DIR)")
    crawl.add_argument("--base-url", default=None, help="a mirror's scheme://host[:port]")
    crawl.add_argument("--full-walk", action="store_true", help="page every listing to its end")
    crawl.add_argument(
        "--recheck",
        action="store_true",
        help="re-check archived pages instead of discovering (bounds: ARCHIVE_RECHECK_*)",
    )
    crawl.add_argument(
        "-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
        help="override a Scrapy or ARCHIVE_* setting (repeatable)",
    )  # fmt: skip

    demo = commands.add_parser("demo", help="serve the bundled replica, crawl it, show the output")
    demo.add_argument("--output", type=Path, default=Path("output"), help="output root")
    demo.add_argument("--seed", type=int, default=0, help="replica seed (0 = the bundled one)")
    demo.add_argument("--port", type=int, default=8765, help="loopback port of the replica")

    reparse = commands.add_parser(
        "reparse", help="re-extract all article records from an output directory's WARCs"
    )
    reparse.add_argument("output", type=Path, help="an output root holding warc/")
    reparse.add_argument("--to", type=Path, required=True, help="directory for the new JSONL")
    reparse.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes that parse (default: one per CPU; 0: all in this process)",
    )

    # Listed for --help only: main() hands `archiver replica ...` to the replica's own parser.
    commands.add_parser("replica", help="the bundled replica: serve, truth, export")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["replica"]:  # its own parser, --help included
        from replica.__main__ import main as replica_main

        return replica_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "crawl":
        return run_crawl(args)
    if args.command == "demo":
        from archiver.demo import run_demo

        return run_demo(args.output, seed=args.seed, port=args.port)
    if args.command == "reparse":
        return run_reparse(args.output, args.to, args.workers)
    raise AssertionError(args.command)


def run_crawl(args: argparse.Namespace) -> int:
    from archiver.run import run_crawl as crawl
    from archiver.urls import DEFAULT_BASE_URL

    return crawl(
        output=args.output,
        base_url=args.base_url or DEFAULT_BASE_URL,
        full_walk=args.full_walk,
        overrides=args.settings,
        recheck=args.recheck,
    )


def run_reparse(output: Path, destination: Path, workers: int | None = None) -> int:
    from archiver.layout import OutputLayout
    from archiver.reparse import reparse

    if not OutputLayout(output).warc.is_dir():
        print(f"archiver reparse: {output}/warc does not exist: name an output root of a crawl")
        return 2
    if workers is not None and workers < 0:
        print(f"archiver reparse: --workers must be 0 or more, not {workers}")
        return 2
    report = reparse(output, destination, workers=workers)
    print(f"{report.records} records written to {report.jsonl}")
    print(f"{report.duplicates} later captures of archived articles skipped")
    for url, reason in report.layout_errors:
        print(f"no record (layout not recognised): {url}: {reason}")
    for url, reason in report.undecodable:
        print(f"no record (body not decodable): {url}: {reason}")
    return 1 if report.layout_errors or report.undecodable else 0


if __name__ == "__main__":
    raise SystemExit(main())
