"""Draws in the one ledger: UnionPay draws by qualification, and Randou results pushed to the webhook."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
import pytest

from ledger.persistence.models import Account, Event, IdempotencyRecord, Reward
from ledger.services.audit import audit
from tests.lottery_support import CONFIGURE
from tests.randou_support import seed_push
from tests.support import USER_ERRORS, GraphQLClient, TenantFixture

DRAW = f"""mutation($input: DrawLotteryInput!) {{ drawLottery(input: $input) {{
  reward {{ id kind status provider memberId amount {{ amount asset }} details }}
  award {{ awardType awardName value {{ amount asset }} validFrom validTo }} {USER_ERRORS} }} }}"""
SYNC = f"""mutation($id: ID!) {{ syncReward(input: {{rewardId: $id}}) {{ reward {{ status }} {USER_ERRORS} }} }}"""
MOBILE = "13800138000"


async def configure(gql: GraphQLClient, tenant: TenantFixture, provider: str, settings: dict[str, Any]) -> None:
    data = await gql(CONFIGURE, {"input": {"provider": provider, "settings": settings}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data


async def balance(member: str, asset: str) -> int:
    account = await Account.get_or_none(member_id=member, asset=asset)
    return 0 if account is None else account.credits_posted - account.debits_posted


@pytest.fixture
async def unionpay(gql: GraphQLClient, tenant: TenantFixture, unionpay_sandbox_url: str) -> httpx.AsyncClient:
    control = httpx.AsyncClient(base_url=unionpay_sandbox_url, timeout=30)
    assert (await control.post("/_control/reset")).status_code < 300
    settings = {**(await control.get("/_control/config")).json(), "readTimeoutSeconds": 1.0}
    await configure(gql, tenant, "unionpay", settings)
    return control


async def pool(control: httpx.AsyncClient, awards: list[dict[str, Any]], no_award: int = 0) -> None:
    response = await control.post("/_control/pools", json={"activityNumber": "ACT1", "qualNum": "Q1",
                                                           "qualifications": 5, "awards": awards,
                                                           "noAwardWeight": no_award})
    assert response.status_code < 300, response.text


def draw_input(key: str, **changes: Any) -> dict[str, Any]:
    return {"input": {"activityNumber": "ACT1", "qualNum": "Q1", "qualType": "MOBILE", "qualValue": MOBILE,
                      "memberId": "m1", "idempotencyKey": key, **changes}}


async def test_a_red_packet_award_pays_cny_from_the_activity_pool(gql, tenant, unionpay):
    await pool(unionpay, [{"awardType": "06", "awardValue": 188, "weight": 1}])
    result = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert result["userErrors"] == []
    assert (result["reward"]["kind"], result["reward"]["status"], result["reward"]["provider"]) == \
        ("DRAW", "ISSUED", "unionpay")
    assert result["award"]["awardType"] == "06" and result["award"]["value"] == {"amount": "188", "asset": "CNY"}
    assert await balance("m1", "CNY") == 188
    assert (await audit(tenant.id)).ok


async def test_a_mall_coupon_award_moves_coupons_and_no_award_is_not_won(gql, tenant, unionpay):
    await pool(unionpay, [{"awardType": "07", "awardValue": 2, "weight": 1, "awardName": "满50减10",
                           "extAcctId": "CPN-9"}])
    won = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert won["award"]["value"] == {"amount": "2", "asset": "COUPON:CPN-9"}
    assert won["award"]["awardName"] == "满50减10" and won["award"]["validTo"]
    assert await balance("m1", "COUPON:CPN-9") == 2
    await pool(unionpay, [], no_award=1)
    lost = (await gql(DRAW, draw_input("d2"), token=tenant.operator))["drawLottery"]
    assert lost["reward"]["status"] == "NOT_WON" and lost["award"] is None


@pytest.mark.parametrize("mode", ["http500", "drop_after_commit"])
async def test_a_lost_answer_is_unknown_until_sync_replays_the_same_draw(gql, tenant, unionpay, mode):
    await pool(unionpay, [{"awardType": "06", "awardValue": 300, "weight": 1}])
    assert (await unionpay.post("/_control/faults", json={"mode": mode, "count": 1})).status_code < 300
    lost = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert lost["reward"]["status"] == "UNKNOWN"
    settled = (await gql(SYNC, {"id": lost["reward"]["id"]}, token=tenant.operator))["syncReward"]
    assert settled["reward"]["status"] == "ISSUED"
    records = (await unionpay.get("/_control/records")).json()
    assert len([d for d in records["draws"] if d.get("awardType")]) == 1
    assert await balance("m1", "CNY") == 300


async def test_the_qualification_value_is_never_stored_shown_or_logged_in_clear(gql, tenant, unionpay, caplog):
    await pool(unionpay, [{"awardType": "06", "awardValue": 1, "weight": 1}])
    caplog.set_level("DEBUG")
    result = (await gql(DRAW, draw_input("d1", certId="110101199003071234"), token=tenant.operator))["drawLottery"]
    assert MOBILE not in json.dumps(result) and result["reward"]["details"]["qualValueMasked"].startswith("138")
    stored = [json.dumps([r.details, r.provider_refs]) for r in await Reward.all()]
    stored += [json.dumps(r.result) + r.request_hash for r in await IdempotencyRecord.all()]
    stored += [json.dumps(e.data) for e in await Event.all()]
    assert not any(MOBILE in text or "110101199003071234" in text for text in stored)
    assert MOBILE not in caplog.text and "110101199003071234" not in caplog.text


async def test_a_reused_key_with_another_qualification_is_refused(gql, tenant, unionpay):
    await pool(unionpay, [{"awardType": "06", "awardValue": 1, "weight": 1}])
    await gql(DRAW, draw_input("d1"), token=tenant.operator)
    again = (await gql(DRAW, draw_input("d1", qualValue="13900139000"), token=tenant.operator))["drawLottery"]
    assert [e["code"] for e in again["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]


# --- Randou ---------------------------------------------------------------------------------------

# The seed's samples (tests/fixtures/seeds/randou/), each draw under its own serialNo.
GAME = {name: seed_push("not-won")[name] for name in ("mall_no", "created_at", "drawinggame_detail")}
CREDITS_WON = seed_push("credits-received", serialNo="S-1")  # uid u-1, credits 10, credits_gain 100


@pytest.fixture
async def randou(gql: GraphQLClient, tenant: TenantFixture, randou_sandbox_url: str, server_url: str
                 ) -> tuple[httpx.AsyncClient, str]:
    pusher = httpx.AsyncClient(base_url=randou_sandbox_url, timeout=60)
    assert (await pusher.post("/_control/reset")).status_code < 300
    await configure(gql, tenant, "randou", (await pusher.get("/_control/config")).json())
    return pusher, f"{server_url}/webhooks/randou/{tenant.global_id}"


async def push(randou: tuple[httpx.AsyncClient, str], params: dict[str, Any], **options: Any) -> dict[str, Any]:
    pusher, url = randou
    body = {"webhookUrl": url, "params": params, "method": options.pop("method", "POST"), **options}
    response = await pusher.post("/_control/push", json=body)
    assert response.status_code < 300, response.text
    return response.json()


async def test_a_received_credits_prize_moves_credits_to_the_member_once(gql, tenant, randou):
    answer = await push(randou, CREDITS_WON)
    assert (answer["status"], answer["body"]) == (200, "success")
    again = await push(randou, CREDITS_WON, method="GET")
    assert again["body"] == "success"
    [reward] = await Reward.all()
    assert (reward.kind.value, reward.provider, reward.status.value, reward.member_id) == \
        ("DRAW", "randou", "ISSUED", "u-1")
    assert reward.details["credits"] == 10
    assert await balance("u-1", "CREDITS") == 100
    assert (await audit(tenant.id)).ok


async def test_not_won_expired_and_goods_order_results(gql, tenant, randou):
    await push(randou, {**GAME, "uid": "u-2", "serialNo": "S-2", "credits": 5, "hit": "NO"})
    await push(randou, {**CREDITS_WON, "uid": "u-3", "serialNo": "S-3", "receive": "NO"})
    goods = {**GAME, "uid": "u-4", "serialNo": "S-4", "credits": 5, "hit": "YES", "receive": "YES",
             "prize": {"type": "GOODS_MATERIAL", "name": "杯子", "goods": {"product_no": "CUP", "product_name": "杯子"},
                       "order_result": "success"}}
    await push(randou, goods)
    await push(randou, {**goods, "uid": "u-5", "serialNo": "S-5",
                        "prize": {**goods["prize"], "order_result": "fail"}})
    free = {**CREDITS_WON, "uid": "u-6", "serialNo": "S-6", "prize": {"type": "FREE_DRAW", "name": "再来一次"}}
    assert (await push(randou, free, method="GET"))["body"] == "success"
    statuses = {r.member_id: r.status.value for r in await Reward.all()}
    assert statuses == {"u-2": "NOT_WON", "u-3": "EXPIRED", "u-4": "ISSUED", "u-5": "FAILED", "u-6": "ISSUED"}
    assert await Account.filter(member_id="u-6").count() == 0  # a free draw records the draw, moves nothing
    assert await balance("u-4", "GOODS:CUP") == 1 and await balance("u-5", "GOODS:CUP") == 0


@pytest.mark.parametrize(("tamper", "status"), [("bad_sign", 401), ("wrong_appid", 401), ("stale", 401),
                                                ("no_nonce", 401)])
async def test_a_tampered_push_is_refused_and_records_nothing(gql, tenant, randou, tamper, status):
    answer = await push(randou, CREDITS_WON, tamper=tamper)
    assert (answer["status"], answer["body"]) == (status, "fail")
    assert await Reward.all().count() == 0


async def test_a_reused_nonce_and_an_unknown_tenant_are_refused(gql, tenant, randou):
    await push(randou, CREDITS_WON)
    reused = await push(randou, {**CREDITS_WON, "serialNo": "S-9"}, tamper="reused_nonce")
    assert (reused["status"], reused["body"]) == (401, "fail")
    pusher, url = randou
    unknown = await push((pusher, url.rsplit("/", 1)[0] + "/VGVuYW50Ojk5OTk="), CREDITS_WON)
    assert (unknown["status"], unknown["body"]) == (404, "fail")
    assert await Reward.all().count() == 1


async def test_a_storm_of_duplicate_and_out_of_order_pushes_makes_one_reward_per_draw(gql, tenant, randou):
    draws = [f"STORM-{i}" for i in range(10)]
    pushes = []
    for serial in draws:
        hit = {**GAME, "uid": f"m-{serial}", "serialNo": serial, "credits": 1, "hit": "YES",
               "prize": {"type": "CREDITS", "name": "10积分", "credits_gain": 10}}
        pushes += [hit, {**hit, "receive": "YES"}] * 10
    random.Random(7).shuffle(pushes)
    answers = await asyncio.gather(*(push(randou, p) for p in pushes))
    assert {a["body"] for a in answers} == {"success"}
    assert len(pushes) == 200
    assert await Reward.all().count() == 10
    assert {r.status.value for r in await Reward.all()} == {"ISSUED"}
    assert sum([await balance(f"m-{s}", "CREDITS") for s in draws]) == 100
    assert (await audit(tenant.id)).ok
