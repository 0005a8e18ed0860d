"""issueCoupons needs shopId or shopCode: the schema says so, and leaving out both is a typed user error."""

from __future__ import annotations

from graphql import build_schema

from api.schema import export_sdl
from ledger.persistence.models import Reward

ISSUE = """mutation($input: IssueCouponsInput!) { issueCoupons(input: $input) {
  reward { id } userErrors { field code message } } }"""


async def test_without_shop_id_or_shop_code_the_answer_is_invalid_input_naming_both(gql, tenant):
    campaign = await gql.create_campaign(tenant.admin, name="Coupons", asset="COUPON:307")
    await gql.fund(tenant.admin, campaign, 5)
    request = {"campaignId": campaign, "couponTemplateId": "307", "num": 1, "operUserId": "cashier-1",
               "memberId": "m1", "idempotencyKey": "k1"}
    for blanks in ({}, {"shopId": None, "shopCode": None}, {"shopId": "", "shopCode": ""}):
        result = (await gql(ISSUE, {"input": {**request, **blanks}}, token=tenant.operator))["issueCoupons"]
        [error] = result["userErrors"]
        assert result["reward"] is None and (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "shopId"])
        assert "shopId" in error["message"] and "shopCode" in error["message"]
    assert await Reward.all().count() == 0  # refused before anything was recorded or sent


def test_the_schema_states_the_rule():
    schema = build_schema(export_sdl())
    fields = schema.type_map["IssueCouponsInput"].fields  # type: ignore[union-attr]
    for name in ("shopId", "shopCode"):
        assert "One of shopId or shopCode is required" in fields[name].description
    mutation = schema.mutation_type.fields["issueCoupons"]  # type: ignore[union-attr]
    assert "`shopId` or `shopCode`" in mutation.description and "INVALID_INPUT" in mutation.description
