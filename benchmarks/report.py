"""bench/RESULTS.md: the machine, the run, and every scenario's medians, spread and ratios.

Everything above the KEEP marker is rewritten by each run; whatever a person wrote below it (the history of
before and after) is kept.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.harness import Measurement, Settings
from benchmarks.processes import ROOT
from benchmarks.stats import ratios

RESULTS = ROOT / "bench" / "RESULTS.md"
RAW = ROOT / "bench" / "last-run.json"
KEEP = "<!-- Everything below this line is kept when `make bench` rewrites the file. -->"


def _command(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    dirty = " (with uncommitted changes)" if _command("git", "status", "--porcelain") else ""
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.1f} GiB; {platform.platform()}",
        f"- Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"PostgreSQL {_command('psql', '--version').split()[-1] if _command('psql', '--version') else '?'}",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; "
        f"commit {_command('git', 'rev-parse', '--short', 'HEAD')}{dirty}",
    ]


def _spread(values: list[float], digits: int = 0) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def table(measurements: list[Measurement]) -> list[str]:
    lines = ["| scenario | db | variant | ops/s median (min–max) | p50 ms | p99 ms | peak RSS MB | ratio (min–max) "
             "| target |", "|---|---|---|---|---|---|---|---|---|"]
    for m in measurements:
        base = m.variants.get(m.baseline)
        for name, variant in m.variants.items():
            ratio, verdict = "", ""
            if base is not None and name != m.baseline:
                values = ratios(variant, base)
                ratio = _spread(values, 2) + "×"
                if m.target is not None:
                    verdict = f"≥ {m.target}× {'met' if statistics.median(values) >= m.target else 'NOT met'}"
            lines.append(f"| {m.scenario} | {m.database} | {name} | "
                         f"{_spread([r.throughput for r in variant.runs], 1)} | {variant.median('p50_ms'):.1f} | "
                         f"{variant.median('p99_ms'):.1f} | {variant.peak_rss_mb:.0f} | {ratio} | {verdict} |")
    return lines


def write(measurements: list[Measurement], settings: Settings, load_before: str, load_after: str,
          extra: list[str]) -> None:
    kept = ""
    if RESULTS.exists() and KEEP in RESULTS.read_text(encoding="utf-8"):
        kept = RESULTS.read_text(encoding="utf-8").split(KEEP, 1)[1]
    lines = [
        "# Benchmark results", "",
        "Written by `make bench` (benchmarks/). Each scenario's variants were measured side by side in the same "
        f"run: {settings.rounds} rounds of {settings.seconds:g} s each (after a {settings.warmup_seconds:g} s "
        "warm-up), interleaved, the order flipped every round. Ratios are per round (variant / baseline) and "
        "their median. Throughput is operations per second; an operation is one request (two for held-then-"
        "settled). Peak RSS is the server's (HTTP scenarios) or the measuring process's (ledger core).", "",
        *machine(),
        f"- load average before / after the run: {load_before} / {load_after} (other engineers share the 2 "
        "cores: expect noise, trust the ratios more than the absolute numbers)", "",
        *table(measurements), "",
        *extra, "",
        *[f"- {m.scenario} ({m.database}): {note}" for m in measurements for note in m.notes], "",
        KEEP,
    ]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + (kept or "\n"), encoding="utf-8")
    RAW.write_text(json.dumps([{**asdict(m), "variants": {k: asdict(v) for k, v in m.variants.items()}}
                               for m in measurements], indent=1), encoding="utf-8")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
