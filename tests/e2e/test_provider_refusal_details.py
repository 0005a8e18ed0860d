"""A provider's refusal over GraphQL: the message in English, the provider's own words in `details`."""

from __future__ import annotations

from typing import Any

import httpx

from tests.lottery_support import CONFIGURE
from tests.support import GraphQLClient, TenantFixture

ERRORS = "userErrors { field code message details }"
ISSUE = f"""mutation($input: IssueCouponsInput!) {{ issueCoupons(input: $input) {{ reward {{ status }} {ERRORS} }} }}"""
DRAW = f"""mutation($input: DrawLotteryInput!) {{ drawLottery(input: $input) {{ reward {{ status }} {ERRORS} }} }}"""


async def configure_from(gql: GraphQLClient, tenant: TenantFixture, provider: str, control: httpx.AsyncClient
                         ) -> None:
    settings = {**(await control.get("/_control/config")).json(), "readTimeoutSeconds": 2.0}
    data = await gql(CONFIGURE, {"input": {"provider": provider, "settings": settings}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data


def coupons_input(campaign: str, **changes: Any) -> dict[str, Any]:
    return {"input": {"campaignId": campaign, "couponTemplateId": "404", "num": 1, "operUserId": "cashier-1",
                      "memberId": "m1", "idempotencyKey": "k1", "shopId": "1", **changes}}


async def test_an_allinpay_refusal_reads_in_english_and_keeps_the_gateways_words(gql, tenant, allinpay_sandbox_url):
    async with httpx.AsyncClient(base_url=allinpay_sandbox_url, timeout=30) as control:
        assert (await control.post("/_control/reset")).status_code < 300  # template 404 is unknown there
        await configure_from(gql, tenant, "allinpay", control)
    campaign = await gql.create_campaign(tenant.admin, name="Coupons", asset="COUPON:404")
    await gql.fund(tenant.admin, campaign, 5)
    result = (await gql(ISSUE, coupons_input(campaign), token=tenant.operator))["issueCoupons"]
    assert result["reward"]["status"] == "FAILED"
    assert result["userErrors"] == [{
        "field": None, "code": "PROVIDER_REJECTED", "message": "Allinpay refused: 3 (coupon template does not exist)",
        "details": {"provider": "allinpay", "code": "3", "providerMessage": "券模板不存在"}}]


async def test_a_unionpay_refusal_reads_in_english(gql, tenant, unionpay_sandbox_url):
    async with httpx.AsyncClient(base_url=unionpay_sandbox_url, timeout=30) as control:
        assert (await control.post("/_control/reset")).status_code < 300  # no pool: the activity is unknown
        await configure_from(gql, tenant, "unionpay", control)
    draw = {"input": {"activityNumber": "NOPE", "qualNum": "Q1", "qualType": "MOBILE", "qualValue": "13800138000",
                      "memberId": "m1", "idempotencyKey": "d1"}}
    result = (await gql(DRAW, draw, token=tenant.operator))["drawLottery"]
    assert result["reward"]["status"] == "FAILED"
    [error] = result["userErrors"]
    assert error["message"] == "UnionPay refused: S52172 (illegal access-party code (activity mismatch))"
    assert error["details"]["provider"] == "unionpay" and error["details"]["code"] == "S52172"
    assert error["details"]["providerMessage"]


async def test_a_ledger_refusal_has_no_details(gql, tenant):
    campaign = await gql.create_campaign(tenant.admin, name="Coupons", asset="COUPON:404")
    result = (await gql(ISSUE, coupons_input(campaign, shopId=None), token=tenant.operator))["issueCoupons"]
    assert [error["details"] for error in result["userErrors"]] == [None]
