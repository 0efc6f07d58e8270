"""The ``archiver`` console script: crawl (cron-friendly, documented exit codes), demo,
reparse, index, wacz, replay, export, coverage, card and replica."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

# archiver crawl --recheck's bounds as flags: (flag, the setting it sets, what it bounds).
RECHECK_BOUNDS = (
    ("--max-pages", "ARCHIVE_RECHECK_MAX_PAGES", "archived pages asked again at most (0: all)"),
    ("--max-requisites", "ARCHIVE_RECHECK_MAX_REQUISITES", "requisites asked again at most"),
    ("--min-age", "ARCHIVE_RECHECK_MIN_AGE", "only what was checked longer ago (20h, 30d)"),
)


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
        help="re-check archived pages and requisites instead of discovering (ARCHIVE_RECHECK_*)",
    )
    for flag, setting, what in RECHECK_BOUNDS:
        crawl.add_argument(flag, default=None, metavar="N" if "max" in flag else "AGE",
                           help=f"with --recheck: {what} (= -s {setting})")  # fmt: skip
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

    index = commands.add_parser(
        "index", help="(re)build the CDXJ indexes of an output directory's closed WARC files"
    )
    index.add_argument("output", type=Path, help="an output root holding warc/")

    wacz = commands.add_parser("wacz", help="package an output directory as WACZ 1.1.1")
    wacz.add_argument("output", type=Path, help="an output root holding warc/")
    wacz.add_argument(
        "-o", dest="target", type=Path, default=None, metavar="FILE.wacz",
        help="the package (default: OUTPUT/packages/archive.wacz)",
    )  # fmt: skip
    wacz.add_argument(
        "--max-size", type=int, default=None, metavar="BYTES",
        help="split into packages of at most this many bytes of WARC (FILE-001.wacz, ...)",
    )  # fmt: skip

    replay = commands.add_parser("replay", help="serve an output directory in pywb on 127.0.0.1")
    replay.add_argument("output", type=Path, help="an output root holding warc/")
    replay.add_argument("--port", type=int, default=8080, help="loopback port (default 8080)")
    replay.add_argument(
        "--pywb-venv", type=Path, default=None, metavar="DIR",
        help="a venv with pywb (default: $ARCHIVER_PYWB_VENV, else .venv-pywb of the project)",
    )  # fmt: skip
    export = commands.add_parser(
        "export", help="the dataset as Parquet (partitioned by year) or CSV (exit codes: README)"
    )
    export.add_argument("output", type=Path, help="an output root holding jsonl/")
    export.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    export.add_argument("--to", type=Path, help="export directory (default: OUTPUT/exports/FORMAT)")
    export.add_argument(
        "--all-versions", action="store_true", help="every capture's record, not the newest"
    )

    coverage = commands.add_parser(
        "coverage", help="articles seen, archived and failed per month and section, with a plot"
    )
    coverage.add_argument("output", type=Path, help="an output root of a crawl")

    card = commands.add_parser("card", help="write the dataset card OUTPUT/DATASET.md")
    card.add_argument("output", type=Path, help="an output root of a crawl")

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
    if args.command == "index":
        return run_index(args.output)
    if args.command == "wacz":
        return run_wacz(args.output, args.target, args.max_size)
    if args.command == "replay":
        from archiver.replay import serve

        return serve(args.output, port=args.port, venv=args.pywb_venv)
    if args.command == "export":
        from archiver.export.command import run_export

        return run_export(args.output, args.format, args.to, args.all_versions)
    if args.command == "coverage":
        from archiver.coverage.report import run_coverage

        return run_coverage(args.output)
    if args.command == "card":
        from archiver.card import run_card

        return run_card(args.output)
    raise AssertionError(args.command)


def run_crawl(args: argparse.Namespace) -> int:
    from archiver.run import run_crawl as crawl
    from archiver.urls import DEFAULT_BASE_URL

    bounds = [
        (flag, f"{setting}={value}")
        for flag, setting, _ in RECHECK_BOUNDS
        if (value := getattr(args, flag.removeprefix("--").replace("-", "_"))) is not None
    ]
    if bounds and not args.recheck:
        flags = ", ".join(flag for flag, _ in bounds)
        print(f"archiver crawl: {flags} bound(s) a re-check: add --recheck (exit code 2)",
              file=sys.stderr)  # fmt: skip
        return 2
    return crawl(
        output=args.output,
        base_url=args.base_url or DEFAULT_BASE_URL,
        full_walk=args.full_walk,
        overrides=[*args.settings, *(override for _, override in bounds)],
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
    print(f"{report.versions} of them later versions of changed articles (version 2, 3, ...)")
    print(f"{report.duplicates} later captures of an article's current payload skipped")
    for url, reason in report.layout_errors:
        print(f"no record (layout not recognised): {url}: {reason}")
    for url, reason in report.undecodable:
        print(f"no record (body not decodable): {url}: {reason}")
    return 1 if report.layout_errors or report.undecodable else 0


def run_index(output: Path) -> int:
    from archiver.indexes import ensure_indexes
    from archiver.layout import OutputLayout

    layout = OutputLayout(output)
    report = ensure_indexes(layout, rebuild=True)
    if report.merged is None:
        print(f"archiver index: {layout.warc} holds no closed WARC file (*.warc.gz)")
        return 2
    print(f"{len(report.built)} WARC files indexed in {layout.indexes}/; merged: {report.merged}")
    for path in report.open_files:
        print(f"not indexed (still .open: a running crawl's, or repaired by the next): {path}")
    return 0


def run_wacz(output: Path, target: Path | None, max_size: int | None) -> int:
    from archiver.wacz import NoWarcs, write_wacz

    if max_size is not None and max_size <= 0:
        print(f"archiver wacz: --max-size must be a positive number of bytes, not {max_size}")
        return 2
    try:
        report = write_wacz(output, target, max_size=max_size)
    except NoWarcs as exc:
        print(f"archiver wacz: {exc}")
        return 2
    for path in report.packages:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    print(f"{report.warcs} WARC files, {report.pages} pages, {report.extra_pages} extra pages")
    if report.collection is not None:
        print(f"wrote {report.collection}: open it in ReplayWeb.page to replay them as one")
    for name, required in report.requires.items():
        print(f"{name} requires {', '.join(required)} (its revisits' originals): load them too")
    if report.missing_originals:
        print(
            f"{len(report.missing_originals)} revisit records whose original is in no package "
            f"(first: {report.missing_originals[0]}): they will not replay"
        )
    for path in report.left_out:
        print(f"left out (still .open, held by a running crawl or damaged): {path}")
    return 1 if report.left_out or report.missing_originals else 0


if __name__ == "__main__":
    raise SystemExit(main())
