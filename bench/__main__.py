"""``python -m bench [--articles N] [--runs R] [--memory-articles M] [--quick] [--install]``.

See ``bench/__init__.py`` for what is measured; BENCHMARKS.md for the latest figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import parsing, profile, report, runs, server
from replica import build_site
from replica.export import export_site

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quick:
        args.articles, args.runs, args.memory_articles = 300, 1, 1000
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="archiver-bench-") as tmp:
        try:
            results = _bench(args, Path(tmp))
        except BenchFailure as failure:
            print(f"\nBENCH FAILED: {failure}", file=sys.stderr, flush=True)
            return 1
    results["total_seconds"] = round(time.time() - started, 1)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    markdown = report.markdown(results)
    (RESULTS / "latest.md").write_text(markdown)
    print("\n" + markdown, flush=True)
    print(f"Results: {RESULTS / 'latest.json'}, {RESULTS / 'latest.md'}")
    return 0


class BenchFailure(RuntimeError):
    """A contender did not do the whole job: the figures would be meaningless."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--articles", type=int, default=5000, help="replica size (default 5000)")
    parser.add_argument("--runs", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument(
        "--memory-articles", type=int, default=20000, help="memory run size (0: no memory run)"
    )
    parser.add_argument("--quick", action="store_true", help="300 articles, 1 run, 1000 memory")
    parser.add_argument(
        "--install", action="store_true", help="apt-get install nginx if missing (root only)"
    )
    parser.add_argument("--profile", action="store_true", help="py-spy one full crawl at N")
    parser.add_argument("--no-wget", action="store_true", help="skip wget")
    return parser


@contextlib.contextmanager
def _served(
    articles: int, tmp: Path, use_nginx: str | None
) -> Iterator[server.Nginx | server.Fallback]:
    """Build and serve a replica of ``articles`` articles; exported to files for nginx."""
    site = build_site(seed=0, articles=articles)
    port = server.free_port()
    if use_nginx is None:
        with server.Fallback(site, port) as fallback:
            yield fallback
        return
    root = tmp / f"site-{articles}"
    export_site(site, root, f"http://127.0.0.1:{port}")
    with server.Nginx(use_nginx, root, port, tmp / f"nginx-{articles}") as nginx:
        yield nginx


def _pick_server(install: bool) -> str | None:
    binary = server.nginx_binary()
    if binary is None and install and server.install_nginx():
        binary = server.nginx_binary()
    return binary


def _bench(args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    nginx = _pick_server(args.install)
    wget = None if args.no_wget else shutil.which("wget")
    results: dict[str, object] = {
        "args": {k: v for k, v in vars(args).items()},
        "environment": report.environment(wget),
    }
    rounds: list[list[dict[str, object]]] = []
    with _served(args.articles, tmp, nginx) as served:
        results["server"] = served.version()
        print(f"Serving {args.articles} articles with {results['server']} at {served.base_url}")
        contenders = ["bare", "full", *(["wget"] if wget else [])]
        last_full: Path | None = None
        reparse_runs: list[dict[str, float]] = []
        for index in range(args.runs):
            # The crawls of a round run back to back (their ratios are paired: the shared
            # machine's speed drifts by 15-25% over minutes), in a rotating order; the
            # re-parse of the round's full crawl comes after them.
            order = contenders[index % len(contenders) :] + contenders[: index % len(contenders)]
            done: list[dict[str, object]] = []
            for name in order:
                work = tmp / f"round{index}-{name}"
                run = _one(name, served.base_url, work, wget)
                _check(run, args.articles)
                print(f"  round {index + 1} {name}: {run.pages_per_s:.1f} pages/s", flush=True)
                done.append(run.to_dict())
                if name != "full" and work.exists():
                    shutil.rmtree(work, ignore_errors=True)
            work = tmp / f"round{index}-full"
            rate, records, _seconds = parsing.reparse_rate(work, tmp / f"reparse{index}")
            alone, _, _ = parsing.reparse_rate(work, tmp / f"reparse{index}-alone", workers=0)
            reparse_runs.append(
                {"articles_per_s": rate, "records": records, "one_process_articles_per_s": alone}
            )
            print(
                f"  round {index + 1} reparse: {rate:.1f} articles/s ({alone:.1f} in one process)",
                flush=True,
            )
            if last_full is not None:
                shutil.rmtree(last_full, ignore_errors=True)
            last_full = work
            rounds.append(done)
        results["rounds"] = rounds
        results["reparse_runs"] = reparse_runs
        assert last_full is not None
        results["trafilatura"] = _trafilatura(last_full, min(args.runs, 3))
        if args.profile:
            results["profile"] = _profile(served.base_url, tmp)
    results["memory"] = _memory(args, rounds, tmp, nginx)
    results["summary"] = report.summary(results)
    return results


def _one(name: str, base_url: str, work: Path, wget: str | None) -> runs.Run:
    if name == "bare":
        return runs.run_bare(base_url, work)
    if name == "full":
        return runs.run_full(base_url, work)
    assert wget is not None
    return runs.run_wget(wget, base_url, work)


def _check(run: runs.Run, articles: int) -> None:
    """Fail loudly when the full crawl did not archive every article (or crashed)."""
    if run.contender == "full" and (run.returncode != 0 or run.articles != articles):
        raise BenchFailure(
            f"full crawl archived {run.articles} of {articles} articles "
            f"(exit code {run.returncode}); see its log in the bench's temp dir"
        )
    if run.returncode not in (0, 8) or run.articles != articles:  # wget exits 8 on a 404
        raise BenchFailure(
            f"{run.contender} fetched {run.articles} of {articles} articles "
            f"(exit code {run.returncode}, {run.pages} pages)"
        )


def _trafilatura(output: Path, repeats: int) -> dict[str, object]:
    extract = parsing.load_trafilatura()
    if extract is None:
        return {"available": False}
    bodies = parsing.article_bodies(output)
    rates = [parsing.trafilatura_rate(extract, bodies) for _ in range(max(1, repeats))]
    print(f"  trafilatura: {statistics.median(rates):.1f} articles/s", flush=True)
    return {
        "available": True,
        "version": parsing.trafilatura_version(),
        "pages": len(bodies),
        "articles_per_s_runs": rates,
    }


def _memory(
    args: argparse.Namespace, rounds: list[list[dict[str, object]]], tmp: Path, nginx: str | None
) -> dict[str, object]:
    """Peak RSS of the full crawl at N (median of the rounds) and at ``--memory-articles``
    (none at 0)."""
    at_n = [float(str(r["max_rss_mb"])) for rnd in rounds for r in rnd if r["contender"] == "full"]
    if not args.memory_articles:
        return {"articles": args.articles, "max_rss_mb": statistics.median(at_n)}
    with _served(args.memory_articles, tmp, nginx) as served:
        work = tmp / "memory-full"
        run = runs.run_full(served.base_url, work)
        _check(run, args.memory_articles)
        print(f"  memory run ({args.memory_articles}): {run.max_rss_mb:.1f} MB", flush=True)
    return {
        "articles": args.articles,
        "max_rss_mb": statistics.median(at_n),
        "memory_articles": args.memory_articles,
        "memory_max_rss_mb": run.max_rss_mb,
        "memory_run": run.to_dict(),
    }


def _profile(base_url: str, tmp: Path) -> dict[str, object]:
    raw = RESULTS / "profile.txt"
    if not profile.record(base_url, tmp / "profile-full", raw):
        return {"recorded": False}
    return {"recorded": True, "raw": str(raw), **profile.summarize(raw)}


if __name__ == "__main__":
    sys.exit(main())
