"""The README's first command: the demo starts, prints a working key, and is connected to the sandboxes."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.e2e.demo_support import running_demo


async def test_the_demo_serves_a_seeded_tenant_connected_to_the_lottery_sandbox(tmp_path: Path):
    async with running_demo(tmp_path / "demo.sqlite3", tmp_path) as demo, \
            httpx.AsyncClient(base_url=demo.url, timeout=30) as http:
        assert (await http.get("/graphql")).status_code == 200  # GraphiQL
        ticket = {"barCode": "DEMO-TEST-1", "outcome": "WIN", "prizeAmountFen": 2000}
        assert (await http.post("/sandboxes/instant-lottery/_control/tickets", json=ticket)).status_code < 300
        query = """mutation { redeemLotteryTicket(input: {barCode: "DEMO-TEST-1", memberId: "alice",
            userRealIp: "10.1.1.1", idempotencyKey: "demo-test"}) { reward { status amount { amount } } } }"""
        response = await http.post("/graphql", json={"query": query},
                                   headers={"Authorization": f"Bearer {demo.key}"})
        assert response.json()["data"]["redeemLotteryTicket"]["reward"] == {"status": "ISSUED",
                                                                            "amount": {"amount": "2000"}}
        campaigns = await http.post("/graphql", json={"query": "{ campaigns { nodes { name asset } } }"},
                                    headers={"Authorization": f"Bearer {demo.key}"})
        # One campaign per provider that pays from a budget: cash grants, the coupons' stock, red packets.
        assert {(c["name"], c["asset"]) for c in campaigns.json()["data"]["campaigns"]["nodes"]} == {
            ("Welcome bonus", "CNY"), ("Coupons: 10 off 50", "COUPON:DEMO-10OFF50"), ("Red packets", "CNY")}
