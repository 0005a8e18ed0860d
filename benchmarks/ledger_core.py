"""The ledger core without HTTP: posted transfers per second through the service, against a raw driver
transaction that takes the same locks and writes the same rows.

    python -m benchmarks.ledger_core setup DATABASE_URL        # once: the accounts; prints their tenants
    python -m benchmarks.ledger_core SPEC.json                 # one measured run; prints one line of JSON

SPEC: {"database_url", "variant": "service" | "raw" | "raw numbered in the write", "tenants": [ids],
"accounts_per_tenant": N (the first N of each tenant's bench accounts), "seconds", "max_operations",
"concurrency"}. Each operation picks a tenant and two of its accounts at random and moves 1 fen between them,
emitting one event, as a service's write does.

Raw numbers the event as the service does: on PostgreSQL after commit, in one short transaction for every
write of the tenant that committed meanwhile, which the write waits for; on SQLite in the write. "Raw numbered
in the write" (PostgreSQL) is the service's design before that: the counter's bump in the write, its row
locked to commit, so one tenant's writes commit one at a time.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from ledger.domain.statuses import AccountKind, TransferState
from ledger.persistence.config import is_sqlite
from ledger.persistence.database import open_database
from ledger.persistence.models import Account, Tenant
from ledger.persistence.unit_of_work import UnitOfWork, run_write
from ledger.services.transfers import create_transfer

OWNER_PREFIX = "bench-core-"
HOT_ACCOUNTS = 10
COLD_ACCOUNTS = 10_000
SEQUENCING_TENANTS = 10
ASSET = "CNY"

RAW_NUMBERED_IN_WRITE = "raw numbered in the write"

Transfer = Callable[[int, int, int], Awaitable[None]]  # (tenant, debit account, credit account)


async def setup(database_url: str) -> dict[str, Any]:
    """One tenant with 10,000 accounts (its first 10 are the hot ones) and ten with 1,000 each."""
    async with open_database(database_url):
        big = await Tenant.create(name="bench-core")
        await _accounts(big.id, COLD_ACCOUNTS)
        spread = []
        for i in range(SEQUENCING_TENANTS):
            tenant = await Tenant.create(name=f"bench-core-{i}")
            await _accounts(tenant.id, COLD_ACCOUNTS // SEQUENCING_TENANTS)
            spread.append(tenant.id)
    return {"one_tenant": big.id, "ten_tenants": spread}


async def _accounts(tenant_id: int, count: int) -> None:
    # Unconstrained accounts (clearing accounts may go negative), so random transfers never run dry.
    await Account.bulk_create([
        Account(tenant_id=tenant_id, kind=AccountKind.PROVIDER_CLEARING, asset=ASSET,
                owner_key=f"{OWNER_PREFIX}{i:05d}") for i in range(count)], batch_size=1000)


async def _account_ids(tenant_id: int, limit: int) -> list[int]:
    rows = await Account.filter(tenant_id=tenant_id, owner_key__startswith=OWNER_PREFIX).order_by(
        "owner_key").limit(limit).values_list("id", flat=True)
    return [int(row) for row in cast(list[int], rows)]


def _service_transfer(accounts: dict[int, Account]) -> Transfer:
    async def transfer(tenant_id: int, debit: int, credit: int) -> None:
        async def work(uow: UnitOfWork) -> None:
            await create_transfer(uow, debit=accounts[debit], credit=accounts[credit], amount=1)

        await run_write(tenant_id, work)

    return transfer


_INSERT_TRANSFER = ("INSERT INTO transfers (tenant_id, debit_account_id, credit_account_id, asset, amount, state, "
                    "posted_amount, resolved_at, expires_at, reward_id, reverses_id, created_at) "
                    "VALUES ({0}, {0}, {0}, {0}, {0}, {0}, {0}, {0}, NULL, NULL, NULL, {0}) RETURNING id")
_INSERT_EVENT = ("INSERT INTO events (tenant_id, sequence, type, reward_id, transfer_id, campaign_id, member_id, "
                 "data, created_at) VALUES ({0}, {0}, 'transfer.posted', NULL, {0}, NULL, NULL, {0}, {0})")
_BUMP_SEQUENCE = "UPDATE tenants SET last_event_sequence = last_event_sequence + 1 WHERE id = {0} " \
                 "RETURNING last_event_sequence"


def _numbered(sql: str) -> str:
    """asyncpg's $1, $2, ... in place of each {0}."""
    parts = sql.split("{0}")
    return "".join(part + (f"${i + 1}" if i < len(parts) - 1 else "") for i, part in enumerate(parts))


# After commit, as ledger/persistence/sequences.py numbers: the counter locked first, so the second statement's
# snapshot sees every earlier numbering.
_LOCK_COUNTER = "SELECT last_event_sequence FROM tenants WHERE id = $1 FOR UPDATE"
_NUMBER_WAITING = """
WITH waiting AS (
  SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS ord FROM events WHERE tenant_id = $1 AND sequence IS NULL
), numbered AS (
  UPDATE events SET sequence = $2 + waiting.ord FROM waiting WHERE events.id = waiting.id RETURNING events.id
)
UPDATE tenants SET last_event_sequence = $2 + (SELECT COUNT(*) FROM numbered) WHERE id = $1
"""


@dataclass
class _Numbering:
    """One tenant's numbering runs in this process: a write waits for the first run that begins after it
    committed, so the writes that commit while a run is under way share the next one (as event_sequencer)."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    started: int = 0
    finished: int = 0


def _numbered_after_commit(pool: Any) -> Callable[[int], Awaitable[None]]:
    runs: dict[int, _Numbering] = {}

    async def settle(tenant_id: int) -> None:
        tenant = runs.setdefault(tenant_id, _Numbering())
        ticket = tenant.started
        async with tenant.lock:
            if tenant.finished > ticket:
                return
            tenant.started += 1
            this_run = tenant.started
            async with pool.acquire() as connection, connection.transaction():
                counter = await connection.fetchval(_LOCK_COUNTER, tenant_id)
                await connection.execute(_NUMBER_WAITING, tenant_id, counter)
            tenant.finished = this_run

    return settle


async def _raw_postgres(database_url: str, pool_size: int, numbered_in_write: bool
                        ) -> tuple[Transfer, Callable[[], Awaitable[None]]]:
    import asyncpg

    parts = urlsplit(database_url)
    pool = await asyncpg.create_pool(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                                     password=parts.password, database=parts.path.lstrip("/"),
                                     min_size=1, max_size=pool_size)
    lock = _numbered("SELECT id, asset, debits_must_not_exceed_credits, debits_posted, credits_posted, "
                     "debits_pending, credits_pending FROM accounts WHERE id = ANY({0}) ORDER BY id FOR UPDATE")
    debit_sql = _numbered("UPDATE accounts SET debits_posted = debits_posted + {0} WHERE id = {0}")
    credit_sql = _numbered("UPDATE accounts SET credits_posted = credits_posted + {0} WHERE id = {0}")
    transfer_sql = _numbered(_INSERT_TRANSFER)
    if numbered_in_write:  # the counter's bump and the event in one statement, as the service once appended
        event_sql = ("WITH reserved AS (UPDATE tenants SET last_event_sequence = last_event_sequence + 1 "
                     "WHERE id = $1 RETURNING last_event_sequence) INSERT INTO events (tenant_id, sequence, type, "
                     "reward_id, transfer_id, campaign_id, member_id, data, created_at) SELECT $1, "
                     "reserved.last_event_sequence, 'transfer.posted', NULL, $2, NULL, NULL, $3::jsonb, $4 "
                     "FROM reserved")
    else:
        event_sql = ("INSERT INTO events (tenant_id, sequence, type, reward_id, transfer_id, campaign_id, member_id, "
                     "data, created_at) VALUES ($1, NULL, 'transfer.posted', NULL, $2, NULL, NULL, $3::jsonb, $4)")
    settle = _numbered_after_commit(pool)

    async def transfer(tenant_id: int, debit: int, credit: int) -> None:
        moment = datetime.now(UTC)
        async with pool.acquire() as connection, connection.transaction():
            await connection.fetch(lock, sorted((debit, credit)))
            await connection.execute(debit_sql, 1, debit)
            await connection.execute(credit_sql, 1, credit)
            transfer_id = await connection.fetchval(transfer_sql, tenant_id, debit, credit, ASSET, 1,
                                                    TransferState.POSTED.value, 1, moment, moment)
            await connection.execute(event_sql, tenant_id, transfer_id, json.dumps({"amount": "1", "asset": ASSET}),
                                     moment)
        if not numbered_in_write:
            await settle(tenant_id)

    return transfer, pool.close


async def _raw_sqlite(database_url: str) -> tuple[Transfer, Callable[[], Awaitable[None]]]:
    import aiosqlite

    path = database_url.removeprefix("sqlite://").split("?")[0]
    connection = await aiosqlite.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "journal_size_limit=16384", "foreign_keys=ON", "busy_timeout=10000"):
        await connection.execute(f"PRAGMA {pragma}")  # what Tortoise's SQLite client and our URL set
    writer = asyncio.Lock()  # one writer at a time, as Tortoise's SQLite client does
    lock = "SELECT id, asset, debits_must_not_exceed_credits, debits_posted, credits_posted, debits_pending, " \
           "credits_pending FROM accounts WHERE id IN (?, ?) ORDER BY id"
    transfer_sql, event_sql, bump_sql = (s.replace("{0}", "?") for s in (_INSERT_TRANSFER, _INSERT_EVENT,
                                                                         _BUMP_SEQUENCE))

    async def transfer(tenant_id: int, debit: int, credit: int) -> None:
        moment = datetime.now(UTC).isoformat()
        async with writer:
            await connection.execute("BEGIN")
            try:
                await (await connection.execute(lock, sorted((debit, credit)))).fetchall()
                await connection.execute("UPDATE accounts SET debits_posted = debits_posted + ? WHERE id = ?",
                                         (1, debit))
                await connection.execute("UPDATE accounts SET credits_posted = credits_posted + ? WHERE id = ?",
                                         (1, credit))
                row = await (await connection.execute(transfer_sql, (tenant_id, debit, credit, ASSET, 1,
                                                                     TransferState.POSTED.value, 1, moment,
                                                                     moment))).fetchone()
                sequence = await (await connection.execute(bump_sql, (tenant_id,))).fetchone()
                await connection.execute(event_sql, (tenant_id, sequence[0], row[0],  # type: ignore[index]
                                                     json.dumps({"amount": "1", "asset": ASSET}), moment))
                await connection.execute("COMMIT")
            except BaseException:
                await connection.execute("ROLLBACK")
                raise

    return transfer, connection.close


async def measure(spec: dict[str, Any]) -> dict[str, Any]:
    url = spec["database_url"]
    async with open_database(url):
        from tortoise import connections

        pool_size = int(getattr(connections.get("default"), "pool_maxsize", 5))
        per_tenant = {tenant: await _account_ids(tenant, int(spec["accounts_per_tenant"]))
                      for tenant in spec["tenants"]}
        accounts = {row.id: row for row in await Account.filter(
            id__in=[i for ids in per_tenant.values() for i in ids])}
        if spec["variant"] == "service":
            transfer, close = _service_transfer(accounts), None
        elif is_sqlite(url):
            transfer, close = await _raw_sqlite(url)
        else:
            transfer, close = await _raw_postgres(url, pool_size, spec["variant"] == RAW_NUMBERED_IN_WRITE)
        try:
            return await _drive(spec, per_tenant, transfer)
        finally:
            if close is not None:
                await close()


async def _drive(spec: dict[str, Any], per_tenant: dict[int, list[int]], transfer: Transfer) -> dict[str, Any]:
    deadline = time.perf_counter() + float(spec["seconds"])
    budget = iter(range(int(spec.get("max_operations", 10**9))))
    tenants = list(per_tenant)
    latencies: list[float] = []
    errors: list[str] = []

    async def worker(seed: int) -> None:
        pick = random.Random(seed)
        for _ in budget:
            if time.perf_counter() >= deadline:
                return
            tenant = pick.choice(tenants)
            debit, credit = pick.sample(per_tenant[tenant], 2)
            started = time.perf_counter()
            try:
                await transfer(tenant, debit, credit)
            except Exception as exc:  # counted and shown: a benchmark must not hide a failing write
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(int(spec["concurrency"]))))
    return {"operations": len(latencies), "elapsed_s": time.perf_counter() - started, "errors": len(errors),
            "first_error": errors[0] if errors else None, "latencies_ms": [round(x * 1000, 3) for x in latencies]}


def main() -> None:
    if sys.argv[1] == "setup":
        print(json.dumps(asyncio.run(setup(sys.argv[2]))))
        return
    with open(sys.argv[1], encoding="utf-8") as spec_file:
        spec = json.load(spec_file)
    print(json.dumps(asyncio.run(measure(spec))))


if __name__ == "__main__":
    main()
