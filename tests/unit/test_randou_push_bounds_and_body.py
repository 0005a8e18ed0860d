"""Randou (seed 001), what keeps a retry from being refused for good and a bad push from crashing: the
seed's samples (tests/fixtures/seeds/randou/) read as Randou's shapes, the accept window, every field's
bounds, and pushes sent as a JSON body."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from providers import registry
from providers.randou.push_body import MAX_BODY_BYTES, is_json_content_type, params_from_json_body
from providers.randou.settings import RandouSettings, parse_settings
from providers.randou.signing import sign, verify
from providers.randou.webhook import (
    STAGE_HIT,
    STAGE_ORDER_RESULT,
    STAGE_RECEIVE,
    PushRefusal,
    check_age,
    check_push,
    parse_push,
)
from providers.settings import SettingsInvalid
from tests.randou_support import (
    as_text,
    seed_credentials,
    seed_push,
    seed_push_names,
    seed_table_fields,
    signed_form,
    signed_json_body,
)

APP_ID, SECRET = seed_credentials()
SETTINGS = parse_settings({"appId": APP_ID, "appSecret": SECRET})
NOW = datetime.fromtimestamp(1_700_000_000, UTC)
SENT = int(NOW.timestamp())


def form(fields: dict[str, Any], **changes: Any) -> dict[str, str]:
    """A seed sample, changed, as a correctly signed form push."""
    return signed_form({**fields, **changes}, timestamp=SENT)


# --- the seed's samples -------------------------------------------------------------------------------

EXPECTED = {  # sample: (stage, prize kind, order result)
    "not-won": (STAGE_HIT, None, None),
    "credits-received": (STAGE_RECEIVE, "CREDITS", None),
    "free-draw-received": (STAGE_RECEIVE, "FREE_DRAW", None),
    "coupon-issued": (STAGE_ORDER_RESULT, "COUPON", "success"),
    "goods-shipped": (STAGE_ORDER_RESULT, "GOODS", "success"),
    "charge-order-failed": (STAGE_ORDER_RESULT, "GOODS", "fail"),
    "claim-expired": (STAGE_RECEIVE, "GOODS", None),
}


def test_there_is_a_sample_per_case_of_the_seed() -> None:
    assert seed_push_names() == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_has_the_fields_of_the_seeds_tables(name: str) -> None:
    tables = seed_table_fields()
    push = seed_push(name)
    objects = {"": push, "drawinggame_detail": push["drawinggame_detail"], "prize": push.get("prize"),
               "prize.goods": (push.get("prize") or {}).get("goods")}
    for table, fields in tables.items():
        sent = objects[table]
        if sent is None:
            continue
        assert set(sent) <= {field.rstrip("!") for field in fields}, (table, set(sent))
        assert {field.rstrip("!") for field in fields if field.endswith("!")} <= set(sent), table


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_is_authentic_and_parses(name: str) -> None:
    params = form(seed_push(name))
    assert check_push(params, SETTINGS) is None
    draw = parse_push(params)
    assert (draw.stage, draw.prize_kind, draw.order_result) == EXPECTED[name]
    assert (draw.serial_no, draw.mall_no, draw.created_at) == ("I388364710157766657", "JF_001", "2021-09-12 12:34:56")
    assert draw.timestamp == SENT and check_age(draw, SETTINGS, NOW) is None


# --- the accept window --------------------------------------------------------------------------------

def test_the_accept_window_is_a_day_by_default_and_a_setting() -> None:
    assert (SETTINGS.accept_window_s, SETTINGS.timestamp_window_s) == (86_400, 300)
    custom = parse_settings({"appId": APP_ID, "appSecret": SECRET, "acceptWindowSeconds": 3_600})
    assert custom == RandouSettings(APP_ID, SECRET, 300, 3_600)
    assert "acceptWindowSeconds" in registry.module("randou").known_settings


def test_nonces_are_kept_as_long_as_a_new_push_can_be_accepted() -> None:
    assert SETTINGS.nonce_retention_s == 86_400 + 300
    # The last moment the push can be accepted as new is within its nonce's retention from any moment it
    # could first have been received (the earliest: as far ahead of our clock as allowed).
    earliest_receipt = SENT - SETTINGS.timestamp_window_s
    last_acceptance = SENT + SETTINGS.accept_window_s
    assert last_acceptance - earliest_receipt <= SETTINGS.nonce_retention_s


@pytest.mark.parametrize("value", [0, 299, 7 * 86_400 + 1, "86400", True, None])
def test_a_bad_accept_window_names_the_setting(value: Any) -> None:
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings({"appId": APP_ID, "appSecret": SECRET, "acceptWindowSeconds": value})
    assert caught.value.field == "acceptWindowSeconds"


@pytest.mark.parametrize(("age_s", "refusal"), [
    (0, None), (600, None), (23 * 3600, None), (86_400, None), (86_401, PushRefusal.STALE),
    (-300, None), (-301, PushRefusal.STALE),
], ids=["now", "10-min", "23-h", "a-day", "past-the-window", "ahead-by-the-skew", "too-far-ahead"])
def test_check_age(age_s: int, refusal: PushRefusal | None) -> None:
    draw = parse_push(form(seed_push("credits-received")))
    assert check_age(draw, SETTINGS, NOW + timedelta(seconds=age_s)) is refusal


def test_a_shorter_window_is_honoured() -> None:
    draw = parse_push(form(seed_push("credits-received")))
    short = RandouSettings(APP_ID, SECRET, accept_window_s=3_600)
    assert check_age(draw, short, NOW + timedelta(seconds=3_600)) is None
    assert check_age(draw, short, NOW + timedelta(seconds=3_601)) is PushRefusal.STALE


# --- every field's bounds: signed, yet refused as malformed (never a crash) --------------------------

CREDITS = seed_push("credits-received")
GOODS = seed_push("goods-shipped")


def prize(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base["prize"], **changes}


def goods(**changes: Any) -> dict[str, Any]:
    return prize(GOODS, goods={**GOODS["prize"]["goods"], **changes})


@pytest.mark.parametrize(("fields", "field"), [
    ({**CREDITS, "prize": prize(CREDITS, credits_gain=2**63)}, "prize.credits_gain"),
    ({**CREDITS, "prize": prize(CREDITS, credits_gain=2**31)}, "prize.credits_gain"),
    ({**CREDITS, "prize": prize(CREDITS, credits_gain=-1)}, "prize.credits_gain"),
    ({**CREDITS, "prize": prize(CREDITS, credits_gain=1.5)}, "prize.credits_gain"),
    ({**CREDITS, "prize": prize(CREDITS, credits_gain="1e3")}, "prize.credits_gain"),
    ({**CREDITS, "prize": prize(CREDITS, credits_gain="9" * 5000)}, "prize.credits_gain"),
    ({**CREDITS, "prize": prize(CREDITS, credits_gain="１００")}, "prize.credits_gain"),
    ({**CREDITS, "credits": str(2**63)}, "credits"),
    ({**CREDITS, "credits": "-1"}, "credits"),
    ({**CREDITS, "credits": "10.0"}, "credits"),
    ({**CREDITS, "uid": "u\x001"}, "uid"),
    ({**CREDITS, "uid": "u\n1"}, "uid"),
    ({**CREDITS, "uid": "u" * 65}, "uid"),
    ({**CREDITS, "serialNo": "I" * 21}, "serialNo"),
    ({**CREDITS, "serialNo": "I38836471\x00"}, "serialNo"),
    ({**CREDITS, "mall_no": "JF_0001"}, "mall_no"),
    ({**CREDITS, "created_at": "2021-09-12 12:34:56.000"}, "created_at"),
    ({**CREDITS, "hit": "YES\x00"}, "hit"),
    ({**CREDITS, "drawinggame_detail": {"title": "t" * 65, "uniqueID": "ABC123"}}, "drawinggame_detail.title"),
    ({**CREDITS, "drawinggame_detail": {"title": "t", "uniqueID": "ABC1234"}}, "drawinggame_detail.uniqueID"),
    ({**CREDITS, "drawinggame_detail": {"title": "t", "uniqueID": 123456}}, "drawinggame_detail.uniqueID"),
    ({**CREDITS, "drawinggame_detail": "x" * 20_001}, "drawinggame_detail"),
    ({**CREDITS, "prize": prize(CREDITS, type="T" * 65)}, "prize.type"),
    ({**CREDITS, "prize": prize(CREDITS, name="奖" * 257)}, "prize.name"),
    ({**CREDITS, "prize": prize(CREDITS, name="100\x00积分")}, "prize.name"),
    ({**CREDITS, "prize": '{"type":"CREDITS","name":"100\\ud800"}'}, "prize.name"),  # an escaped lone surrogate
    ({**GOODS, "prize": goods(product_no="CUP\x00")}, "prize.goods.product_no"),
    ({**GOODS, "prize": goods(product_no="C" * 21)}, "prize.goods.product_no"),
    ({**GOODS, "prize": goods(product_no=["CUP"])}, "prize.goods.product_no"),
    ({**GOODS, "prize": goods(product_name="杯" * 256)}, "prize.goods.product_name"),
], ids=["gain-2^63", "gain-2^31", "gain-negative", "gain-fraction", "gain-exponent", "gain-5000-digits",
        "gain-fullwidth", "credits-2^63", "credits-negative", "credits-fraction", "uid-NUL", "uid-newline",
        "uid-65", "serial-21", "serial-NUL", "mall-7", "created-at-millis", "hit-NUL", "title-65", "game-id-7",
        "game-id-number", "detail-20001", "type-65", "name-257", "name-NUL", "name-surrogate",
        "product-no-NUL", "product-no-21", "product-no-list", "product-name-256"])
def test_a_signed_push_out_of_bounds_is_malformed(fields: dict[str, Any], field: str) -> None:
    params = form(fields)
    assert check_push(params, SETTINGS) is None  # signed: refused for its content, not its signature
    with pytest.raises(ValueError) as caught:
        parse_push(params)
    assert str(caught.value).startswith(f"{field}:"), caught.value


def test_the_bounds_themselves_are_accepted() -> None:
    fields = {**GOODS, "uid": "u" * 64, "serialNo": "I" * 20, "credits": 2**31 - 1,
              "drawinggame_detail": {"title": "t" * 64, "uniqueID": "A" * 6},
              "prize": {**goods(product_no="C" * 20, product_name="杯\t" * 127 + "杯"), "name": "奖\n" * 128}}
    draw = parse_push(form(fields))
    assert (len(draw.uid), len(draw.serial_no), draw.credits, draw.product_id) == (64, 20, 2**31 - 1, "C" * 20)
    gain = parse_push(form({**CREDITS, "prize": prize(CREDITS, credits_gain=2**31 - 1)}))
    assert gain.credits_gain == 2**31 - 1


@pytest.mark.parametrize("nonce", ["n" * 65, "n" * 129, "abc\x00def", "abc def", "随机串", "\ud800"],
                         ids=["65", "129", "NUL", "space", "not-ascii", "surrogate"])
def test_a_nonce_that_could_not_be_stored_is_malformed(nonce: str) -> None:
    fields = {as_name: as_text(value) for as_name, value in CREDITS.items()}
    params = {**fields, "appid": APP_ID, "timestamp": str(SENT), "nonce_str": nonce}
    try:
        params["sign"] = sign(params, SECRET)
    except UnicodeEncodeError:  # a lone surrogate cannot even be signed: any sign will do
        params["sign"] = "0" * 32
    assert check_push(params, SETTINGS) is PushRefusal.MALFORMED


# --- JSON bodies --------------------------------------------------------------------------------------

def test_a_json_body_reads_as_the_same_form_push() -> None:
    fields = seed_push("goods-shipped")
    from_json = params_from_json_body(signed_json_body(fields, timestamp=SENT))
    assert from_json == form(fields)
    assert check_push(from_json, SETTINGS) is None
    assert parse_push(from_json).product_id == "CUP500"


def test_nested_objects_are_signed_as_their_text_in_the_body() -> None:
    # Spaced and escaped the way a sender wrote them: that very text is what it signed.
    prize_text = '{ "type": "CREDITS", "name": "100\\u79ef\\u5206", "credits_gain": 100 }'
    detail_text = '{"title":"\\u6625\\u5b63\\u62bd\\u5956","uniqueID":"ABC123"}'
    signed_params = {**{k: as_text(v) for k, v in CREDITS.items()}, "prize": prize_text,
                     "drawinggame_detail": detail_text, "appid": APP_ID, "timestamp": str(SENT), "nonce_str": "n1"}
    signed_params["sign"] = sign(signed_params, SECRET)
    body = "{\n" + ",\n".join(
        f'  {json.dumps(name)}: {value if name in ("prize", "drawinggame_detail") else json.dumps(value)}'
        for name, value in signed_params.items()) + "\n}"
    params = params_from_json_body(body.encode())
    assert params["prize"] == prize_text and verify(params, SECRET)
    draw = parse_push(params)
    assert (draw.prize_name, draw.game_title, draw.credits_gain) == ("100积分", "春季抽奖", 100)


def test_nested_objects_may_also_come_as_json_text_and_numbers_as_literals() -> None:
    body = '{"prize": "{\\"type\\":\\"CREDITS\\"}", "credits": 10, "big": 12345678901234567890, "receive": null, ' \
           '"ratio": -1.5e3}'
    assert params_from_json_body(body.encode()) == {"prize": '{"type":"CREDITS"}', "credits": "10",
                                                    "big": "12345678901234567890", "receive": "", "ratio": "-1.5e3"}


@pytest.mark.parametrize("body", [
    b"", b"{", b"[1, 2]", b'"text"', b"\xff\xfe{}", b'{"hit": true}', b'{"hit": ["YES"]}',
    b'{"hit": "YES", "hit": "NO"}', b'{"uid": "u"}' + b" " * MAX_BODY_BYTES,
    json.dumps({f"f{i}": "x" for i in range(101)}).encode(), b"[" * 100_000,
], ids=["empty", "truncated", "array", "string", "not-utf8", "boolean", "list-value", "name-twice", "too-big",
        "101-fields", "deep"])
def test_a_body_a_form_cannot_carry_is_refused(body: bytes) -> None:
    with pytest.raises(ValueError):
        params_from_json_body(body)


def test_a_lone_surrogate_in_a_json_body_is_malformed_not_a_crash() -> None:
    params = params_from_json_body(b'{"uid": "\\ud800", "appid": "%s", "timestamp": "1", "nonce_str": "n", '
                                   b'"sign": "0"}' % APP_ID.encode())
    assert check_push(params, SETTINGS) is PushRefusal.MALFORMED


@pytest.mark.parametrize(("content_type", "is_json"), [
    ("application/json", True), ("application/json; charset=utf-8", True), ("Application/JSON", True),
    ("application/vnd.randou+json", True), ("application/x-www-form-urlencoded", False),
    ("multipart/form-data; boundary=x", False), ("", False), ("text/json-ish", False),
])
def test_json_content_types(content_type: str, is_json: bool) -> None:
    assert is_json_content_type(content_type) is is_json
