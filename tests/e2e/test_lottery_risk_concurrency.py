"""The lottery's daily limits hold under concurrency (issue 11): admission runs in the transaction that records
the redemption, under the member's day lock, and counts the requests still in flight with the outcomes
recorded, so concurrent requests cannot all pass a limit that only the finished ones would reach."""

from __future__ import annotations

import asyncio

from ledger.persistence.models import Reward
from ledger.persistence.risk_models import MemberLotteryDay
from ledger.services.audit import audit
from tests.lottery_support import RISK_RULES, redeem


async def test_fifteen_concurrent_redemptions_with_three_tickets_a_day_reach_the_gateway_three_times(
        gql, connected, sandbox, clean_audit):
    rules = await gql(RISK_RULES, {"input": {"maxTicketsPerDay": 3}}, token=connected.admin)
    assert rules["setLotteryRiskRules"]["userErrors"] == []
    for n in range(15):
        await sandbox.ticket(f"T-DAY-{n:02d}", "WIN", 100)
    results = await asyncio.gather(*(redeem(gql, connected.operator, f"T-DAY-{n:02d}", f"k{n}") for n in range(15)))
    issued = [r for r in results if r["reward"] and r["reward"]["status"] == "ISSUED"]
    refused = [r for r in results if [e["code"] for e in r["userErrors"]] == ["RISK_DAILY_TICKETS_REACHED"]]
    assert (len(issued), len(refused)) == (3, 12)
    assert len((await sandbox.records())["redemptions"]) == 3  # exactly three reached the gateway
    assert await Reward.filter(kind="LOTTERY_TICKET").count() == 3  # a refusal records nothing
    [day] = await MemberLotteryDay.filter(member_id="m1")
    assert day.tickets == 3


async def test_a_request_refused_after_admission_takes_its_admission_back(gql, connected, sandbox):
    """The ticket is in progress elsewhere: the refusal rolls the admission back with the reward, so the
    member's slot is not lost to a request that never went out."""
    await gql(RISK_RULES, {"input": {"maxTicketsPerDay": 1}}, token=connected.admin)
    await sandbox.ticket("T-ONE-1", "WIN", 100)
    await sandbox.faults("timeout")
    first = await redeem(gql, connected.operator, "T-ONE-1", "k1", member="m2")  # UNKNOWN: in flight still
    assert first["reward"]["status"] == "UNKNOWN"
    again = await redeem(gql, connected.operator, "T-ONE-1", "k2", member="m3")
    assert [e["code"] for e in again["userErrors"]] == ["TICKET_IN_PROGRESS"]
    await sandbox.ticket("T-ONE-2", "WIN", 100)
    assert (await redeem(gql, connected.operator, "T-ONE-2", "k3", member="m3"))["reward"]["status"] == "ISSUED"
    await sandbox.ticket("T-ONE-3", "WIN", 100)
    held = await redeem(gql, connected.operator, "T-ONE-3", "k4", member="m2")  # m2's one ticket is in flight
    assert [e["code"] for e in held["userErrors"]] == ["RISK_DAILY_TICKETS_REACHED"]
    assert (await audit(connected.id)).ok
