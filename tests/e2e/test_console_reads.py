"""The reads the operator console is built on: value issued per day, a reward's timeline, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.ids import decode_id
from ledger.domain.clock import now
from ledger.persistence.models import Reward
from tests.support import SETTLE_REWARD, GraphQLClient, TenantFixture

VOLUME = """query($days: Int!, $zone: String!) { rewardVolume(days: $days, timeZone: $zone) {
  day kind count amount { amount asset formatted } } }"""


async def grant_on(gql: GraphQLClient, tenant: TenantFixture, campaign: str, amount: int, key: str,
                   created_at: datetime, **extra) -> str:
    granted = await gql.grant(tenant.operator, campaign, "m-1", amount, key, **extra)
    assert granted["userErrors"] == [], granted
    reward_id = granted["reward"]["id"]
    # Time cannot be sent back through the API, so the row is dated here: as if granted then.
    await Reward.filter(id=decode_id(reward_id)[1]).update(created_at=created_at)
    return reward_id


async def test_value_issued_is_summed_per_day_of_the_zone_asked_for(gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 1_000_000)
    today_utc = now().astimezone(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    # 23:30 UTC is the next morning in Beijing: the same grant falls on different days by zone.
    late = today_utc - timedelta(days=1) + timedelta(hours=11, minutes=30)
    await grant_on(gql, tenant, campaign, 100, "v-1", today_utc - timedelta(days=2))
    await grant_on(gql, tenant, campaign, 250, "v-2", late)
    await grant_on(gql, tenant, campaign, 50, "v-3", late)
    await grant_on(gql, tenant, campaign, 999, "v-held", late, hold=True)  # held: not issued value
    await grant_on(gql, tenant, campaign, 777, "v-old", today_utc - timedelta(days=40))  # outside 30 days

    utc = (await gql(VOLUME, {"days": 30, "zone": "UTC"}, token=tenant.viewer))["rewardVolume"]
    assert [(row["day"], row["kind"], row["count"], row["amount"]["amount"]) for row in utc] == [
        ((today_utc - timedelta(days=2)).date().isoformat(), "GRANT", 1, "100"),
        (late.date().isoformat(), "GRANT", 2, "300"),
    ]
    assert utc[1]["amount"]["formatted"] == "¥3.00"
    beijing = (await gql(VOLUME, {"days": 30, "zone": "Asia/Shanghai"}, token=tenant.viewer))["rewardVolume"]
    assert beijing[-1]["day"] == (late + timedelta(hours=8)).date().isoformat() != utc[-1]["day"]
    assert (await gql(VOLUME, {"days": 50, "zone": "UTC"}, token=tenant.viewer))["rewardVolume"][0]["count"] == 1


async def test_reward_volume_refuses_bad_arguments_and_member_tokens(gql: GraphQLClient, tenant: TenantFixture):
    for variables, words in (({"days": 0, "zone": "UTC"}, "days"), ({"days": 91, "zone": "UTC"}, "days"),
                             ({"days": 7, "zone": "Mars/Olympus"}, "unknown time zone"),
                             ({"days": 7, "zone": "../../etc/passwd"}, "IANA"), ({"days": 7, "zone": ""}, "IANA")):
        _, [error] = await gql.errors(VOLUME, variables, token=tenant.viewer)
        assert error["extensions"]["code"] == "INVALID_INPUT" and words in error["message"], error
    token = (await gql("""mutation { issueMemberToken(input: {memberId: "m-1"}) { token } }""",
                       token=tenant.operator))["issueMemberToken"]["token"]
    _, [error] = await gql.errors(VOLUME, {"days": 7, "zone": "UTC"}, token=token)
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_a_reward_lists_its_events_in_order(gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    held = await gql.grant(tenant.operator, campaign, "m-1", 400, "e-1", hold=True)
    reward_id = held["reward"]["id"]
    settled = await gql(SETTLE_REWARD, {"input": {"rewardId": reward_id, "action": "POST",
                                                  "idempotencyKey": "e-post"}}, token=tenant.operator)
    assert settled["settleReward"]["userErrors"] == []
    data = await gql("""query($id: ID!) { reward(id: $id) { events { sequence type transfer { id state } } } }""",
                     {"id": reward_id}, token=tenant.viewer)
    events = data["reward"]["events"]
    assert [e["type"] for e in events] == ["reward.created", "transfer.pending", "transfer.posted",
                                           "reward.status_changed"]
    assert {e["transfer"]["id"] for e in events if e["transfer"]} == {held["reward"]["transfers"][0]["id"]}
    sequences = [e["sequence"] for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert {e["type"] for e in events} >= {"transfer.pending", "transfer.posted"}


async def test_rewards_can_be_listed_newest_first_and_paged(gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    ids = [(await gql.grant(tenant.operator, campaign, f"m-{i}", 10, f"n-{i}"))["reward"]["id"] for i in range(5)]
    query = """query($after: String) { rewards(first: 2, after: $after, orderBy: {direction: DESC}) {
      nodes { id } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(query, {"after": after}, token=tenant.viewer))["rewards"]
        seen += [node["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(ids))
