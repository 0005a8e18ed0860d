"""Runs the scenarios: every variant of a scenario is measured in the same run, interleaved round by round
(the order flips every round), so the machine's other load weighs on both sides alike."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.processes import rss_mb, run_watched, secrets_key_env, serving
from benchmarks.scenarios import HTTP_SCENARIOS, Scenario
from benchmarks.seed import Seeded
from benchmarks.stats import Run, Variant, percentile


@dataclass(frozen=True)
class Settings:
    seconds: float = float(os.environ.get("BENCH_SECONDS", "4"))
    # Five: on a shared 2-core machine one round's ratio swings ±15%, and a median of three followed it.
    rounds: int = int(os.environ.get("BENCH_ROUNDS", "5"))
    warmup_seconds: float = float(os.environ.get("BENCH_WARMUP_SECONDS", "1"))
    max_operations: int = int(os.environ.get("BENCH_MAX_OPERATIONS", "200000"))
    core_concurrency: int = 16


@dataclass
class Measurement:
    """A scenario's variants as measured on one database; `baseline` names the variant ratios divide by."""
    scenario: str
    what: str
    database: str
    target: float | None
    variants: dict[str, Variant] = field(default_factory=dict)
    baseline: str = "baseline"
    notes: list[str] = field(default_factory=list)

    def variant(self, name: str) -> Variant:
        return self.variants.setdefault(name, Variant())


def run_from(result: dict[str, Any], peak_rss_mb: float, what: str) -> Run:
    if result["errors"]:
        raise RuntimeError(f"{what}: {result['errors']} failed operations, first: {result['first_error']}")
    latencies = result["latencies_ms"]
    return Run(throughput=result["operations"] / result["elapsed_s"], p50_ms=percentile(latencies, 0.5),
               p99_ms=percentile(latencies, 0.99), operations=result["operations"], peak_rss_mb=peak_rss_mb)


async def run_module(module: str, spec: dict[str, Any], watch_pid: int | None) -> tuple[dict[str, Any], float]:
    """Runs `python -m module SPEC.json`; returns its JSON line and the peak memory of `watch_pid` (by default
    of the module's own process)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec_file:
        json.dump(spec, spec_file)
    try:
        out, peak = await run_watched([sys.executable, "-m", module, spec_file.name], watch_pid)
    finally:
        os.unlink(spec_file.name)
    return json.loads(out.strip().splitlines()[-1]), peak


def check_parity(port: int, scenario: Scenario, seeded: Seeded, number: str | None = None) -> None:
    """GraphQL and the baseline must answer the same bytes; writes are compared on an idempotent replay.
    `number` is what `@@N@@` stands for (a new one by default)."""
    graphql_steps, baseline_steps = scenario.spec(seeded, True), scenario.spec(seeded, False)
    values = {"N": number or f"parity-{uuid.uuid4().hex[:8]}", "M": "0"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        for ours, theirs in zip(graphql_steps, baseline_steps, strict=True):
            answers = []
            for step in (ours, theirs):
                body = step["body"]
                for name, value in values.items():
                    body = body.replace(f"@@{name}@@", value)
                answers.append(client.post(step["path"], content=body, headers={
                    **step["headers"], "content-type": "application/json"}).content)
            if answers[0] != answers[1]:
                raise RuntimeError(f"{scenario.name}: the baseline answers other bytes than GraphQL:\n"
                                   f"graphql:  {answers[0][:600]!r}\nbaseline: {answers[1][:600]!r}")
            for name, path in ours["extract"].items():
                document: Any = json.loads(answers[0])
                for key in path:
                    document = document[key]
                values[name] = str(document)


async def measure_http(database: str, database_url: str, seeded: Seeded, settings: Settings,
                       scenarios: list[Scenario] | None = None,
                       also: Sequence[Callable[[int, int], Awaitable[Measurement]]] = ()) -> list[Measurement]:
    """The HTTP scenarios against one server process; `also` measures more on it, given (port, server pid)."""
    measurements = []
    with serving("benchmarks.bench_app", {"DATABASE_URL": database_url, **secrets_key_env()}) as (port, server):
        for scenario in HTTP_SCENARIOS if scenarios is None else scenarios:
            check_parity(port, scenario, seeded)
            measurement = Measurement(scenario.name, scenario.what, database, scenario.target)
            variants = {"graphql": scenario.spec(seeded, True), "baseline": scenario.spec(seeded, False)}
            for round_number in range(-1, settings.rounds):  # round -1 warms both up and is not kept
                order = list(variants) if round_number % 2 == 0 else list(reversed(variants))
                for name in order:
                    spec = {"port": port, "concurrency": scenario.concurrency, "steps": variants[name],
                            "seconds": settings.warmup_seconds if round_number < 0 else settings.seconds,
                            "max_operations": settings.max_operations, "run_id": f"{uuid.uuid4().hex[:10]}-"}
                    result, peak = await run_module("benchmarks.load", spec, server.pid)
                    run = run_from(result, peak, f"{scenario.name} / {name}")
                    if round_number >= 0:
                        measurement.variant(name).runs.append(run)
                    print(f"  {database:<10} {scenario.name:<45} {name:<9} {run.throughput:8.1f}/s "
                          f"p50 {run.p50_ms:6.1f} ms  p99 {run.p99_ms:6.1f} ms", flush=True)
            measurement.notes.append(f"server peak RSS over the whole run: {rss_mb(server.pid, 'VmHWM'):.0f} MB")
            measurements.append(measurement)
        for measure in also:
            measurements.append(await measure(port, server.pid))
    return measurements


async def measure_interleaved(measurement: Measurement, module: str, specs: dict[str, dict[str, Any]],
                              settings: Settings) -> Measurement:
    """Variants that run in their own process each time (the ledger core): measured like the HTTP ones."""
    for round_number in range(-1, settings.rounds):
        order = list(specs) if round_number % 2 == 0 else list(reversed(specs))
        for name in order:
            spec = {**specs[name], "seconds": settings.warmup_seconds if round_number < 0 else settings.seconds,
                    "max_operations": settings.max_operations}
            result, peak = await run_module(module, spec, None)
            run = run_from(result, peak, f"{measurement.scenario} / {name}")
            if round_number >= 0:
                measurement.variant(name).runs.append(run)
            print(f"  {measurement.database:<10} {measurement.scenario:<45} {name:<12} {run.throughput:8.1f}/s "
                  f"p50 {run.p50_ms:6.1f} ms  p99 {run.p99_ms:6.1f} ms", flush=True)
    return measurement


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
