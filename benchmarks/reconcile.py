"""Reconciliation's memory stays flat as a provider's day grows (`make bench` runs it; never a test).

    python -m benchmarks.reconcile                       # 10,000 and 100,000 redemptions, on SQLite
    BENCH_RECONCILE_SIZES=10000,50000 python -m benchmarks.reconcile
    BENCH_RECONCILE_DATABASE=postgres python -m benchmarks.reconcile   # on BENCH_POSTGRES_URL's server

Each size runs in a process of its own (so its peak RSS is its own), on a database made for it: N paid
lottery rewards of one Beijing day, and a feed that lists them in pages with their totals, less one in ten
thousand (missing at the provider) plus as many the ledger never made (missing in the ledger). It reports the
run's time, the peak of Python allocations during the run (tracemalloc) and the process's peak RSS before and
after it. A flat line: the 100,000 run's peak allocations about those of the 10,000 run, not ten times.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ledger.domain.clock import now
from ledger.domain.reconciliation import PROVIDER_ZONE
from ledger.domain.statuses import RewardKind, RewardStatus
from ledger.persistence.database import migrate, open_database
from ledger.persistence.models import Reward
from ledger.ports import StatementPage, StatementRecord
from ledger.services.access import create_tenant
from ledger.services.lottery_outcomes import PROVIDER
from ledger.services.reconciliation import reconcile_day

DEFAULT_SIZES = (10_000, 100_000)
PAGE = 500
PRIZE_FEN = 1_000
ODD_ONE_IN = 10_000  # one reward in this many is missing at the provider, and as many records in the ledger


class SyntheticFeed:
    """The gateway's day as its adapter would page it: rows without amounts, each page with its total."""

    def __init__(self, transac_ids: list[str], strangers: int) -> None:
        self.transac_ids = transac_ids
        self.strangers = strangers

    async def day_records(self, day: date) -> AsyncIterator[StatementPage]:
        listed = [t for n, t in enumerate(self.transac_ids) if n % ODD_ONE_IN != ODD_ONE_IN - 1]
        listed += [f"98{n:020d}" for n in range(self.strangers)]
        for start in range(0, len(listed), PAGE):
            chunk = listed[start:start + PAGE]
            yield StatementPage([_record(reference) for reference in chunk], total_amount=PRIZE_FEN * len(chunk))

    async def record_amounts(self, records: Any) -> dict[str, int | None]:
        return {record.reference: PRIZE_FEN for record in records}


def _record(reference: str) -> StatementRecord:
    return StatementRecord(reference=reference, amount=None, asset="CNY", status="REDEEMED",
                           outcome=RewardStatus.ISSUED, member_id=None, time=None, station="21010001",
                           kind=RewardKind.LOTTERY_TICKET, evidence={"transacId": reference})


async def _seed(size: int) -> tuple[int, list[str]]:
    tenant = await create_tenant("bench")
    stamp = now().astimezone(PROVIDER_ZONE).strftime("%Y%m%d%H%M%S")
    transac_ids = [f"RL{stamp}{reward_id:06d}00" for reward_id in range(1, size + 1)]
    for start in range(0, size, 5_000):
        await Reward.bulk_create([
            Reward(id=reward_id, tenant_id=tenant.id, kind=RewardKind.LOTTERY_TICKET, status=RewardStatus.ISSUED,
                   provider=PROVIDER, member_id=f"m{reward_id % 1000}", asset="CNY", amount=PRIZE_FEN,
                   provider_refs={"transacId": transac_ids[reward_id - 1], "transacIds": [transac_ids[reward_id - 1]]},
                   details={"stationId": "21010001"})
            for reward_id in range(start + 1, min(start + 5_000, size) + 1)])
    return tenant.id, transac_ids


async def _measure_one(size: int, database_url: str) -> dict[str, Any]:
    await migrate(database_url)
    async with open_database(database_url):
        tenant_id, transac_ids = await _seed(size)
        feed = SyntheticFeed(transac_ids, strangers=size // ODD_ONE_IN)
        del transac_ids  # the feed holds its copy, as a provider's server would; the run must not need more
        rss_before = _peak_rss_mb()
        tracemalloc.start()
        started = time.perf_counter()
        run = await reconcile_day(tenant_id, PROVIDER, now().astimezone(PROVIDER_ZONE).date(), feed)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {"size": size, "status": run.status.value, "matched": run.matched_count,
            "discrepancies": run.discrepancy_count, "seconds": round(seconds, 1),
            "tracemallocPeakMb": round(peak / 2**20, 1), "rssBeforeMb": rss_before, "rssPeakMb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports KiB


@contextmanager
def _database() -> Iterator[str]:
    if os.environ.get("BENCH_RECONCILE_DATABASE", "sqlite") == "postgres":
        from benchmarks.databases import postgres_database

        with postgres_database() as url:
            yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="reward-ledger-bench-reconcile-"))
    try:
        yield f"sqlite://{folder / 'bench.sqlite3'}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_size(size: int) -> dict[str, Any]:
    finished = subprocess.run([sys.executable, "-m", "benchmarks.reconcile", "--one", str(size)], check=True,
                              capture_output=True, text=True)
    return dict(json.loads(finished.stdout.strip().splitlines()[-1]))


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        with _database() as url:
            print(json.dumps(asyncio.run(_measure_one(int(sys.argv[2]), url))))
        return
    sizes = [int(s) for s in os.environ.get("BENCH_RECONCILE_SIZES", "").split(",") if s.strip()] or DEFAULT_SIZES
    results = [_run_size(size) for size in sizes]
    print(f"{'redemptions':>12} {'status':>10} {'seconds':>8} {'tracemalloc peak MB':>20} {'RSS before MB':>14} "
          f"{'RSS peak MB':>12}")
    for r in results:
        print(f"{r['size']:>12,} {r['status']:>10} {r['seconds']:>8} {r['tracemallocPeakMb']:>20} "
              f"{r['rssBeforeMb']:>14} {r['rssPeakMb']:>12}")
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"a day {last['size'] / first['size']:.0f}x larger: peak allocations x"
              f"{last['tracemallocPeakMb'] / max(first['tracemallocPeakMb'], 0.1):.2f}, RSS growth during the run "
              f"{last['rssPeakMb'] - last['rssBeforeMb']:.1f} MB vs {first['rssPeakMb'] - first['rssBeforeMb']:.1f} MB")


if __name__ == "__main__":
    main()
