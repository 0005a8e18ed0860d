"""Randou (seed 001): the MD5 signature against the shared vector, settings, every refusal of
check_push, and parse_push on each stage and prize type the seed describes. Field bounds, the accept
window and JSON bodies: test_randou_push_bounds_and_body.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from providers import registry
from providers.randou.settings import RandouSettings, mask_settings, parse_settings
from providers.randou.signing import sign, sign_string, verify
from providers.randou.verifier import RandouWebhookVerifier
from providers.randou.webhook import (
    STAGE_HIT,
    STAGE_ORDER_RESULT,
    STAGE_RECEIVE,
    PushRefusal,
    check_push,
    merge_params,
    parse_push,
    prize_kind,
)
from providers.settings import MASK, SettingsInvalid
from tests.fixtures import provider_vectors

VECTOR = provider_vectors("randou_webhook_001")
APP_ID = VECTOR["params"]["appid"]
SECRET = VECTOR["app_secret"]
SETTINGS = RandouSettings(app_id=APP_ID, app_secret=SECRET, timestamp_window_s=300)
NOW = datetime.fromtimestamp(1_700_000_000, UTC)


def signed(**changes: Any) -> dict[str, str]:
    params = dict(VECTOR["params"])
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    params["sign"] = sign(params, SECRET)
    return params


def push(hit: str = "YES", receive: str | None = None, prize: dict[str, Any] | None = None,
         credits: str = "10") -> dict[str, str]:
    return signed(hit=hit, receive=receive, prize=prize, credits=credits)


# --- signing -------------------------------------------------------------------------------------------

def test_the_vector_string_and_sign() -> None:
    assert sign_string(VECTOR["params"], SECRET) == VECTOR["string"]
    assert sign(VECTOR["params"], SECRET) == VECTOR["sign"]
    assert verify({**VECTOR["params"], "sign": VECTOR["sign"]}, SECRET)


def test_verify_refuses_changes_and_ignores_hex_case() -> None:
    good = {**VECTOR["params"], "sign": VECTOR["sign"]}
    assert verify({**good, "sign": VECTOR["sign"].upper()}, SECRET)
    assert not verify({**good, "hit": "YES"}, SECRET)
    assert not verify(good, SECRET + "x")
    assert not verify({**good, "sign": ""}, SECRET)
    assert not verify(dict(VECTOR["params"]), SECRET)
    assert not verify({**good, "sign": "签名"}, SECRET)


def test_empty_values_are_signed_and_sign_itself_is_not() -> None:
    with_empty = {**VECTOR["params"], "receive": ""}
    assert sign(with_empty, SECRET) != VECTOR["sign"]
    assert "&receive=&" in sign_string(with_empty, SECRET)
    assert sign({**VECTOR["params"], "sign": "whatever"}, SECRET) == VECTOR["sign"]


# --- settings ------------------------------------------------------------------------------------------

def test_settings_parse_mask_and_hide_the_secret() -> None:
    raw = {"appId": APP_ID, "appSecret": SECRET, "timestampWindowSeconds": 120}
    settings = parse_settings(raw)
    assert settings == RandouSettings(APP_ID, SECRET, 120)
    assert SECRET not in repr(settings)
    assert parse_settings({"appId": APP_ID, "appSecret": SECRET}).timestamp_window_s == 300
    assert mask_settings(raw) == {**raw, "appSecret": MASK}


@pytest.mark.parametrize("raw, field", [
    ({"appSecret": "s"}, "appId"),
    ({"appId": "a"}, "appSecret"),
    ({"appId": "a", "appSecret": "s", "timestampWindowSeconds": 0}, "timestampWindowSeconds"),
    ({"appId": "a", "appSecret": "s", "timestampWindowSeconds": "300"}, "timestampWindowSeconds"),
    ({"appId": "a", "appSecret": "s", "timestampWindowSeconds": True}, "timestampWindowSeconds"),
])
def test_bad_settings_name_the_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings(raw)
    assert caught.value.field == field


def test_registry_builds_a_verifier() -> None:
    module = registry.module("randou")
    assert "randou" in registry.provider_names() and module.secret_fields == ("appSecret",)
    verifier = RandouWebhookVerifier(7, module.parse_settings({"appId": APP_ID, "appSecret": SECRET}))
    assert module.build is RandouWebhookVerifier
    assert isinstance(verifier, RandouWebhookVerifier) and verifier.name == "randou"
    assert verifier.settings.app_id == APP_ID and SECRET not in repr(verifier)
    assert verifier.check(signed()) is None
    assert verifier.check_age(verifier.parse(signed()), NOW) is None


# --- check_push ----------------------------------------------------------------------------------------

def test_a_good_push_passes_whatever_its_age() -> None:
    assert check_push({**VECTOR["params"], "sign": VECTOR["sign"]}, SETTINGS) is None
    assert check_push(signed(timestamp="1"), SETTINGS) is None  # its age is check_age's, for new pushes only


@pytest.mark.parametrize("params, refusal", [
    (signed(appid=None), PushRefusal.MALFORMED),
    (signed(timestamp=None), PushRefusal.MALFORMED),
    (signed(timestamp="17e8"), PushRefusal.MALFORMED),
    (signed(timestamp="1" * 30), PushRefusal.MALFORMED),
    ({k: v for k, v in signed().items() if k != "sign"}, PushRefusal.MALFORMED),
    ({**signed(), "sign": ""}, PushRefusal.MALFORMED),
    ({**signed(), "sign": "0" * 32}, PushRefusal.BAD_SIGN),
    ({**signed(), "uid": "u-2"}, PushRefusal.BAD_SIGN),
    (signed(appid="someone-else"), PushRefusal.WRONG_APPID),
    (signed(nonce_str=None), PushRefusal.MISSING_NONCE),
    (signed(nonce_str=""), PushRefusal.MISSING_NONCE),
    (signed(nonce_str="n" * 65), PushRefusal.MALFORMED),
    (signed(appid="a" * 65), PushRefusal.MALFORMED),
], ids=["no-appid", "no-timestamp", "timestamp-not-digits", "timestamp-huge", "no-sign", "empty-sign",
        "bad-sign", "changed-after-signing", "wrong-appid", "no-nonce", "empty-nonce", "long-nonce", "long-appid"])
def test_every_refusal(params: dict[str, str], refusal: PushRefusal) -> None:
    assert check_push(params, SETTINGS) is refusal


def test_a_wrong_appid_is_refused_even_with_the_right_secret_and_a_bad_sign_before_staleness() -> None:
    assert check_push(signed(appid="x"), SETTINGS) is PushRefusal.WRONG_APPID
    stale_and_forged = {**signed(timestamp="1"), "sign": "0" * 32}
    assert check_push(stale_and_forged, SETTINGS) is PushRefusal.BAD_SIGN


# --- parse_push: each stage and prize type of the seed ------------------------------------------------

def test_not_won() -> None:
    draw = parse_push({**VECTOR["params"], "sign": VECTOR["sign"]})
    assert (draw.serial_no, draw.uid, draw.nonce, draw.stage) == ("I388364710157766657", "u-1",
                                                                  "abcdefghij0123456789", STAGE_HIT)
    assert draw.hit is False and draw.receive is None and draw.prize_type is None and draw.credits == 0
    assert draw.mall_no == "JF_001" and draw.created_at == "2021-09-12 12:34:56"
    assert (draw.game_title, draw.game_id) == ("t", "ABC123")
    assert draw.raw["drawinggame_detail"] == {"title": "t", "uniqueID": "ABC123"} and "sign" not in draw.raw


def test_credits_won_and_received() -> None:
    draw = parse_push(push(receive="YES", prize={"type": "CREDITS", "name": "100积分", "credits_gain": 100}))
    assert draw.stage == STAGE_RECEIVE and draw.hit is True and draw.receive is True
    assert (draw.prize_type, draw.prize_name, draw.credits_gain, draw.credits) == ("CREDITS", "100积分", 100, 10)
    assert draw.order_result is None and draw.product_id is None
    assert draw.raw["prize"]["credits_gain"] == 100


def test_free_draw() -> None:
    draw = parse_push(push(receive="YES", prize={"type": "FREE_DRAW", "name": "再抽1次"}, credits="0"))
    assert (draw.stage, draw.prize_type, draw.credits, draw.credits_gain) == (STAGE_RECEIVE, "FREE_DRAW", 0, None)


def test_won_but_not_yet_received() -> None:
    draw = parse_push(push(prize={"type": "GOODS_MATERIAL", "name": "保温杯"}))
    assert (draw.stage, draw.hit, draw.receive, draw.prize_type) == (STAGE_HIT, True, None, "GOODS_MATERIAL")


@pytest.mark.parametrize("prize_type", ["GOODS_MATERIAL", "GOODS_COUPON", "GOODS_CHARGE"])
@pytest.mark.parametrize("result", ["success", "fail"])
def test_goods_shipped_with_an_order_result(prize_type: str, result: str) -> None:
    prize = {"type": prize_type, "name": "奖品", "order_result": result,
             "goods": {"product_no": "P-001", "product_name": "保温杯 500ml"}}
    draw = parse_push(push(receive="YES", prize=prize))
    assert (draw.stage, draw.prize_type, draw.order_result) == (STAGE_ORDER_RESULT, prize_type, result)
    assert (draw.product_id, draw.product_name) == ("P-001", "保温杯 500ml")
    assert draw.prize_kind == ("COUPON" if prize_type == "GOODS_COUPON" else "GOODS")


def test_prize_kinds() -> None:
    assert [prize_kind(t) for t in (None, "CREDITS", "FREE_DRAW", "GOODS_CHARGE", "NEW_TYPE")] == [
        None, "CREDITS", "FREE_DRAW", "GOODS", "NEW_TYPE"]


def test_goods_without_a_product_number_and_a_claim_that_expired() -> None:
    prize = {"type": "GOODS_CHARGE", "name": "话费", "order_result": "success",
             "goods": {"product_no": "", "product_name": "10元话费"}}
    assert parse_push(push(receive="YES", prize=prize)).product_id is None
    expired = parse_push(push(receive="NO", prize={"type": "GOODS_MATERIAL", "name": "保温杯"}))
    assert (expired.stage, expired.hit, expired.receive, expired.order_result) == (STAGE_RECEIVE, True, False, None)


def test_an_empty_optional_param_counts_as_absent_and_params_merge_like_laravel() -> None:
    assert parse_push({**signed(), "receive": "", "prize": ""}).stage == STAGE_HIT
    assert merge_params({"a": "1", "b": "q"}, {"b": "f"}) == {"a": "1", "b": "f"}


@pytest.mark.parametrize("changes, message", [
    ({"serialNo": None}, "serialNo"),
    ({"uid": None}, "uid"),
    ({"credits": None}, "credits"),
    ({"credits": "-1"}, "credits"),
    ({"credits": "ten"}, "credits"),
    ({"hit": "MAYBE"}, "hit"),
    ({"hit": None}, "hit"),
    ({"created_at": "2021/09/12"}, "created_at"),
    ({"drawinggame_detail": None}, "drawinggame_detail"),
    ({"drawinggame_detail": "{not json"}, "drawinggame_detail"),
    ({"drawinggame_detail": "[1, 2]"}, "drawinggame_detail"),
    ({"hit": "YES"}, "prize"),
    ({"hit": "YES", "prize": "{\"type\": \"CREDITS\""}, "prize"),
    ({"hit": "YES", "prize": "\"CREDITS\""}, "prize"),
    ({"hit": "YES", "prize": {"name": "x"}}, "prize.type"),
    ({"hit": "YES", "prize": {"type": "CREDITS"}}, "prize.name"),
    ({"hit": "YES", "receive": "YES", "prize": {"type": "CREDITS", "name": "x", "credits_gain": "lots"}},
     "prize.credits_gain"),
    ({"hit": "YES", "receive": "YES", "prize": {"type": "CREDITS", "name": "x", "credits_gain": True}},
     "prize.credits_gain"),
    ({"hit": "YES", "receive": "YES", "prize": {"type": "GOODS_COUPON", "name": "x", "goods": "P-1"}},
     "prize.goods"),
    ({"hit": "YES", "receive": "YES", "prize": {"type": "GOODS_COUPON", "name": "x", "goods": {"product_no": "1"}}},
     "prize.goods.product_name"),
    ({"hit": "YES", "receive": "YES", "prize": {"type": "GOODS_COUPON", "name": "x", "order_result": "ok"}},
     "prize.order_result"),
    ({"hit": "YES", "prize": {"type": "GOODS_COUPON", "name": "x", "order_result": "success"}},
     "prize.order_result"),
    ({"hit": "YES", "receive": "PERHAPS", "prize": {"type": "CREDITS", "name": "x"}}, "receive"),
    ({"receive": "YES"}, "receive"),
    ({"prize": {"type": "CREDITS", "name": "x"}}, "prize"),
])
def test_malformed_payloads_name_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_push(signed(**changes))
    assert str(caught.value).startswith(f"{message}:"), caught.value
