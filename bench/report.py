"""Machine, versions, medians, ratios against the issue's targets, and the Markdown table."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from importlib.metadata import PackageNotFoundError, version
from typing import Any

TARGETS = {
    "full_over_wget": 1.0,
    "full_over_bare": 0.7,
    "reparse_articles_per_s": 500.0,
    "peak_memory_mb": 250.0,
    "memory_growth": 0.15,
}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kb = int(meminfo.readline().split()[1])
        return round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        return 0.0


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _wget_version(wget: str | None) -> str:
    if wget is None:
        return "not installed"
    result = subprocess.run(
        [wget, "--version"], capture_output=True, text=True, timeout=10, check=False
    )
    return result.stdout.splitlines()[0] if result.stdout else "unknown"


def environment(wget: str | None) -> dict[str, object]:
    """The machine and the versions the figures belong to."""
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gb": _ram_gb(),
        "python": platform.python_version(),
        "scrapy": _pkg("scrapy"),
        "warcio": _pkg("warcio"),
        "lxml": _pkg("lxml"),
        "beautifulsoup4": _pkg("beautifulsoup4"),
        "wget": _wget_version(wget),
    }


def _median(rounds: list[list[dict[str, Any]]], contender: str, key: str) -> float | None:
    values = [float(r[key]) for rnd in rounds for r in rnd if r["contender"] == contender]
    return statistics.median(values) if values else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def summary(results: dict[str, Any]) -> dict[str, Any]:
    """Medians, ratios and each target met or not."""
    rounds = results["rounds"]
    pps = {name: _median(rounds, name, "pages_per_s") for name in ("bare", "full", "wget")}
    reparse = statistics.median(r["articles_per_s"] for r in results["reparse_runs"])
    alone = [r["one_process_articles_per_s"] for r in results["reparse_runs"]]
    reparse_alone = statistics.median(alone) if all(alone) else None
    traf = results["trafilatura"]
    traf_rate = statistics.median(traf["articles_per_s_runs"]) if traf.get("available") else None
    memory = results["memory"]
    at_m = memory.get("memory_max_rss_mb")  # None: the memory run was skipped
    growth = at_m / memory["max_rss_mb"] - 1 if at_m else None
    # The targets are judged on the median of each round's own ratio (the contenders of a
    # round run back to back); the ratio of the medians is kept beside it.
    paired = {
        "full_over_bare": _paired(rounds, "full", "bare"),
        "full_over_wget": _paired(rounds, "full", "wget"),
    }
    ratios = {
        "full_over_bare": _median_of(paired["full_over_bare"]),
        "full_over_wget": _median_of(paired["full_over_wget"]),
        "reparse_over_trafilatura": _ratio(reparse, traf_rate),
    }
    ratios_of_medians = {
        "full_over_bare": _ratio(pps["full"], pps["bare"]),
        "full_over_wget": _ratio(pps["full"], pps["wget"]),
    }
    peak = max(memory["max_rss_mb"], at_m or 0.0)
    met = {
        "full_over_wget": _at_least(ratios["full_over_wget"], TARGETS["full_over_wget"]),
        "full_over_bare": _at_least(ratios["full_over_bare"], TARGETS["full_over_bare"]),
        "reparse_articles_per_s": reparse >= TARGETS["reparse_articles_per_s"],
        "reparse_faster_than_trafilatura": _at_least(ratios["reparse_over_trafilatura"], 1.0),
        "peak_memory": peak < TARGETS["peak_memory_mb"],
        "memory_growth": None if growth is None else growth <= TARGETS["memory_growth"],
    }
    return {
        "pages_per_s": {k: round(v, 1) if v else None for k, v in pps.items()},
        "seconds": {name: _median(rounds, name, "seconds") for name in ("bare", "full", "wget")},
        "pages": {name: _median(rounds, name, "pages") for name in ("bare", "full", "wget")},
        "reparse_articles_per_s": round(reparse, 1),
        "reparse_one_process_articles_per_s": round(reparse_alone, 1) if reparse_alone else None,
        "reparse_workers": os.cpu_count() or 1,
        "trafilatura_articles_per_s": round(traf_rate, 1) if traf_rate else None,
        "ratios": ratios,
        "ratios_by_round": paired,
        "ratios_of_medians": ratios_of_medians,
        "memory_growth": None if growth is None else round(growth, 3),
        "peak_memory_mb": round(peak, 1),
        "targets_met": met,
    }


def _paired(rounds: list[list[dict[str, Any]]], name: str, other: str) -> list[float]:
    """``name``'s pages/s over ``other``'s, round by round (rounds missing either: none)."""
    found = []
    for done in rounds:
        rates = {run["contender"]: run["pages_per_s"] for run in done}
        if rates.get(name) and rates.get(other):
            found.append(round(rates[name] / rates[other], 3))
    return found


def _median_of(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def _at_least(value: float | None, target: float) -> bool | None:
    return None if value is None else value >= target


def _fmt(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "met" if value else "NOT met"
    if isinstance(value, float) and value.is_integer() and value >= 100:
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
    return str(value)


def markdown(results: dict[str, Any]) -> str:
    """The summary as Markdown tables."""
    s, env, mem = results["summary"], results["environment"], results["memory"]
    args = results["args"]
    lines = [
        f"# Bench: {args['articles']} articles, {args['runs']} alternating runs (median)",
        "",
        f"Server: {results['server']}. Machine: {env['nproc']} CPUs, {env['cpu']}, "
        f"{env['ram_gb']} GB RAM. Python {env['python']}, Scrapy {env['scrapy']}, "
        f"warcio {env['warcio']}, lxml {env['lxml']}, {env['wget'].rstrip('.')}.",
        "",
        "| contender | pages | seconds | pages/s |",
        "|---|---:|---:|---:|",
    ]
    for name in ("bare", "full", "wget"):
        lines.append(
            f"| {name} | {_fmt(s['pages'][name])} | {_fmt(s['seconds'][name])} "
            f"| {_fmt(s['pages_per_s'][name])} |"
        )
    lines += [
        "",
        "| measure | value | target | |",
        "|---|---:|---|---|",
        _row(
            "full / bare (median of rounds)",
            s["ratios"]["full_over_bare"],
            "≥ 0.7",
            s,
            "full_over_bare",
        ),
        _row(
            "full / wget (median of rounds)",
            s["ratios"]["full_over_wget"],
            "≥ 1.0",
            s,
            "full_over_wget",
        ),
        _row(
            f"reparse articles/s ({s['reparse_workers']} worker processes)",
            s["reparse_articles_per_s"],
            "≥ 500",
            s,
            "reparse_articles_per_s",
        ),
        _row(
            "reparse articles/s in one process", s["reparse_one_process_articles_per_s"], "", s, ""
        ),
        _row("trafilatura articles/s", s["trafilatura_articles_per_s"], "", s, ""),
        _row(
            "reparse / trafilatura",
            s["ratios"]["reparse_over_trafilatura"],
            "> 1.0",
            s,
            "reparse_faster_than_trafilatura",
        ),
        _row(
            f"peak RSS at {mem['articles']}, crawl + workers (MB)",
            mem["max_rss_mb"],
            "< 250",
            s,
            "peak_memory",
        ),
    ]
    by_round = s.get("ratios_by_round", {})
    of_medians = s.get("ratios_of_medians", {})
    for key, label in (("full_over_bare", "full / bare"), ("full_over_wget", "full / wget")):
        if by_round.get(key):
            rounds = ", ".join(f"{value:.2f}" for value in by_round[key])
            lines.append(
                f"| {label}: each round; ratio of the medians | {rounds}; "
                f"{_fmt(of_medians.get(key))} | | |"
            )
    if mem.get("memory_articles"):  # not with --memory-articles 0
        lines += [
            _row(
                f"peak RSS at {mem['memory_articles']}, crawl + workers (MB)",
                mem["memory_max_rss_mb"],
                "< 250",
                s,
                "peak_memory",
            ),
            _row("memory growth", s["memory_growth"], "≤ 0.15", s, "memory_growth"),
        ]
    lines.append("")
    return "\n".join(lines)


def _row(label: str, value: object, target: str, s: dict[str, Any], key: str) -> str:
    met = _fmt(s["targets_met"][key]) if key else ""
    return f"| {label} | {_fmt(value)} | {target} | {met} |"
