"""UnionPay draws whose answer may have happened, through GraphQL: UNKNOWN with nothing paid, then settled
by syncReward exactly once where the tenant says UnionPay replays a transNumber, or handed to a person
(NEEDS_ATTENTION, nothing sent) where it does not; and refusals that may pass later, tried again under a
new idempotency key."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ledger.persistence.models import Account, Transfer
from ledger.services.audit import audit
from providers.unionpay import codes
from tests.lottery_support import CONFIGURE
from tests.support import USER_ERRORS, GraphQLClient, TenantFixture

DRAW = """mutation($input: DrawLotteryInput!) { drawLottery(input: $input) {
  reward { id status details } award { value { amount asset } } userErrors { field code message details } } }"""
SYNC = f"""mutation($id: ID!) {{ syncReward(input: {{rewardId: $id}}) {{
  reward {{ status attentionReason details }} {USER_ERRORS} }} }}"""
MAY_HAVE_HAPPENED = [codes.TRANS_NUMBER_REUSED, "ZZ999", codes.SUCCESS]  # "00" here carries no awardInfo


async def connect(gql: GraphQLClient, tenant: TenantFixture, control: httpx.AsyncClient, **changes: Any) -> None:
    settings = {**(await control.get("/_control/config")).json(), "readTimeoutSeconds": 1.0, **changes}
    data = await gql(CONFIGURE, {"input": {"provider": "unionpay", "settings": settings}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data


@pytest.fixture
async def unionpay(unionpay_sandbox_url: str) -> httpx.AsyncClient:
    control = httpx.AsyncClient(base_url=unionpay_sandbox_url, timeout=30)
    assert (await control.post("/_control/reset")).status_code < 300
    response = await control.post("/_control/pools", json={
        "activityNumber": "ACT1", "qualNum": "Q1", "qualifications": 5,
        "awards": [{"awardType": "06", "awardValue": 188, "weight": 1}]})
    assert response.status_code < 300, response.text
    return control


async def fault(control: httpx.AsyncClient, **body: Any) -> None:
    assert (await control.post("/_control/faults", json=body)).status_code < 300


async def sandbox_records(control: httpx.AsyncClient) -> dict[str, Any]:
    return dict((await control.get("/_control/records")).json())


async def paid_to_member() -> int:
    account = await Account.get_or_none(member_id="m1", asset="CNY")
    return 0 if account is None else account.credits_posted + account.credits_pending


def draw_input(key: str) -> dict[str, Any]:
    return {"input": {"activityNumber": "ACT1", "qualNum": "Q1", "qualType": "MOBILE", "qualValue": "13800138000",
                      "memberId": "m1", "idempotencyKey": key}}


@pytest.mark.parametrize("code", MAY_HAVE_HAPPENED)
@pytest.mark.parametrize("commit", [True, False])
async def test_a_code_that_may_have_happened_is_unknown_then_settled_exactly_once(gql, tenant, unionpay, code,
                                                                                  commit):
    await connect(gql, tenant, unionpay)  # the sandbox's config: it replays a transNumber
    await fault(unionpay, mode="code", code=code, commit=commit)
    lost = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert lost["reward"]["status"] == "UNKNOWN" and lost["award"] is None and lost["userErrors"] == []
    assert await paid_to_member() == 0 and await Transfer.all().count() == 0
    assert len((await sandbox_records(unionpay))["draws"]) == (1 if commit else 0)
    for _ in range(2):  # a second sync finds it settled and changes nothing
        settled = (await gql(SYNC, {"id": lost["reward"]["id"]}, token=tenant.operator))["syncReward"]
        assert settled["reward"]["status"] == "ISSUED"
    # Committed: the resend is answered with the kept draw; not: the resend is the draw. Once either way.
    assert len((await sandbox_records(unionpay))["draws"]) == 1
    assert await paid_to_member() == 188
    assert (await audit(tenant.id)).ok


async def test_an_uncommitted_code_whose_resend_finds_no_qualification_pays_nothing(gql, tenant, unionpay):
    await connect(gql, tenant, unionpay)
    await fault(unionpay, mode="code", code="ZZ999", commit=False)
    lost = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    await unionpay.post("/_control/pools", json={"activityNumber": "ACT1", "qualNum": "Q1", "qualifications": 0,
                                                 "awards": [{"awardType": "06", "awardValue": 188}]})
    settled = (await gql(SYNC, {"id": lost["reward"]["id"]}, token=tenant.operator))["syncReward"]
    assert settled["reward"]["status"] == "FAILED"
    assert await paid_to_member() == 0 and (await sandbox_records(unionpay))["draws"] == []
    assert (await audit(tenant.id)).ok


async def test_without_replay_sync_hands_the_draw_to_a_person_and_sends_nothing(gql, tenant, unionpay):
    await connect(gql, tenant, unionpay, replaySameTransNumber=False)
    await fault(unionpay, mode="code", code="ZZ999", commit=True)
    lost = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert lost["reward"]["status"] == "UNKNOWN"
    calls = (await sandbox_records(unionpay))["calls"]
    for _ in range(2):
        held = (await gql(SYNC, {"id": lost["reward"]["id"]}, token=tenant.operator))["syncReward"]
        assert held["reward"]["status"] == "NEEDS_ATTENTION" and held["userErrors"] == []
        reason = held["reward"]["attentionReason"]
        assert "replaySameTransNumber" in reason and held["reward"]["details"]["attentionReason"] == reason
    assert (await sandbox_records(unionpay))["calls"] == calls  # nothing was sent again
    assert await paid_to_member() == 0
    assert (await audit(tenant.id)).ok


@pytest.mark.parametrize("code", [codes.ILLEGAL_REQUEST, codes.TOKEN_INVALID])
async def test_a_refusal_that_may_pass_later_is_retried_under_a_new_key(gql, tenant, unionpay, code):
    await connect(gql, tenant, unionpay)
    await fault(unionpay, mode="code", code=code)
    refused = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert refused["reward"]["status"] == "FAILED" and refused["reward"]["details"]["retryable"] is True
    [error] = refused["userErrors"]
    assert error["code"] == "PROVIDER_UNAVAILABLE" and "new idempotencyKey" in error["message"]
    assert error["details"]["code"] == code
    again = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert again == refused  # the same key replays the refusal
    retried = (await gql(DRAW, draw_input("d2"), token=tenant.operator))["drawLottery"]
    assert retried["reward"]["status"] == "ISSUED" and retried["userErrors"] == []
    assert await paid_to_member() == 188 and len((await sandbox_records(unionpay))["draws"]) == 1


async def test_a_refusal_that_would_fail_again_is_provider_rejected(gql, tenant, unionpay):
    await connect(gql, tenant, unionpay)
    await fault(unionpay, mode="code", code=codes.SIGNATURE_INVALID)
    refused = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert refused["reward"]["status"] == "FAILED" and refused["reward"]["details"]["retryable"] is False
    assert [e["code"] for e in refused["userErrors"]] == ["PROVIDER_REJECTED"]
