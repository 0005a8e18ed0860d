"""Two instances of the service, one station: the gateway never sees two calls for it at once."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.lottery_support import Sandbox, connect_tenant, redeem
from tests.support import GraphQLClient, TenantFixture


async def wait_until_healthy(http: httpx.AsyncClient, attempts: int = 400) -> None:
    for _ in range(attempts):
        try:
            if (await http.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError("the service did not start")


async def start_service(args: list[str], env: dict[str, str], log_path: Path, port: int = 0
                        ) -> tuple[subprocess.Popen[bytes], str]:
    """Starts `reward-ledger serve` and reads its port from its log. Port 0 lets the OS choose: choosing a
    free port here and handing it over would race with every other socket this test run opens. The scheduler
    stays off: its jobs would otherwise settle, on their own clock, what the tests are looking at."""
    log_file = log_path.open("w")
    command = [sys.executable, "-m", "api.cli", "serve", "--no-scheduler", "--port", str(port), *args]
    process = subprocess.Popen(command, env={**env, "LOG_LEVEL": "INFO"}, stdout=log_file,  # noqa: ASYNC220
                               stderr=subprocess.STDOUT)
    for _ in range(600):
        found = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", log_path.read_text())  # noqa: ASYNC240
        if found:
            return process, f"http://127.0.0.1:{found.group(1)}"
        if process.poll() is not None:
            break
        await asyncio.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the service did not start: {log_path.read_text()[-2000:]}")  # noqa: ASYNC240


@pytest.fixture
async def second_instance(database_url: str, tmp_path: Path) -> AsyncIterator[GraphQLClient]:
    process, url = await start_service([], {**os.environ, "DATABASE_URL": database_url}, tmp_path / "second.log")
    try:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            await wait_until_healthy(http)
            yield GraphQLClient(http)
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_two_instances_redeeming_through_one_station_never_overlap(
        gql: GraphQLClient, second_instance: GraphQLClient, tenant: TenantFixture, lottery_sandbox_url: str):
    sandbox = Sandbox(lottery_sandbox_url)
    await sandbox.reset()
    await connect_tenant(gql, tenant, sandbox)
    await sandbox.rules(latencySeconds=0.05)  # long enough for an overlap to be seen if one happened
    tickets = [f"T-INST-{i}" for i in range(12)]
    for bar_code in tickets:
        await sandbox.ticket(bar_code, "WIN", 100)

    clients = [gql, second_instance]
    results = await asyncio.gather(*(redeem(clients[i % 2], tenant.operator, bar_code, f"k{i}", member=f"m{i}")
                                     for i, bar_code in enumerate(tickets)))

    assert [r["reward"]["status"] for r in results] == ["ISSUED"] * len(tickets)
    records = await sandbox.records()
    assert records["overlaps"] == 0
    assert len(records["redemptions"]) == len(tickets)
