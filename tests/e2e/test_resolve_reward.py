"""resolveReward (issue 11): an admin pays or voids a NEEDS_ATTENTION reward through linked transfers, once,
saying why; the money comes from the hold, or from the account that would have paid."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.domain import clock
from ledger.domain.clock import now
from ledger.persistence.models import Event, Reward
from ledger.persistence.provider_models import TicketLock
from ledger.services.audit import audit
from ledger.services.reward_sync import sync_due_rewards
from providers.red_packet.settings import DEFAULT_UNLISTED_RELEASE_S
from tests.e2e import test_red_packets as red_packet_e2e
from tests.e2e.test_lottery_redemption import log_in, wallet_fen
from tests.e2e.test_red_packets import budget_available, refresh, send, wallet
from tests.lottery_support import RISK_RULES, redeem
from tests.support import USER_ERRORS, GraphQLClient, TenantFixture

platform = red_packet_e2e.platform
funded = red_packet_e2e.funded

RESOLVE = f"""mutation($input: ResolveRewardInput!) {{ resolveReward(input: $input) {{
  reward {{ id status amount {{ amount }} resolution {{ resolution note amount {{ amount }} resolvedBy }} }}
  transfers {{ id state amount {{ amount }} postedAmount {{ amount }} debitAccount {{ kind }}
               creditAccount {{ kind memberId }} }}
  {USER_ERRORS} }} }}"""


async def resolve(gql: GraphQLClient, token: str, reward_id: str, resolution: str, key: str,
                  note: str = "checked the provider's record", **extra: Any) -> dict[str, Any]:
    data = await gql(RESOLVE, {"input": {"rewardId": reward_id, "resolution": resolution, "note": note,
                                         "idempotencyKey": key, **extra}}, token=token)
    return dict(data["resolveReward"])


def codes(result: dict[str, Any]) -> list[str]:
    return [error["code"] for error in result["userErrors"]]


async def test_a_ticket_prize_above_the_cap_is_paid_once_from_the_station_by_an_admin(gql, connected, sandbox):
    await gql(RISK_RULES, {"input": {"maxTicketPrize": "1000"}}, token=connected.admin)
    await sandbox.ticket("T-BIG-1", "WIN", 5_000)
    reward = (await redeem(gql, connected.operator, "T-BIG-1", "k1"))["reward"]
    assert reward["status"] == "NEEDS_ATTENTION" and reward["transfers"] == []
    forbidden = await gql.raw(RESOLVE, {"input": {"rewardId": reward["id"], "resolution": "PAY", "note": "n",
                                                  "idempotencyKey": "r0"}}, token=connected.operator)
    assert forbidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    paid = await resolve(gql, connected.admin, reward["id"], "PAY", "r1", note="the station paid out ¥50 in cash")
    assert paid["userErrors"] == [] and paid["reward"]["status"] == "ISSUED"
    [transfer] = paid["transfers"]
    assert (transfer["state"], transfer["amount"]["amount"], transfer["debitAccount"]["kind"],
            transfer["creditAccount"]["memberId"]) == ("POSTED", "5000", "STATION_CASH", "m1")
    record = paid["reward"]["resolution"]
    assert (record["resolution"], record["note"], record["amount"]["amount"]) == \
        ("PAY", "the station paid out ¥50 in cash", "5000")
    assert record["resolvedBy"]
    again = await resolve(gql, connected.admin, reward["id"], "PAY", "r1", note="the station paid out ¥50 in cash")
    assert again["transfers"][0]["id"] == transfer["id"]  # the same key replays
    second = await resolve(gql, connected.admin, reward["id"], "VOID", "r2")
    assert codes(second) == ["INVALID_STATE"]
    assert await wallet_fen("m1") == 5_000  # paid once
    [event] = await Event.filter(type="reward.resolved")
    assert event.data["resolution"] == "PAY" and event.data["note"] == "the station paid out ¥50 in cash"
    assert event.data["apiKeyId"] is not None
    replayed = await redeem(gql, connected.operator, "T-BIG-1", "k2")
    assert [e["code"] for e in replayed["userErrors"]] == ["TICKET_ALREADY_REDEEMED"]  # PAY: it stays redeemed
    assert (await audit(connected.id)).ok


async def test_voiding_a_ticket_the_gateway_never_redeemed_frees_it(gql, connected, sandbox):
    await sandbox.ticket("T-LOST-1", "WIN", 700)
    await log_in(gql, connected)
    await sandbox.faults("http500")
    reward = (await redeem(gql, connected.operator, "T-LOST-1", "k1"))["reward"]
    assert reward["status"] == "UNKNOWN"
    await Reward.filter(id__gt=0).update(sync_attempts=7, next_sync_at=now())
    await sandbox.faults("http500")  # the last try learns nothing either: a person is asked
    await sync_due_rewards(batch_size=10, tenant_id=connected.id, first_delay_s=0)
    row = await Reward.get(kind="LOTTERY_TICKET")
    assert row.status == "NEEDS_ATTENTION" and "after 8 tries" in (row.attention_reason or "")
    unknown_amount = await resolve(gql, connected.admin, reward["id"], "PAY", "r0")
    assert codes(unknown_amount) == ["INVALID_INPUT"]  # no prize was ever read: no PAY on a guess
    voided = await resolve(gql, connected.admin, reward["id"], "VOID", "r1", note="no redemption on the gateway")
    assert voided["reward"]["status"] == "VOIDED" and voided["transfers"] == []
    assert await TicketLock.filter(reward_id=row.id).count() == 0
    again = await redeem(gql, connected.operator, "T-LOST-1", "k2")
    assert again["reward"]["status"] == "ISSUED" and await wallet_fen("m1") == 700
    assert (await audit(connected.id)).ok


async def test_a_claimed_random_packet_is_paid_the_amount_a_person_read_never_more_than_held(
        gql, tenant, funded, platform):
    [reward] = (await send(gql, tenant, ["1002"], "k1", activity=8))["rewards"]
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    await platform.post("/_control/claim", {"uid": "1002"})
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "NEEDS_ATTENTION"
    [packet] = await platform.packets()
    drawn = int(packet["amountFen"])
    assert codes(await resolve(gql, tenant.admin, reward["id"], "PAY", "r0")) == ["INVALID_INPUT"]
    assert codes(await resolve(gql, tenant.admin, reward["id"], "PAY", "r1", amount="501")) == ["INVALID_AMOUNT"]
    assert codes(await resolve(gql, tenant.admin, reward["id"], "VOID", "r2", amount="1")) == ["INVALID_INPUT"]
    paid = await resolve(gql, tenant.admin, reward["id"], "PAY", "r3", amount=str(drawn),
                         note=f"WeChat Pay bill: {drawn} fen")
    assert paid["userErrors"] == [] and paid["reward"]["status"] == "CLAIMED"
    assert paid["reward"]["amount"]["amount"] == str(drawn)
    [hold] = paid["transfers"]
    assert (hold["state"], hold["postedAmount"]["amount"]) == ("POSTED", str(drawn))
    assert await wallet("1002") == drawn and await budget_available() == 10_000 - drawn  # the rest released
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "CLAIMED"  # final: nothing moves
    assert await wallet("1002") == drawn
    assert (await audit(tenant.id)).ok


async def test_voiding_a_lost_send_a_person_found_was_never_made_frees_the_budget(gql, tenant, funded, platform):
    await platform.post("/_control/faults", {"mode": "http500", "count": 1})
    [reward] = (await send(gql, tenant, ["1006"], "k1"))["rewards"]
    clock.advance(DEFAULT_UNLISTED_RELEASE_S + 1)
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "NEEDS_ATTENTION"
    assert await budget_available() == 9_900
    voided = await resolve(gql, tenant.admin, reward["id"], "VOID", "r1", note="no such packet on the WeChat bill")
    assert voided["reward"]["status"] == "VOIDED" and [t["state"] for t in voided["transfers"]] == ["VOIDED"]
    assert await budget_available() == 10_000 and await wallet("1006") == 0
    assert (await audit(tenant.id)).ok


@pytest.mark.parametrize("note", ["", "   ", "x" * 501])
async def test_a_resolution_says_why_and_only_of_a_reward_that_needs_a_person(gql, tenant: TenantFixture, note):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 1_000)
    granted = (await gql.grant(tenant.operator, campaign, "m-1", 100, "g1", hold=True))["reward"]
    assert codes(await resolve(gql, tenant.admin, granted["id"], "PAY", "r1", note=note)) == ["INVALID_INPUT"]
    assert codes(await resolve(gql, tenant.admin, granted["id"], "PAY", "r2")) == ["INVALID_STATE"]  # PENDING
