"""`make bench`: every scenario against PostgreSQL and SQLite, side by side with its baseline; writes
bench/RESULTS.md.

    make bench                                  # the whole run (~10 minutes)
    BENCH_SECONDS=2 BENCH_ROUNDS=3 make bench   # a quick one
    BENCH_DATABASES=postgres BENCH_ONLY=read,grant make bench   # scenarios whose name has "read" or "grant"

PostgreSQL: a database `reward_ledger_bench` is created on BENCH_POSTGRES_URL's server (default the local
one, postgres@127.0.0.1:5432) and dropped at the end. SQLite: a file in a temporary folder.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import partial

from benchmarks import report
from benchmarks.databases import postgres_database, sqlite_database
from benchmarks.harness import Measurement, Settings, measure_http, measure_interleaved
from benchmarks.ledger_core import COLD_ACCOUNTS, HOT_ACCOUNTS, RAW_NUMBERED_IN_WRITE, setup
from benchmarks.provider import SCENARIO as PROVIDER_SCENARIO
from benchmarks.provider import measure_provider
from benchmarks.scenarios import HTTP_SCENARIOS
from benchmarks.seed import Seeded, seed
from ledger.persistence.database import migrate, open_database
from ledger.services.audit import audit

DATABASES: dict[str, Callable[[], AbstractContextManager[str]]] = {
    "postgres": postgres_database, "sqlite": sqlite_database}


def _wanted(name: str) -> bool:
    wanted = [part.strip().lower() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]
    return not wanted or any(part in name.lower() for part in wanted)


async def _prepare(url: str) -> tuple[Seeded, dict]:
    await migrate(url)
    async with open_database(url):
        seeded = await seed()
    return seeded, await setup(url)


async def _audit(url: str) -> list[str]:
    async with open_database(url):
        result = await audit()
    return ["clean"] if result.ok else result.problems[:10]


def _core_scenarios(database: str, url: str, tenants: dict) -> Iterator[tuple[Measurement, dict]]:
    def spec(variant: str, tenant_ids: list[int], accounts: int) -> dict:
        return {"database_url": url, "variant": variant, "tenants": tenant_ids, "accounts_per_tenant": accounts,
                "concurrency": 16}

    one, ten = [tenants["one_tenant"]], tenants["ten_tenants"]
    for label, accounts in (("10 hot accounts", HOT_ACCOUNTS), (f"{COLD_ACCOUNTS:,} cold accounts", COLD_ACCOUNTS)):
        yield (Measurement(f"ledger core: {label}", "posted transfers, concurrency 16: the service (run_write + "
                           "create_transfer) / a raw driver transaction with the same locks and rows, its event "
                           "numbered as the service numbers it", database,
                           0.8, baseline="raw"),
               {"service": spec("service", one, accounts), "raw": spec("raw", one, accounts)})
    per_tenant = COLD_ACCOUNTS // len(ten)
    # SQLite numbers in the write either way (one writer at a time): the last variant is PostgreSQL's alone.
    variants = ("service", "raw", RAW_NUMBERED_IN_WRITE) if database == "postgres" else ("service", "raw")
    for variant in variants:
        yield (Measurement(f"event sequencing ({variant}): 1 tenant vs 10",
                           f"{variant} transfers on cold accounts, concurrency 16: all in one tenant / spread over "
                           "ten tenants. On PostgreSQL the service and raw number events after commit, one short "
                           "transaction for every write of the tenant that finished meanwhile "
                           "(ledger/event_sequencer.py); raw numbered in the write is the design before that, "
                           "the tenant's sequence row held by each write to its commit",
                           database, None,
                           baseline="10 tenants"),
               {"1 tenant": spec(variant, one, per_tenant * len(ten)), "10 tenants": spec(variant, ten, per_tenant)})


def main() -> None:
    settings = Settings()
    wanted_databases = [d.strip() for d in os.environ.get("BENCH_DATABASES", "postgres,sqlite").split(",") if d]
    load_before = report.load_average()
    measurements: list[Measurement] = []
    audits: list[str] = []
    for database in wanted_databases:
        with DATABASES[database]() as url:
            print(f"== {database}: seeding", flush=True)
            seeded, tenants = asyncio.run(_prepare(url))
            scenarios = [s for s in HTTP_SCENARIOS if _wanted(s.name)]
            also = [partial(measure_provider, database, seeded=seeded, settings=settings)] \
                if _wanted(PROVIDER_SCENARIO.name) else []
            if scenarios or also:
                measurements += asyncio.run(measure_http(database, url, seeded, settings, scenarios, also))
            for measurement, specs in _core_scenarios(database, url, tenants):
                if _wanted(measurement.scenario):
                    measurements.append(asyncio.run(measure_interleaved(measurement, "benchmarks.ledger_core",
                                                                        specs, settings)))
            audits.append(f"- audit of the {database} database after the run: "
                          f"{'; '.join(asyncio.run(_audit(url)))}")
    report.write(measurements, settings, load_before, report.load_average(), audits)
    print(f"wrote {report.RESULTS.relative_to(report.ROOT)}")


if __name__ == "__main__":
    main()
