"""Every document under graphql/ runs against a live server and answers without errors: a document that
only validates can still ask for something the API cannot give (the event feed once paged with a string
cursor its `after: Int` could not take). Queries and mutations go over HTTP; the subscriptions under
graphql/subscriptions/ over a WebSocket, through a third-party client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_coupons import AllinpaySandbox
from tests.e2e.test_red_packets import DEFINE, PlatformSandbox
from tests.live_support import Subscription, live_session
from tests.lottery_support import CONFIGURE, Sandbox, connect_tenant
from tests.support import ISSUE_MEMBER_TOKEN, GraphQLClient, TenantFixture

DOCUMENTS = Path(__file__).resolve().parents[2] / "graphql"
SUBSCRIPTIONS = DOCUMENTS / "subscriptions"
BEIJING_TODAY = "2026-01-15"


def document(name: str) -> str:
    [path] = DOCUMENTS.rglob(f"{name}.graphql")
    return path.read_text(encoding="utf-8")


class DocumentRunner:
    """Runs the documents by name, remembering which ran, and insists on no errors of any kind."""

    def __init__(self, gql: GraphQLClient) -> None:
        self.gql = gql
        self.ran: set[str] = set()

    async def __call__(self, name: str, variables: dict[str, Any] | None = None, *, token: str) -> dict[str, Any]:
        data = await self.gql(document(name), variables, token=token)
        for payload in data.values():
            if isinstance(payload, dict) and "userErrors" in payload:
                assert payload["userErrors"] == [], (name, payload)
        self.ran.add(name)
        return data


@pytest.fixture
async def connected_everywhere(gql: GraphQLClient, tenant: TenantFixture, lottery_sandbox_url: str,
                               allinpay_sandbox_url: str, red_packet_sandbox_url: str) -> dict[str, str]:
    """The tenant connected to the lottery, coupon and red-packet sandboxes, with a CNY and a coupon campaign."""
    lottery = Sandbox(lottery_sandbox_url)
    await lottery.reset()
    await connect_tenant(gql, tenant, lottery)
    await lottery.ticket("DOC-0001", prize_fen=800)

    allinpay = AllinpaySandbox(allinpay_sandbox_url)
    await allinpay.post("/_control/reset", {})
    await allinpay.post("/_control/templates", {"couponTemplateId": "307", "stock": 50})
    await gql(CONFIGURE, {"input": {"provider": "allinpay", "settings": await allinpay.config()}}, token=tenant.admin)
    coupons = await gql.create_campaign(tenant.admin, name="Coupons", asset="COUPON:307", key="c-coupons")
    await gql.fund(tenant.admin, coupons, 20, key="f-coupons")

    platform = PlatformSandbox(red_packet_sandbox_url)
    await platform.post("/_control/reset", {})
    await platform.post("/_control/activities", {"cashRedpackId": 7, "type": "FIXED", "minValue": 100,
                                                 "maxValue": 100})
    await platform.post("/_control/balance", {"amountFen": 1_000_000})
    await gql(CONFIGURE, {"input": {"provider": "red-packet", "settings": await platform.config()}},
              token=tenant.admin)
    cash = await gql.create_campaign(tenant.admin, name="Spring", key="c-cash")
    await gql.fund(tenant.admin, cash, 100_000, key="f-cash")
    await gql(DEFINE, {"input": {"cashRedpackId": 7, "campaignId": cash, "type": "FIXED", "minValue": 100,
                                 "maxValue": 100}}, token=tenant.admin)
    return {"cash": cash, "coupons": coupons}


async def test_every_client_document_runs_against_a_live_server(gql: GraphQLClient, tenant: TenantFixture,
                                                                 connected_everywhere: dict[str, str]):
    run = DocumentRunner(gql)
    cash, coupons = connected_everywhere["cash"], connected_everywhere["coupons"]
    member = (await gql(ISSUE_MEMBER_TOKEN, {"input": {"memberId": "m1"}}, token=tenant.operator))
    member_token = member["issueMemberToken"]["token"]

    granted = await run("GrantReward", {"input": {"campaignId": cash, "memberId": "m1", "amount": "500",
                                                  "hold": True, "idempotencyKey": "doc-grant"}},
                        token=tenant.operator)
    reward_id = granted["grantReward"]["reward"]["id"]
    settled = await run("SettleReward", {"input": {"rewardId": reward_id, "action": "POST",
                                                   "idempotencyKey": "doc-settle"}}, token=tenant.operator)
    assert settled["settleReward"]["reward"]["status"] == "ISSUED"

    issued = await run("IssueCoupons", {"input": {"campaignId": coupons, "couponTemplateId": "307", "num": 2,
                                                  "shopId": "1", "operUserId": "cashier-1", "memberId": "m1",
                                                  "idempotencyKey": "doc-coupons"}}, token=tenant.operator)
    assert len(issued["issueCoupons"]["coupons"]) == 2
    sent = await run("SendRedPacket", {"input": {"cashRedpackId": 7, "memberIds": ["1001"],
                                                 "idempotencyKey": "doc-packet"}}, token=tenant.operator)
    packet_id = sent["sendRedPacket"]["rewards"][0]["id"]
    await run("SyncReward", {"rewardId": packet_id}, token=tenant.operator)
    redeemed = await run("RedeemLotteryTicket", {"input": {"barCode": "DOC-0001", "memberId": "m1",
                                                           "userRealIp": "10.0.0.8", "idempotencyKey": "doc-scan"}},
                         token=member_token)
    assert redeemed["redeemLotteryTicket"]["reward"]["status"] == "ISSUED"

    await run("ListCampaigns", token=tenant.viewer)
    await run("CampaignWithBalances", {"id": cash}, token=tenant.viewer)
    listed = await run("ListRewards", {"first": 10}, token=tenant.viewer)
    assert listed["rewards"]["totalCount"] >= 4
    await run("RewardDetail", {"id": reward_id}, token=tenant.viewer)
    await run("RedPackets", token=tenant.viewer)
    await run("LotteryStation", {"date": BEIJING_TODAY}, token=tenant.viewer)
    await run("EventFeed", {"first": 5}, token=tenant.viewer)

    mine = await run("MyRewards", token=member_token)
    assert mine["viewer"]["memberId"] == "m1"
    assert await run("MyCoupons", token=member_token)
    status = await run("RewardStatus", {"id": reward_id}, token=member_token)
    assert status["reward"]["status"] == "ISSUED"

    every_document = {path.stem for path in DOCUMENTS.rglob("*.graphql") if path.parent != SUBSCRIPTIONS}
    assert run.ran == every_document, f"documents no test runs: {sorted(every_document - run.ran)}"


async def test_every_subscription_document_runs_live_over_a_websocket(server_url: str, gql: GraphQLClient,
                                                                      tenant: TenantFixture):
    """Each subscription document, through the `gql` client, yields an update without errors."""
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    await gql.grant(tenant.operator, campaign, "m1", 500, "doc-live-grant")
    member_token = (await gql(ISSUE_MEMBER_TOKEN, {"input": {"memberId": "m1"}},
                              token=tenant.operator))["issueMemberToken"]["token"]
    [wallet] = (await gql('{ accounts(filter: {memberId: "m1"}) { nodes { id } } }',
                          token=tenant.viewer))["accounts"]["nodes"]
    ran: set[str] = set()

    async def first_update(name: str, token: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        async with live_session(server_url, token) as session:
            update = await Subscription(session, document(name), variables).next()
        ran.add(name)
        return update

    streamed = await first_update("EventStream", tenant.viewer, {"after": 0})
    assert streamed["events"]["sequence"] == 1
    updated = await first_update("RewardUpdates", tenant.viewer, {"after": 0, "filter": {"memberId": "m1"}})
    assert updated["rewardUpdated"]["reward"]["memberId"] == "m1"
    mine = await first_update("MyRewardUpdates", member_token, {"after": 0})
    assert mine["rewardUpdated"]["type"] == "reward.created"
    balance = await first_update("BalanceUpdates", member_token, {"accountId": wallet["id"], "after": 0})
    assert balance["accountBalanceChanged"]["account"]["balance"]["posted"]["formatted"] == "¥5.00"

    async with live_session(server_url, tenant.operator) as session:
        runs = Subscription(session, document("JobRunFinished"))
        for _ in range(10):  # no `after:` here: run the job until the subscription, set up server-side, hears it
            await gql("mutation { runJob(input: {job: \"audit\"}) { jobRun { id } } }", token=tenant.admin)
            try:
                finished = await runs.next(timeout_s=1)
                break
            except TimeoutError:
                continue
        else:
            pytest.fail("JobRunFinished heard no run")
    assert finished["jobRunFinished"]["job"] == "audit"
    ran.add("JobRunFinished")

    every_subscription = {path.stem for path in SUBSCRIPTIONS.glob("*.graphql")}
    assert ran == every_subscription, f"subscription documents no test runs: {sorted(every_subscription - ran)}"


async def test_the_event_feed_pages_through_every_event_with_its_own_document(gql: GraphQLClient,
                                                                               tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    for n in range(4):
        await gql.grant(tenant.operator, campaign, f"m{n}", 100, f"feed-{n}")

    seen: list[int] = []
    after = None
    while True:
        page = (await gql(document("EventFeed"), {"after": after, "first": 3}, token=tenant.viewer))["events"]
        seen += [node["sequence"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["nodes"][-1]["sequence"]
    assert seen == list(range(1, page["totalCount"] + 1))
