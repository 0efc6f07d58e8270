"""``python -m bench.requisites [--articles N]``: what page requisites cost, in one short run.

Side by side over one replica (served by nginx when installed, else the replica's server):
the archival crawl with requisites (the default) and without (``ARCHIVE_REQUISITES_ENABLED
=False``), the bare spider with and without the same requisites, and ``wget --mirror
--page-requisites --warc-file``. For each: seconds, requests and WARC bytes per article.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from archiver.demo import crawl_command, scrapy_env
from bench import runs
from bench.__main__ import _pick_server, _served

_REQUESTS = re.compile(r"'downloader/request_count': (\d+)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.requisites", description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="archiver-bench-req-") as tmp:
        work = Path(tmp)
        with _served(args.articles, work, _pick_server(install=False)) as served:
            rows = _contenders(served.base_url, work)
    for row in rows:
        print(json.dumps(row))
    print(_markdown(rows, args.articles))
    return 0


def _contenders(base_url: str, work: Path) -> list[dict[str, Any]]:
    rows = [
        _full(base_url, work / "full-req", "full, requisites"),
        _full(base_url, work / "full-html", "full, HTML only", ARCHIVE_REQUISITES_ENABLED="False"),
        _bare(base_url, work / "bare-req", "bare, requisites", "1"),
        _bare(base_url, work / "bare-html", "bare, HTML only", "0"),
    ]
    if wget := shutil.which("wget"):
        rows.append(_wget(wget, base_url, work / "wget"))
    return rows


def _full(base_url: str, output: Path, name: str, **settings: str) -> dict[str, Any]:
    output.mkdir(parents=True)
    log = output.parent / f"{output.name}.log"
    cwd = Path(__file__).resolve().parent.parent
    command = crawl_command(base_url, output, **settings)
    result = runs.timed(command, env=scrapy_env(), cwd=cwd, log=log)
    warc = sum(p.stat().st_size for p in (output / "warc").glob("*.warc.gz"))
    return _row(name, result, runs.stat(log, _REQUESTS), runs.jsonl_records(output), warc)


def _bare(base_url: str, work: Path, name: str, requisites: str) -> dict[str, Any]:
    work.mkdir(parents=True)
    command = [sys.executable, "-m", "scrapy", "runspider", str(runs.BARE_SPIDER)]
    command += ["-a", f"base_url={base_url}", "-a", f"requisites={requisites}"]
    framework = {k: v for k, v in runs.MIRROR_SETTINGS.items() if not k.startswith("ARCHIVE_")}
    for key, value in {**framework, "ROBOTSTXT_OBEY": "True", "LOG_LEVEL": "INFO"}.items():
        command += ["-s", f"{key}={value}"]
    env = {k: v for k, v in scrapy_env().items() if k != "SCRAPY_SETTINGS_MODULE"}
    log = work / "bare.log"
    result = runs.timed(command, env=env, cwd=work, log=log)
    return _row(name, result, runs.stat(log, _REQUESTS), runs.stat(log, runs._BARE_ARTICLES), 0)


def _wget(wget: str, base_url: str, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True)
    command = [wget, *runs.WGET_OPTIONS, "--page-requisites", "--no-warc-keep-log"]
    command += ["-P", str(work / "files"), f"--warc-file={work / 'wget'}", base_url + "/"]
    result = runs.timed(command, env=scrapy_env(), cwd=work, log=work / "wget.log")
    warcs = sorted(work.glob("*.warc.gz"))
    responses, articles = runs.warc_responses(warcs)
    warc = sum(p.stat().st_size for p in warcs)
    return _row("wget --page-requisites", result, responses, articles, warc)


def _row(name: str, result: runs.Timed, requests: int, articles: int, warc: int) -> dict[str, Any]:
    per = max(articles, 1)
    return {
        "contender": name,
        "seconds": round(result.seconds, 1),
        "returncode": result.returncode,
        "requests": requests,
        "articles": articles,
        "requests_per_article": round(requests / per, 2),
        "warc_bytes_per_article": round(warc / per) if warc else None,
        "peak_rss_mb": round(result.max_rss_mb, 1),
    }


def _markdown(rows: list[dict[str, Any]], articles: int) -> str:
    lines = [
        f"replica: {articles} articles",
        "| contender | s | requests | articles | requests/article | WARC bytes/article |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        warc = r["warc_bytes_per_article"] or "-"
        lines.append(
            f"| {r['contender']} | {r['seconds']} | {r['requests']} | {r['articles']} | "
            f"{r['requests_per_article']} | {warc} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
