"""Races over HTTP: the database's locks, not luck, keep the money right. The audit runs after each."""

from __future__ import annotations

import asyncio

import pytest

from ledger.persistence.models import IdempotencyRecord, Reward, Transfer
from tests.support import CAMPAIGN_BALANCE, GraphQLClient, TenantFixture

pytestmark = pytest.mark.usefixtures("clean_audit")


async def test_fifty_concurrent_holds_on_a_budget_for_ten_grant_exactly_ten(gql: GraphQLClient,
                                                                          tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10 * 700)

    results = await asyncio.gather(*(
        gql.grant(tenant.operator, campaign, f"member-{i}", 700, f"hold-{i}", hold=True) for i in range(50)
    ))

    granted = [r for r in results if r["reward"] is not None]
    refused = [r for r in results if r["reward"] is None]
    assert len(granted) == 10
    assert all(r["reward"]["status"] == "PENDING" for r in granted)
    assert len(refused) == 40
    assert {e["code"] for r in refused for e in r["userErrors"]} == {"INSUFFICIENT_FUNDS"}
    balance = (await gql(CAMPAIGN_BALANCE, {"id": campaign}, token=tenant.viewer))["campaign"]["budget"]["balance"]
    assert (balance["posted"]["amount"], balance["pending"]["amount"], balance["available"]["amount"]) == \
        ("7000", "-7000", "0")
    assert await Reward.all().count() == 10
    assert await Transfer.filter(state="PENDING").count() == 10


async def test_the_same_idempotency_key_sent_twenty_times_at_once_makes_one_reward(gql: GraphQLClient,
                                                                                 tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)

    results = await asyncio.gather(*(
        gql.grant(tenant.operator, campaign, "member-1", 300, "one-key") for _ in range(20)
    ))

    assert all(r["userErrors"] == [] for r in results)
    assert len({r["reward"]["id"] for r in results}) == 1
    assert await Reward.all().count() == 1
    assert await IdempotencyRecord.filter(key="one-key").count() == 1
    balance = (await gql(CAMPAIGN_BALANCE, {"id": campaign}, token=tenant.viewer))["campaign"]["budget"]["balance"]
    assert balance["posted"]["amount"] == "9700"


async def test_racing_settlements_of_one_hold_resolve_it_once(gql: GraphQLClient, tenant: TenantFixture):
    from tests.support import SETTLE_REWARD

    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 1_000)
    reward = (await gql.grant(tenant.operator, campaign, "member-1", 1_000, "hold", hold=True))["reward"]

    async def settle(i: int) -> dict:
        action = "POST" if i % 2 else "VOID"
        data = await gql(SETTLE_REWARD, {"input": {"rewardId": reward["id"], "action": action,
                                                   "idempotencyKey": f"settle-{i}"}}, token=tenant.operator)
        return data["settleReward"]

    results = await asyncio.gather(*(settle(i) for i in range(10)))

    winners = [r for r in results if not r["userErrors"]]
    assert len(winners) == 1
    assert {e["code"] for r in results if r["userErrors"] for e in r["userErrors"]} == {"INVALID_STATE"}
    assert await Transfer.filter(state="PENDING").count() == 0


async def test_concurrent_grants_to_one_new_member_share_one_wallet(gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)

    results = await asyncio.gather(*(gql.grant(tenant.operator, campaign, "newcomer", 100, f"g-{i}")
                                     for i in range(10)))

    assert all(r["userErrors"] == [] for r in results)
    query = '{ accounts(filter: {memberId: "newcomer"}) { totalCount nodes { balance { posted { amount } } } } }'
    data = await gql(query, token=tenant.viewer)
    assert data["accounts"]["totalCount"] == 1
    assert data["accounts"]["nodes"][0]["balance"]["posted"]["amount"] == "1000"
