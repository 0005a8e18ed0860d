"""A member's mobile number given to issueCoupons (idType 1) is personal data: kept only sealed (so a lost
answer can be settled by sending the same order again), shown masked, never stored, served or logged in clear."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from ledger.persistence.models import Event, IdempotencyRecord, Reward
from ledger.services.audit import audit
from tests.allinpay_support import AllinpaySandbox
from tests.lottery_support import CONFIGURE
from tests.support import USER_ERRORS, GraphQLClient, TenantFixture

MOBILE = "13800138000"
MASKED = "138****8000"
ISSUE = f"""mutation($input: IssueCouponsInput!) {{ issueCoupons(input: $input) {{
  reward {{ id status details }} coupons {{ couponNo memberId }} {USER_ERRORS} }} }}"""
SYNC = f"""mutation($id: ID!) {{ syncReward(input: {{rewardId: $id}}) {{ reward {{ id status details }}
  {USER_ERRORS} }} }}"""
READ_BACK = """query($member: String) { rewards { nodes { id status details } }
  coupons(filter: {memberId: $member}) { nodes { couponNo memberId couponTemplateId } } }"""


@pytest.fixture
async def allinpay(allinpay_sandbox_url: str) -> AsyncIterator[AllinpaySandbox]:
    async with httpx.AsyncClient(base_url=allinpay_sandbox_url, timeout=30) as http:
        box = AllinpaySandbox(http)
        await box.reset()
        await box.template("307", stock=50)
        yield box


@pytest.fixture
async def coupon_campaign(gql: GraphQLClient, tenant: TenantFixture, allinpay: AllinpaySandbox) -> str:
    settings = {**await allinpay.config(), "readTimeoutSeconds": 1.0}
    data = await gql(CONFIGURE, {"input": {"provider": "allinpay", "settings": settings}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data
    campaign = await gql.create_campaign(tenant.admin, name="Coupons", asset="COUPON:307")
    await gql.fund(tenant.admin, campaign, 20)
    return campaign


def by_mobile(campaign: str, key: str, mobile: str = MOBILE) -> dict:
    return {"input": {"campaignId": campaign, "couponTemplateId": "307", "num": 3, "shopId": "1",
                      "operUserId": "cashier-1", "memberId": "m1", "idType": "1", "providerMemberAccount": mobile,
                      "idempotencyKey": key}}


async def everything_kept() -> str:
    kept = [json.dumps([r.details, r.provider_refs]) for r in await Reward.all()]
    kept += [json.dumps(r.result) + r.request_hash for r in await IdempotencyRecord.all()]
    kept += [json.dumps(e.data) for e in await Event.all()]
    return "\n".join(kept)


async def test_a_mobile_number_is_kept_sealed_and_a_sync_after_a_lost_answer_sends_it_again(
        gql: GraphQLClient, tenant: TenantFixture, coupon_campaign: str, allinpay: AllinpaySandbox, caplog):
    caplog.set_level(logging.DEBUG)
    await allinpay.faults("drop_after_commit")
    lost = (await gql(ISSUE, by_mobile(coupon_campaign, "k1"), token=tenant.operator))["issueCoupons"]
    assert lost["reward"]["status"] == "UNKNOWN"
    assert MOBILE not in await everything_kept()

    settled = (await gql(SYNC, {"id": lost["reward"]["id"]}, token=tenant.operator))["syncReward"]
    assert settled["reward"]["status"] == "ISSUED"
    [order] = await allinpay.orders()  # the same order, answered with its first result
    assert (order["idType"], order["memberId"]) == ("1", MOBILE)

    read = await gql(READ_BACK, {"member": "m1"}, token=tenant.viewer)
    [reward] = read["rewards"]["nodes"]
    assert reward["details"]["memberAccountMasked"] == MASKED
    assert len(read["coupons"]["nodes"]) == 3
    served = json.dumps([lost, settled, read])
    assert MOBILE not in served and MOBILE not in await everything_kept()
    assert MOBILE not in caplog.text
    assert (await audit(tenant.id)).ok


async def test_the_same_key_replays_with_the_same_number_and_is_refused_with_another(
        gql: GraphQLClient, tenant: TenantFixture, coupon_campaign: str, allinpay: AllinpaySandbox):
    first = (await gql(ISSUE, by_mobile(coupon_campaign, "k1"), token=tenant.operator))["issueCoupons"]
    again = (await gql(ISSUE, by_mobile(coupon_campaign, "k1"), token=tenant.operator))["issueCoupons"]
    assert again["reward"]["id"] == first["reward"]["id"] and again["userErrors"] == []
    other = (await gql(ISSUE, by_mobile(coupon_campaign, "k1", "13900139000"), token=tenant.operator))
    assert [e["code"] for e in other["issueCoupons"]["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert len(await allinpay.orders()) == 1
