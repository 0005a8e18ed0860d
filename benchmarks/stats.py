"""Summaries of measured runs: medians over rounds, their spread, and latency percentiles."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Run:
    """One variant measured for one round."""
    throughput: float          # operations per second
    p50_ms: float
    p99_ms: float
    operations: int
    peak_rss_mb: float = 0.0


@dataclass
class Variant:
    runs: list[Run] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(run, name) for run in self.runs)

    def spread(self, name: str) -> tuple[float, float]:
        values = [getattr(run, name) for run in self.runs]
        return min(values), max(values)

    @property
    def peak_rss_mb(self) -> float:
        return max((run.peak_rss_mb for run in self.runs), default=0.0)


def ratios(measured: Variant, baseline: Variant) -> list[float]:
    """Per round, so a round's load on the machine weighs on both sides alike."""
    return [m.throughput / b.throughput for m, b in zip(measured.runs, baseline.runs, strict=True)
            if b.throughput]
