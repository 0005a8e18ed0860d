"""Throughput and latency of grantReward over real HTTP, and of a dashboard read.

    make bench                                   # SQLite in a temp dir
    DATABASE_URL=postgres://... make bench       # PostgreSQL (the database is migrated and written to)
    BENCH_GRANTS=2000 BENCH_CONCURRENCY=32 make bench

Prints one line per scenario: requests, concurrency, requests/s, p50/p95/p99 latency in ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from api.ids import encode_id
from api.settings import Settings
from ledger.domain.access import Role
from ledger.persistence.database import migrate, open_database
from ledger.services import access, campaigns

GRANTS = int(os.environ.get("BENCH_GRANTS", "1000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
GRANT = """mutation($input: GrantRewardInput!) { grantReward(input: $input) {
  reward { id status } userErrors { code } } }"""
LIST = "{ rewards(first: 50) { totalCount nodes { id status amount { amount } campaign { name } } } }"


def report(name: str, latencies: list[float], elapsed: float) -> None:
    q = statistics.quantiles(latencies, n=100)
    print(f"{name:<28} n={len(latencies):<6} c={CONCURRENCY:<4} {len(latencies) / elapsed:8.1f} req/s  "
          f"p50={q[49] * 1000:6.1f}ms p95={q[94] * 1000:6.1f}ms p99={q[98] * 1000:6.1f}ms")


async def drive(client: httpx.AsyncClient, key: str, bodies: list[dict]) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def worker() -> None:
        while not queue.empty():
            body = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {key}"})
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200 and not response.json().get("errors"), response.text

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, time.perf_counter() - started


async def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite://{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    await migrate(url)
    async with open_database(url):
        tenant = await access.create_tenant("bench")
        _, key = await access.create_api_key(tenant.id, Role.ADMIN)
        campaign = await campaigns.create_campaign(tenant.id, "bench", "CNY", "bench-campaign")
        await campaigns.fund_campaign(tenant.id, campaign.id, GRANTS * 100, "bench-funding")
        campaign_id = encode_id("Campaign", campaign.id)
        server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=url), manage_database=False),
                                               host="127.0.0.1", port=0, log_level="warning"))
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        print(f"database: {url.split('@')[-1]}")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                     limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
            grants = [{"query": GRANT, "variables": {"input": {
                "campaignId": campaign_id, "memberId": f"m{i % 500}", "amount": "100",
                "idempotencyKey": f"bench-{i}"}}} for i in range(GRANTS)]
            report("grantReward (posted)", *await drive(client, key, grants))
            report("rewards list (50 + loaders)", *await drive(client, key, [{"query": LIST}] * (GRANTS // 2)))
        server.should_exit = True
        await task


if __name__ == "__main__":
    asyncio.run(main())
