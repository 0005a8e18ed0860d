"""The README's first command: the demo starts, prints a working key, and is connected to the sandboxes."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.e2e.test_lottery_instances import free_port, wait_until_healthy


async def test_the_demo_serves_a_seeded_tenant_connected_to_the_lottery_sandbox(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'demo.sqlite3'}", "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # noqa: ASYNC220
    try:
        key = await asyncio.wait_for(asyncio.to_thread(_read_key, process), timeout=60)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            await wait_until_healthy(http)  # the key is printed during start-up, before the port listens
            assert (await http.get("/graphql")).status_code == 200  # GraphiQL
            ticket = {"barCode": "DEMO-TEST-1", "outcome": "WIN", "prizeAmountFen": 2000}
            assert (await http.post("/sandboxes/instant-lottery/_control/tickets", json=ticket)).status_code < 300
            query = """mutation { redeemLotteryTicket(input: {barCode: "DEMO-TEST-1", memberId: "alice",
                userRealIp: "10.1.1.1", idempotencyKey: "demo-test"}) { reward { status amount { amount } } } }"""
            response = await http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"})
            assert response.json()["data"]["redeemLotteryTicket"]["reward"] == {"status": "ISSUED",
                                                                                 "amount": {"amount": "2000"}}
            campaigns = await http.post("/graphql", json={"query": "{ campaigns { totalCount } }"},
                                        headers={"Authorization": f"Bearer {key}"})
            assert campaigns.json()["data"]["campaigns"]["totalCount"] == 1
    finally:
        process.terminate()
        process.wait(timeout=10)


def _read_key(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"(rl_key_[A-Za-z0-9_\-]+)", line)
        if found:
            return found.group(1)
    raise AssertionError("the demo printed no API key")
