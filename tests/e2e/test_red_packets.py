"""Cash red packets through the platform's sandbox: held on the budget, paid when claimed, returned when
refunded or failed, and never sent twice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ledger.domain import clock
from ledger.persistence.models import Account
from ledger.services.audit import audit
from providers.red_packet.settings import DEFAULT_UNLISTED_RELEASE_S
from tests.lottery_support import CONFIGURE
from tests.support import USER_ERRORS, GraphQLClient, TenantFixture

DEFINE = f"""mutation($input: DefineRedPacketActivityInput!) {{ defineRedPacketActivity(input: $input) {{
  activity {{ cashRedpackId type minValue {{ amount }} maxValue {{ amount }} }} {USER_ERRORS} }} }}"""
SEND = f"""mutation($input: SendRedPacketInput!) {{ sendRedPacket(input: $input) {{
  rewards {{ id kind status provider memberId amount {{ amount }} providerRefs details }} {USER_ERRORS} }} }}"""
REFRESH = f"""mutation($id: ID!) {{ refreshRedPacketStatus(input: {{rewardId: $id}}) {{
  reward {{ id status amount {{ amount }} providerRefs details }} {USER_ERRORS} }} }}"""
SYNC = f"""mutation($id: ID!) {{ syncReward(input: {{rewardId: $id}}) {{
  reward {{ id status amount {{ amount }} providerRefs details }} {USER_ERRORS} }} }}"""


class PlatformSandbox:
    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=30)

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        response = await self.http.post(path, json=body)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    async def packets(self) -> list[dict[str, Any]]:
        return (await self.http.get("/_control/records")).json()["packets"]

    async def config(self) -> dict[str, Any]:
        return (await self.http.get("/_control/config")).json()


@pytest.fixture
async def platform(red_packet_sandbox_url: str) -> PlatformSandbox:
    box = PlatformSandbox(red_packet_sandbox_url)
    await box.post("/_control/reset", {})
    await box.post("/_control/activities", {"cashRedpackId": 7, "type": "FIXED", "minValue": 100, "maxValue": 100})
    await box.post("/_control/activities", {"cashRedpackId": 8, "type": "RANDOM", "minValue": 100, "maxValue": 500})
    await box.post("/_control/balance", {"amountFen": 1_000_000})
    return box


@pytest.fixture
async def funded(gql: GraphQLClient, tenant: TenantFixture, platform: PlatformSandbox) -> str:
    settings = {**await platform.config(), "readTimeoutSeconds": 1.0}
    data = await gql(CONFIGURE, {"input": {"provider": "red-packet", "settings": settings}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data
    campaign = await gql.create_campaign(tenant.admin, name="Packets")
    await gql.fund(tenant.admin, campaign, 10_000)
    for cash_redpack_id, kind, low, high in ((7, "FIXED", 100, 100), (8, "RANDOM", 100, 500)):
        defined = await gql(DEFINE, {"input": {"cashRedpackId": cash_redpack_id, "campaignId": campaign,
                                               "type": kind, "minValue": low, "maxValue": high}}, token=tenant.admin)
        assert defined["defineRedPacketActivity"]["userErrors"] == [], defined
    return campaign


async def send(gql: GraphQLClient, tenant: TenantFixture, members: list[str], key: str,
               activity: int = 7) -> dict[str, Any]:
    data = await gql(SEND, {"input": {"cashRedpackId": activity, "memberIds": members, "source": "MANUAL",
                                      "idempotencyKey": key}}, token=tenant.operator)
    return data["sendRedPacket"]


async def refresh(gql: GraphQLClient, tenant: TenantFixture, reward_id: str) -> dict[str, Any]:
    return (await gql(REFRESH, {"id": reward_id}, token=tenant.operator))["refreshRedPacketStatus"]


async def sync(gql: GraphQLClient, tenant: TenantFixture, reward_id: str) -> dict[str, Any]:
    """syncReward, the ledger's one way to settle a reward left open."""
    synced = (await gql(SYNC, {"id": reward_id}, token=tenant.operator))["syncReward"]
    assert synced["userErrors"] == [], synced
    return dict(synced["reward"])


async def budget_available() -> int:
    budget = await Account.get(kind="CAMPAIGN_BUDGET", asset="CNY")
    return budget.credits_posted - budget.debits_posted - budget.debits_pending


async def wallet(member: str) -> int:
    account = await Account.get_or_none(member_id=member, asset="CNY")
    return 0 if account is None else account.credits_posted - account.debits_posted


async def test_a_sent_packet_is_held_then_paid_when_claimed(gql, tenant, funded, platform):
    sent = await send(gql, tenant, ["1001"], "k1")
    [reward] = sent["rewards"]
    assert sent["userErrors"] == [] and reward["kind"] == "RED_PACKET" and reward["provider"] == "red-packet"
    assert reward["providerRefs"]["recordId"]
    assert await budget_available() == 9_900 and await wallet("1001") == 0
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "ISSUED"
    await platform.post("/_control/claim", {"uid": "1001"})
    claimed = await refresh(gql, tenant, reward["id"])
    assert claimed["reward"]["status"] == "CLAIMED"
    assert await wallet("1001") == 100 and await budget_available() == 9_900
    assert (await audit(tenant.id)).ok


async def test_a_claimed_random_packet_whose_amount_no_answer_states_needs_attention_with_its_maximum_held(
        gql, tenant, funded, platform):
    """The seed's list rows carry no send_amount: a claimed RANDOM packet's amount cannot be read, so nothing
    is posted on a guess (neither the maximum nor anything else) and a person settles it."""
    [reward] = (await send(gql, tenant, ["1002"], "k1", activity=8))["rewards"]
    assert await budget_available() == 9_500
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "ISSUED"
    await platform.post("/_control/claim", {"uid": "1002"})
    for _ in range(2):
        claimed = (await refresh(gql, tenant, reward["id"]))["reward"]
        assert claimed["status"] == "NEEDS_ATTENTION" and "no answer states its amount" in claimed["details"]["reason"]
        assert claimed["details"]["platformStatus"] == 3 and claimed["details"]["amountFen"] is None
        assert await wallet("1002") == 0 and await budget_available() == 9_500  # the maximum stays held
    assert (await audit(tenant.id)).ok


async def test_a_random_packet_sent_by_scan_is_paid_the_amount_its_answer_states(gql, tenant, funded, platform):
    sent = (await gql(SCAN, {"input": {"cashRedpackId": 8, "openId": "oWx-random", "idempotencyKey": "s1"}},
                      token=tenant.operator))["scanSendRedPacket"]
    [packet] = await platform.packets()
    drawn = int(packet["amountFen"])
    assert sent["userErrors"] == [] and await budget_available() == 9_500
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    await platform.post("/_control/claim", {"uid": str(packet["uid"])})
    claimed = (await refresh(gql, tenant, sent["reward"]["id"]))["reward"]
    assert (claimed["status"], int(claimed["amount"]["amount"])) == ("CLAIMED", drawn)
    assert await wallet(str(packet["uid"])) == drawn and await budget_available() == 10_000 - drawn
    assert (await audit(tenant.id)).ok


async def test_an_unclaimed_packet_refunded_after_expiry_returns_to_the_budget(gql, tenant, funded, platform):
    [reward] = (await send(gql, tenant, ["1003"], "k1"))["rewards"]
    await platform.post("/_control/clock", {"advanceSeconds": 25 * 3600})
    refunded = await refresh(gql, tenant, reward["id"])
    assert refunded["reward"]["status"] == "REFUNDED"
    assert await budget_available() == 10_000 and await wallet("1003") == 0


async def test_a_send_the_merchant_cannot_cover_fails_and_returns_the_hold(gql, tenant, funded, platform):
    await platform.post("/_control/balance", {"amountFen": 0})
    [reward] = (await send(gql, tenant, ["1004"], "k1"))["rewards"]
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    failed = await refresh(gql, tenant, reward["id"])
    assert failed["reward"]["status"] == "FAILED"
    assert await budget_available() == 10_000


async def test_a_send_to_many_members_makes_one_reward_and_one_packet_each(gql, tenant, funded, platform):
    sent = await send(gql, tenant, ["2001", "2002", "2003"], "k1")
    assert [r["memberId"] for r in sent["rewards"]] == ["2001", "2002", "2003"]
    assert len({r["providerRefs"]["recordId"] for r in sent["rewards"]}) == 3
    assert len(await platform.packets()) == 3 and await budget_available() == 9_700


async def test_after_a_dropped_answer_the_packet_is_found_by_listing_and_exists_once(gql, tenant, funded, platform):
    await platform.post("/_control/faults", {"mode": "drop_after_commit", "count": 1})
    [reward] = (await send(gql, tenant, ["1005"], "k1"))["rewards"]
    assert reward["status"] == "UNKNOWN" and not reward["providerRefs"].get("recordId")  # settled by syncReward
    assert len(await platform.packets()) == 1 and await budget_available() == 9_900
    again = await send(gql, tenant, ["1005"], "k1")  # the same key: a replay, never a second packet
    assert again["rewards"][0]["id"] == reward["id"] and len(await platform.packets()) == 1
    found = (await refresh(gql, tenant, reward["id"]))["reward"]
    assert found["status"] in ("PENDING", "ISSUED") and found["providerRefs"]["recordId"]  # found by listing
    assert "reason" not in found["details"]
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    await platform.post("/_control/claim", {"uid": "1005"})
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "CLAIMED"
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "CLAIMED"
    assert await wallet("1005") == 100  # paid once
    assert (await audit(tenant.id)).ok


async def test_a_lost_send_that_stays_unlisted_goes_to_a_person_with_its_hold_kept(gql, tenant, funded, platform):
    """Silence proves nothing (a listing can lag; a packet made while our answer was lost may still be paid):
    past the listing window the reward is NEEDS_ATTENTION, the hold kept, for resolveReward."""
    await platform.post("/_control/faults", {"mode": "http500", "count": 1})
    [reward] = (await send(gql, tenant, ["1006"], "k1"))["rewards"]
    assert reward["status"] == "UNKNOWN" and "never sent again" in reward["details"]["reason"]
    assert await platform.packets() == [] and await budget_available() == 9_900
    still = (await refresh(gql, tenant, reward["id"]))["reward"]
    assert still["status"] == "UNKNOWN" and "a person is asked if none is listed by" in still["details"]["reason"]
    clock.advance(DEFAULT_UNLISTED_RELEASE_S + 1)  # the platform lists nothing for a quarter of an hour
    for _ in range(2):
        handed = (await refresh(gql, tenant, reward["id"]))["reward"]
        assert handed["status"] == "NEEDS_ATTENTION" and "the hold is kept" in handed["details"]["reason"]
        assert await budget_available() == 9_900 and await wallet("1006") == 0
    assert await platform.packets() == []  # never sent again
    assert (await audit(tenant.id)).ok


@pytest.mark.parametrize(("members", "activity", "field"), [
    (["abc"], 7, "memberIds"), ([], 7, "memberIds"), (["1001", "1001"], 7, "memberIds"),
    (["1001"], 99, "cashRedpackId"),
])
async def test_bad_sends_are_typed_errors_and_write_nothing(gql, tenant, funded, platform, members, activity, field):
    sent = await send(gql, tenant, members, "k-bad", activity=activity)
    assert sent["rewards"] == [] and sent["userErrors"][0]["field"] == ["input", field]
    assert await platform.packets() == [] and await budget_available() == 10_000


async def test_sends_are_listed_from_the_ledger_with_the_platforms_filters(gql, tenant, funded, platform):
    await send(gql, tenant, ["3001", "3002"], "k1")
    await send(gql, tenant, ["3003"], "k2", activity=8)

    async def count(filter_: str) -> int:
        data = await gql(f"{{ redPacketSends(filter: {filter_}) {{ totalCount }} }}", token=tenant.viewer)
        return int(data["redPacketSends"]["totalCount"])

    assert await count("{cashRedpackId: 7}") == 2
    assert await count("{type: RANDOM}") == 1
    assert await count("{source: MANUAL}") == 3 and await count("{source: GAME}") == 0
    assert await count('{memberId: "3003"}') == 1
    assert await count('{keyword: "nothing-like-this"}') == 0


SCAN = f"""mutation($input: ScanSendRedPacketInput!) {{ scanSendRedPacket(input: $input) {{
  reward {{ id status memberId amount {{ amount }} transfers {{ state creditAccount {{ kind memberId }} }} }}
  {USER_ERRORS} }} }}"""


async def test_a_scan_send_moves_the_hold_to_the_member_the_platform_names(gql, tenant, funded, platform):
    sent = (await gql(SCAN, {"input": {"cashRedpackId": 7, "openId": "oWx-scan-1", "idempotencyKey": "s1"}},
                      token=tenant.operator))["scanSendRedPacket"]
    assert sent["userErrors"] == []
    reward = sent["reward"]
    [packet] = await platform.packets()
    assert reward["memberId"] == str(packet["uid"])
    states = {(t["state"], t["creditAccount"]["kind"]) for t in reward["transfers"]}
    assert states == {("VOIDED", "PROVIDER_CLEARING"), ("PENDING", "MEMBER_WALLET")}
    assert await budget_available() == 9_900
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    await platform.post("/_control/claim", {"uid": str(packet["uid"])})
    assert (await refresh(gql, tenant, reward["id"]))["reward"]["status"] == "CLAIMED"
    assert await wallet(str(packet["uid"])) == 100
    assert (await audit(tenant.id)).ok


async def test_a_scan_send_refused_or_lost_keeps_the_money_safe(gql, tenant, funded, platform):
    await platform.post("/_control/faults", {"mode": "http500", "count": 1})
    lost = (await gql(SCAN, {"input": {"cashRedpackId": 7, "openId": "oWx-scan-2", "idempotencyKey": "s2"}},
                      token=tenant.operator))["scanSendRedPacket"]["reward"]
    assert lost["status"] == "UNKNOWN" and await budget_available() == 9_900  # still held, in flight
    await platform.post("/_control/balance", {"amountFen": 0})
    refused = (await gql(SCAN, {"input": {"cashRedpackId": 7, "openId": "oWx-scan-3", "idempotencyKey": "s3"}},
                         token=tenant.operator))["scanSendRedPacket"]["reward"]
    assert refused["status"] == "FAILED"  # the merchant cannot cover it: NOTENOUGH
    assert await budget_available() == 9_900  # only the lost one is still held
    bad = (await gql(SCAN, {"input": {"cashRedpackId": 7, "openId": "not an id!", "idempotencyKey": "s4"}},
                     token=tenant.operator))["scanSendRedPacket"]
    assert bad["userErrors"][0]["field"] == ["input", "openId"]
    assert (await audit(tenant.id)).ok
