"""The README's first command: the demo starts, prints a working key, and is connected to the sandboxes."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import httpx

from tests.e2e.test_lottery_instances import start_service, wait_until_healthy


async def test_the_demo_serves_a_seeded_tenant_connected_to_the_lottery_sandbox(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'demo.sqlite3'}"}
    # The demo tells its tenant where the mounted sandboxes live, so it needs its port before it starts:
    # try a few random high ports rather than 0.
    for attempt in range(5):
        try:
            process, url = await start_service(["--demo"], env, tmp_path / f"demo-{attempt}.log",
                                               port=random.randint(20000, 60000))
            break
        except RuntimeError:
            continue
    else:
        raise AssertionError("the demo did not start on any port tried")
    log_path = tmp_path / f"demo-{attempt}.log"
    try:
        key = _read_key(log_path)
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
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


def _read_key(log_path: Path) -> str:
    """The key is printed during start-up, before uvicorn reports its port, so it is in the log by now."""
    found = re.search(r"(rl_key_[A-Za-z0-9_\-]+)", log_path.read_text())
    assert found, "the demo printed no API key"
    return found.group(1)
