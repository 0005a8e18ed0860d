"""Two instances of the service, one station: the gateway never sees two calls for it at once."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.lottery_support import Sandbox, connect_tenant, redeem
from tests.support import GraphQLClient, TenantFixture


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_healthy(http: httpx.AsyncClient, attempts: int = 400) -> None:
    for _ in range(attempts):
        try:
            if (await http.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError("the service did not start")


@pytest.fixture
async def second_instance(database_url: str) -> AsyncIterator[GraphQLClient]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    # Started once and then only polled over HTTP, so the blocking Popen call costs nothing here.
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: ASYNC220
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
        try:
            await wait_until_healthy(http)
        except RuntimeError:
            process.kill()
            raise
        yield GraphQLClient(http)
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
