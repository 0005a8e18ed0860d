"""The risk rules stop a redemption before any call leaves, and replays are never counted twice."""

from __future__ import annotations

from typing import Any

from ledger.domain import clock
from ledger.persistence.models import Reward, Transfer
from tests.lottery_support import RISK_RULES, redeem
from tests.support import GraphQLClient, TenantFixture


async def rules(gql: GraphQLClient, tenant: TenantFixture, **changes: Any) -> None:
    data = await gql(RISK_RULES, {"input": changes}, token=tenant.admin)
    assert data["setLotteryRiskRules"]["userErrors"] == [], data


def codes(result: dict) -> list[str]:
    return [e["code"] for e in result["userErrors"]]


async def test_a_member_without_real_name_is_refused_before_the_gateway_is_called(gql, connected, sandbox):
    await rules(gql, connected, requireRealName=True)
    await sandbox.ticket("T-RN-1", "WIN", 100)
    calls_before = (await sandbox.records())["calls"]
    refused = await redeem(gql, connected.operator, "T-RN-1", "k1")
    assert refused["reward"] is None and codes(refused) == ["RISK_REAL_NAME_REQUIRED"]
    assert (await sandbox.records())["calls"] == calls_before
    assert await Reward.all().count() == 0

    verified = await gql('mutation { setMemberVerification(input: {memberId: "m1", realNameVerified: true}) '
                         '{ userErrors { code } } }', token=connected.operator)
    assert verified["setMemberVerification"]["userErrors"] == []
    assert (await redeem(gql, connected.operator, "T-RN-1", "k1"))["reward"]["status"] == "ISSUED"


async def test_replaying_a_key_is_not_counted_against_the_daily_ticket_limit(gql, connected, sandbox):
    await rules(gql, connected, maxTicketsPerDay=1)
    await sandbox.ticket("T-DAY-1", "WIN", 100)
    await sandbox.ticket("T-DAY-2", "WIN", 100)
    first = await redeem(gql, connected.operator, "T-DAY-1", "k1")
    replay = await redeem(gql, connected.operator, "T-DAY-1", "k1")
    assert replay["reward"]["id"] == first["reward"]["id"] and codes(replay) == []
    assert codes(await redeem(gql, connected.operator, "T-DAY-2", "k2")) == ["RISK_DAILY_TICKETS_REACHED"]


async def test_the_ticket_that_crosses_the_daily_amount_is_paid_and_the_next_is_refused(gql, connected, sandbox):
    await rules(gql, connected, maxAmountPerDay="1000")
    await sandbox.ticket("T-AMT-1", "WIN", 600)
    await sandbox.ticket("T-AMT-2", "WIN", 600)
    await sandbox.ticket("T-AMT-3", "WIN", 100)
    assert (await redeem(gql, connected.operator, "T-AMT-1", "k1"))["reward"]["status"] == "ISSUED"
    assert (await redeem(gql, connected.operator, "T-AMT-2", "k2"))["reward"]["status"] == "ISSUED"
    assert codes(await redeem(gql, connected.operator, "T-AMT-3", "k3")) == ["RISK_DAILY_AMOUNT_REACHED"]


async def test_requests_closer_than_the_interval_are_refused_until_the_clock_moves_on(gql, connected, sandbox):
    await rules(gql, connected, minIntervalSeconds=15)
    await sandbox.ticket("T-INT-1", "WIN", 100)
    await sandbox.ticket("T-INT-2", "WIN", 100)
    assert (await redeem(gql, connected.operator, "T-INT-1", "k1"))["reward"]["status"] == "ISSUED"
    assert codes(await redeem(gql, connected.operator, "T-INT-2", "k2")) == ["RISK_TOO_FREQUENT"]
    clock.advance(16)
    assert (await redeem(gql, connected.operator, "T-INT-2", "k3"))["reward"]["status"] == "ISSUED"


async def test_too_many_failed_attempts_suspend_the_member(gql, connected, sandbox):
    await rules(gql, connected, maxFailuresPerDay=2)
    for i in range(3):
        await sandbox.ticket(f"T-FAIL-{i}", "LOSE", 0)
    assert (await redeem(gql, connected.operator, "T-FAIL-0", "k0"))["reward"]["status"] == "NOT_WON"
    assert (await redeem(gql, connected.operator, "T-FAIL-1", "k1"))["reward"]["status"] == "NOT_WON"
    refused = codes(await redeem(gql, connected.operator, "T-FAIL-2", "k2"))
    assert refused in (["RISK_MEMBER_SUSPENDED"], ["RISK_DAILY_FAILURES_REACHED"])
    other_member = await redeem(gql, connected.operator, "T-FAIL-2", "k3", member="m2")
    assert other_member["reward"]["status"] == "NOT_WON"


async def test_a_prize_above_the_per_ticket_cap_needs_attention_and_pays_nothing_automatically(
        gql, connected, sandbox):
    await rules(gql, connected, maxTicketPrize="1000")
    await sandbox.ticket("T-CAP-1", "WIN", 5_000)
    result = await redeem(gql, connected.operator, "T-CAP-1", "k1")
    assert result["reward"]["status"] == "NEEDS_ATTENTION"
    assert result["reward"]["amount"]["amount"] == "5000"
    assert await Transfer.all().count() == 0


async def test_the_emergency_stop_and_an_ip_block_refuse_with_their_own_codes_and_are_counted(
        gql, connected, sandbox):
    await sandbox.ticket("T-STOP-1", "WIN", 100)
    await rules(gql, connected, enabled=False)
    assert codes(await redeem(gql, connected.operator, "T-STOP-1", "k1")) == ["RISK_SERVICE_STOPPED"]
    await rules(gql, connected, enabled=True)
    blocked = await gql('mutation { setLotteryBlock(input: {kind: IP, value: "10.0.0.8", blocked: true}) '
                        '{ userErrors { code } } }', token=connected.admin)
    assert blocked["setLotteryBlock"]["userErrors"] == []
    assert codes(await redeem(gql, connected.operator, "T-STOP-1", "k2")) == ["RISK_IP_BLOCKED"]
    counts = await gql("{ lotteryRiskRefusals { code count } }", token=connected.viewer)
    assert {c["code"]: c["count"] for c in counts["lotteryRiskRefusals"]} == \
        {"RISK_SERVICE_STOPPED": 1, "RISK_IP_BLOCKED": 1}
