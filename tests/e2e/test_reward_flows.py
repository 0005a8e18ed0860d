"""The happy paths a dashboard and an operator drive, over HTTP."""

from __future__ import annotations

from tests.support import (
    CAMPAIGN_BALANCE,
    REVERSE_TRANSFER,
    SETTLE_REWARD,
    WALLETS,
    GraphQLClient,
    TenantFixture,
)


async def balances(gql: GraphQLClient, token: str, campaign_id: str) -> dict:
    data = await gql(CAMPAIGN_BALANCE, {"id": campaign_id}, token=token)
    return {k: v["amount"] for k, v in data["campaign"]["budget"]["balance"].items()}


async def wallet(gql: GraphQLClient, token: str, member: str) -> dict:
    data = await gql(WALLETS, {"member": member}, token=token)
    [account] = data["accounts"]["nodes"]
    return {k: v["amount"] for k, v in account["balance"].items()}


async def test_funding_a_campaign_moves_value_from_the_tenant_funding_account(gql, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    funded = await gql.fund(tenant.admin, campaign, 50_000)
    assert funded["transfer"]["state"] == "POSTED"
    assert funded["campaign"]["budget"]["balance"]["posted"] == {"amount": "50000", "asset": "CNY",
                                                                  "formatted": "¥500.00"}
    data = await gql("{ accounts(filter: {kind: FUNDING}) { nodes { balance { posted { amount } } } } }",
                     token=tenant.viewer)
    assert data["accounts"]["nodes"][0]["balance"]["posted"]["amount"] == "-50000"


async def test_a_posted_grant_is_issued_and_lands_in_the_member_wallet(gql, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    granted = await gql.grant(tenant.operator, campaign, "m-1", 2_500, "g-1")
    assert granted["userErrors"] == []
    reward = granted["reward"]
    assert (reward["kind"], reward["status"], reward["provider"]) == ("GRANT", "ISSUED", None)
    assert reward["amount"]["amount"] == "2500" and reward["campaign"]["id"] == campaign
    assert [t["state"] for t in reward["transfers"]] == ["POSTED"]
    assert await wallet(gql, tenant.viewer, "m-1") == {"posted": "2500", "pending": "0", "available": "2500"}
    assert await balances(gql, tenant.viewer, campaign) == {"posted": "7500", "pending": "0", "available": "7500"}


async def test_a_hold_reserves_the_budget_until_a_partial_post_releases_the_rest(gql, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    held = (await gql.grant(tenant.operator, campaign, "m-1", 4_000, "g-1", hold=True))["reward"]
    assert held["status"] == "PENDING"
    assert await balances(gql, tenant.viewer, campaign) == {"posted": "10000", "pending": "-4000",
                                                            "available": "6000"}
    settled = await gql(SETTLE_REWARD, {"input": {"rewardId": held["id"], "action": "POST", "amount": "3000",
                                                  "idempotencyKey": "s-1"}}, token=tenant.operator)
    reward = settled["settleReward"]["reward"]
    assert reward["status"] == "ISSUED"
    assert reward["transfers"][0]["state"] == "POSTED"
    assert reward["transfers"][0]["postedAmount"]["amount"] == "3000"
    assert await balances(gql, tenant.viewer, campaign) == {"posted": "7000", "pending": "0", "available": "7000"}
    assert await wallet(gql, tenant.viewer, "m-1") == {"posted": "3000", "pending": "0", "available": "3000"}


async def test_voiding_a_hold_returns_everything_to_the_budget(gql, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    held = (await gql.grant(tenant.operator, campaign, "m-1", 4_000, "g-1", hold=True))["reward"]
    settled = await gql(SETTLE_REWARD, {"input": {"rewardId": held["id"], "action": "VOID",
                                                  "idempotencyKey": "s-1"}}, token=tenant.operator)
    assert settled["settleReward"]["reward"]["status"] == "VOIDED"
    assert await balances(gql, tenant.viewer, campaign) == {"posted": "10000", "pending": "0",
                                                            "available": "10000"}
    again = await gql(SETTLE_REWARD, {"input": {"rewardId": held["id"], "action": "POST",
                                                "idempotencyKey": "s-2"}}, token=tenant.operator)
    assert [e["code"] for e in again["settleReward"]["userErrors"]] == ["INVALID_STATE"]


async def test_reversing_a_grant_is_a_new_linked_transfer_and_happens_once(gql, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    reward = (await gql.grant(tenant.operator, campaign, "m-1", 1_000, "g-1"))["reward"]
    original = reward["transfers"][0]["id"]
    reversed_ = (await gql(REVERSE_TRANSFER, {"input": {"transferId": original, "idempotencyKey": "r-1"}},
                           token=tenant.operator))["reverseTransfer"]
    assert reversed_["userErrors"] == []
    assert reversed_["transfer"]["reverses"]["id"] == original
    assert reversed_["transfer"]["debitAccount"]["kind"] == "MEMBER_WALLET"
    assert reversed_["transfer"]["creditAccount"]["kind"] == "CAMPAIGN_BUDGET"
    assert await balances(gql, tenant.viewer, campaign) == {"posted": "10000", "pending": "0",
                                                            "available": "10000"}
    twice = (await gql(REVERSE_TRANSFER, {"input": {"transferId": original, "idempotencyKey": "r-2"}},
                       token=tenant.operator))["reverseTransfer"]
    assert [e["code"] for e in twice["userErrors"]] == ["ALREADY_REVERSED"]


async def test_rewards_page_through_with_cursors_and_filters(gql, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 100_000)
    for i in range(5):
        await gql.grant(tenant.operator, campaign, f"m-{i % 2}", 100 + i, f"g-{i}", hold=i == 4)
    query = """query($after: String) { rewards(first: 2, after: $after, filter: {status: ISSUED}) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { amount { amount } } } } }"""
    seen, after = [], None
    while True:
        page = (await gql(query, {"after": after}, token=tenant.viewer))["rewards"]
        assert page["totalCount"] == 4
        seen += [edge["node"]["amount"]["amount"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["100", "101", "102", "103"]
    by_member = await gql('{ rewards(filter: {memberId: "m-1"}) { totalCount } }', token=tenant.viewer)
    assert by_member["rewards"]["totalCount"] == 2


async def test_the_event_feed_is_gap_free_and_resumes_after_a_sequence(gql, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    await gql.grant(tenant.operator, campaign, "m-1", 100, "g-1")
    query = "query($after: Int) { events(after: $after, first: 100) { totalCount nodes { sequence type } } }"
    events = (await gql(query, {}, token=tenant.viewer))["events"]["nodes"]
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    assert [e["type"] for e in events] == ["campaign.created", "transfer.posted", "campaign.funded",
                                           "reward.created", "transfer.posted"]
    resumed = (await gql(query, {"after": 3}, token=tenant.viewer))["events"]["nodes"]
    assert [e["sequence"] for e in resumed] == [4, 5]
