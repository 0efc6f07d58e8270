"""Command line: ``python -m replica serve|truth|export``.

serve   run the replica on loopback until SIGTERM/SIGINT; prints the base URL when ready
truth   write the ground truth as JSON Lines with absolute URLs
export  write the site as static files (see replica.export)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from replica.export import export_site
from replica.generator import DEFAULT_ARTICLES, DEFAULT_SEED, build_site
from replica.profile import Profile
from replica.server import ReplicaServer
from replica.site import Site
from replica.truth import absolutize


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command; returns the exit status."""
    args = _parser().parse_args(argv)
    site = build_site(args.seed, args.articles, _profile(args.profile, args.seed))
    if args.command == "serve":
        return _serve(site, args)
    if args.command == "truth":
        return _truth(site, args.base_url, args.out)
    count = export_site(site, Path(args.directory), args.base_url)
    print(f"wrote {count} files to {args.directory}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m replica", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the replica until SIGTERM/SIGINT")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--request-log", type=Path, help="append requests as JSON lines")
    serve.add_argument("--ready-file", type=Path, help="write the base URL here when ready")
    truth = commands.add_parser("truth", help="write ground-truth JSONL")
    truth.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8000")
    truth.add_argument("--out", type=Path, help="output file (default: stdout)")
    export = commands.add_parser("export", help="write the site as static files")
    export.add_argument("directory")
    export.add_argument("--base-url", required=True, help="URL the files will be served at")
    for command in (serve, truth, export):
        command.add_argument("--seed", type=int, default=DEFAULT_SEED)
        command.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
        command.add_argument(
            "--profile", choices=("default", "random", "drifted"), default="default"
        )
    return parser


def _profile(name: str, seed: int) -> Profile:
    """The --profile: "random" draws every knob from the seed (same seed, same profile);
    "drifted": an article layout the parser does not know (the quality monitor fires)."""
    if name == "drifted":
        return Profile(layout="drifted")
    return (
        Profile.random(random.Random(f"replica-profile:{seed}")) if name == "random" else Profile()
    )


def _serve(site: Site, args: argparse.Namespace) -> int:
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        server = ReplicaServer(site, args.host, args.port, args.request_log).start()
    except OSError as error:
        print(
            f"cannot listen on {args.host}:{args.port} ({error}); pass --port 0 for any "
            "free port, or another --port",
            file=sys.stderr,
        )
        return 2
    with server:
        print(server.base_url, flush=True)
        if args.ready_file:
            _write_ready(args.ready_file, server.base_url)
        while not stopping.wait(0.2):
            pass
    return 0


def _write_ready(path: Path, base_url: str) -> None:
    """Written whole then renamed, so a watcher never reads half a URL."""
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(base_url + "\n", encoding="utf-8")
    os.replace(partial, path)


def _truth(site: Site, base_url: str, out: Path | None) -> int:
    lines = (json.dumps(absolutize(r, base_url), ensure_ascii=False) for r in site.truth())
    text = "".join(line + "\n" for line in lines)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
