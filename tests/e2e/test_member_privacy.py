"""A member token sees its own rewards, never the operator's configuration: no campaign (its name is the
operator's), no red-packet activities."""

from __future__ import annotations

from tests.support import ISSUE_MEMBER_TOKEN, GraphQLClient, TenantFixture, error_codes


async def member_token(gql: GraphQLClient, tenant: TenantFixture, member: str) -> str:
    data = await gql(ISSUE_MEMBER_TOKEN, {"input": {"memberId": member}}, token=tenant.operator)
    return data["issueMemberToken"]["token"]


async def test_a_member_sees_its_rewards_without_their_campaign(gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin, name="Secret summer push")
    await gql.fund(tenant.admin, campaign, 1_000)
    await gql.grant(tenant.operator, campaign, "m1", 100, "g-1")
    token = await member_token(gql, tenant, "m1")

    query = "{ rewards { nodes { status campaign { id name } } } events { nodes { type campaign { name } } } }"
    data = await gql(query, token=token)
    assert [node["campaign"] for node in data["rewards"]["nodes"]] == [None]
    assert data["events"]["nodes"] and all(node["campaign"] is None for node in data["events"]["nodes"])
    operator_view = await gql(query, token=tenant.viewer)
    assert operator_view["rewards"]["nodes"][0]["campaign"]["name"] == "Secret summer push"


async def test_a_member_cannot_list_red_packet_activities(gql: GraphQLClient, tenant: TenantFixture):
    token = await member_token(gql, tenant, "m1")
    _, errors = await gql.errors("{ redPacketActivities { cashRedpackId name } }", token=token)
    assert error_codes(errors) == ["FORBIDDEN"]
    assert (await gql("{ redPacketActivities { cashRedpackId } }", token=tenant.viewer))["redPacketActivities"] == []
