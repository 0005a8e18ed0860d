"""Allinpay wire format: the request form and reading signed answers, against seed 002's printed samples
and PROTOCOLS.md §2's quotes (tests/fixtures/seeds/allinpay/), and tranDateTime. The outcome table:
test_allinpay_outcomes.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from providers.allinpay.client import CouponSendRequest
from providers.allinpay.settings import AllinpaySettings, parse_settings
from providers.allinpay.signing import RSA, generate_test_keypair, sign_response, verify_request
from providers.allinpay.times import normalise_tran_date_time
from providers.allinpay.wire import COUPON_SEND, CouponAnswer, parse_response, request_form
from tests.allinpay_seed import (
    protocols_quote,
    sdk_biz_content,
    seed_request,
    seed_request_fields,
    seed_response,
    seed_response_signed_with,
)

DATA = seed_response()["data"]  # the seed's sample answer's data, as printed
QR = DATA["list"][0]["qrCodeContext"]


@pytest.fixture(scope="module")
def keys() -> dict[str, tuple[str, str]]:
    return {"merchant": generate_test_keypair(), "gateway": generate_test_keypair()}


def settings_for(keys: dict[str, tuple[str, str]], **changes: Any) -> AllinpaySettings:
    return parse_settings({"baseUrl": "http://test.allinpay.com/op/gateway", "appId": "1581648210684",
                           "privateKeyPem": keys["merchant"][0], "providerPublicKeyPem": keys["gateway"][1],
                           **changes})


@pytest.fixture(scope="module")
def settings(keys: dict[str, tuple[str, str]]) -> AllinpaySettings:
    return settings_for(keys)


def gateway_body(keys: dict[str, tuple[str, str]], envelope: dict[str, Any], variant: str = "MD5_RSA") -> bytes:
    signed = {**envelope, "sign": sign_response(envelope, keys["gateway"][0], variant)}
    return json.dumps(signed, ensure_ascii=False).encode("utf-8")


# ---- the request form ----


def test_request_form_carries_the_common_parameters_in_beijing_time(keys: dict[str, tuple[str, str]],
                                                                   settings: AllinpaySettings) -> None:
    form = request_form(settings, {"orderId": "O1", "num": "2"}, datetime(2026, 11, 24, 4, 0, 0, tzinfo=UTC))
    assert {name: value for name, value in form.items() if name != "sign"} == {
        "appId": "1581648210684", "method": COUPON_SEND, "charset": "utf-8", "format": "JSON",
        "signType": "SHA256WithRSA", "timestamp": "2026-11-24 12:00:00", "version": "1.0",
        "bizContent": '{"num":"2","orderId":"O1"}'}
    assert verify_request(form, keys["merchant"][1], "MD5_RSA")


def test_biz_content_is_compact_sorted_and_unescaped_so_a_resend_is_byte_identical(
        settings: AllinpaySettings) -> None:
    moment = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    first = request_form(settings, {"remark": "春节", "orderId": "O1"}, moment)
    again = request_form(settings, {"orderId": "O1", "remark": "春节"}, moment)
    assert first["bizContent"] == again["bizContent"] == '{"orderId":"O1","remark":"春节"}'
    assert first["sign"] == again["sign"]


def test_request_form_signs_in_the_configured_variant(keys: dict[str, tuple[str, str]]) -> None:
    form = request_form(settings_for(keys, signVariant="RSA"), {"orderId": "O1"}, datetime.now(UTC))
    assert verify_request(form, keys["merchant"][1], RSA) and not verify_request(form, keys["merchant"][1])


def test_request_form_refuses_a_naive_time(settings: AllinpaySettings) -> None:
    with pytest.raises(ValueError):
        request_form(settings, {}, datetime(2026, 11, 24, 12, 0))


def test_coupon_send_request_uses_the_seeds_names_num_as_text_and_omits_unset() -> None:
    request = CouponSendRequest(order_id="O1", coupon_template_id="307", num=10, coupon_type="1", oper_user_id="u1",
                                shop_code="S9", id_type="1", member_account="13800138000")
    assert request.biz_content() == {"orderId": "O1", "couponTemplateId": "307", "num": "10", "couponType": "1",
                                     "operUserId": "u1", "shopCode": "S9", "idType": "1", "memberId": "13800138000"}
    assert "13800138000" not in repr(request)


# ---- reading answers ----


def test_signed_answer_is_read(keys: dict[str, tuple[str, str]], settings: AllinpaySettings) -> None:
    answer = parse_response(200, gateway_body(keys, {"code": 0, "msg": None, "data": DATA}), settings)
    assert answer == CouponAnswer(code=0, msg="", tran_no="50806050005080208145",
                                  tran_date_time="2020-04-10T16:03:49+08:00", coupons=({"qrCodeContext": QR},),
                                  data=DATA)


def test_answer_signed_in_the_rsa_variant_is_read_with_rsa_settings(keys: dict[str, tuple[str, str]]) -> None:
    body = gateway_body(keys, {"code": 3, "msg": "券库存不足", "data": None}, variant=RSA)
    assert parse_response(200, body, settings_for(keys, signVariant="RSA")) == CouponAnswer(code=3, msg="券库存不足")
    assert parse_response(200, body, settings_for(keys)) is None


def test_string_code_digits_are_accepted(keys: dict[str, tuple[str, str]], settings: AllinpaySettings) -> None:
    answer = parse_response(200, gateway_body(keys, {"code": "3", "msg": "x", "data": None}), settings)
    assert answer is not None and answer.code == 3


@pytest.mark.parametrize(("status", "body"), [
    (500, b"Internal Server Error"),
    (200, b"<html><body>502 Bad Gateway</body></html>"),
    (200, b'["not", "an", "envelope"]'),
    (200, b'{"code": 0, "msg": "ok", "data": {}}'),  # no sign
    (200, b"\xff\xfe"),
])
def test_what_is_not_a_signed_envelope_is_no_answer(settings: AllinpaySettings, status: int, body: bytes) -> None:
    assert parse_response(status, body, settings) is None


@pytest.mark.parametrize("code", [None, True, "zero", 1.5])
def test_an_envelope_without_an_integer_code_is_no_answer(keys: dict[str, tuple[str, str]],
                                                          settings: AllinpaySettings, code: Any) -> None:
    assert parse_response(200, gateway_body(keys, {"code": code, "msg": "", "data": DATA}), settings) is None


def test_tampered_or_foreign_signed_answers_are_no_answer(keys: dict[str, tuple[str, str]],
                                                          settings: AllinpaySettings) -> None:
    signed = json.loads(gateway_body(keys, {"code": 3, "msg": "券库存不足", "data": None}))
    tampered = json.dumps({**signed, "code": 0, "data": DATA}).encode()
    assert parse_response(200, tampered, settings) is None
    forged = {"code": 0, "msg": "", "data": DATA}
    forged["sign"] = sign_response(forged, keys["merchant"][0])  # a key that is not the gateway's
    assert parse_response(200, json.dumps(forged).encode(), settings) is None


@pytest.mark.parametrize(("value", "expected"), [
    ([2020, 4, 10, 16, 3, 49], "2020-04-10T16:03:49+08:00"),
    ([2020, 4, 10, 16, 3], "2020-04-10T16:03:00+08:00"),  # Jackson drops zero seconds
    ([2020, 4, 10, 16, 3, 49, 123000000], "2020-04-10T16:03:49+08:00"),
    ("2020-04-10 16:03:49", "2020-04-10T16:03:49+08:00"),
    ("20200410160349", "2020-04-10T16:03:49+08:00"),
    ("2020-04-10T16:03:49", "2020-04-10T16:03:49+08:00"),
    ("2020-04-10T08:03:49+00:00", "2020-04-10T16:03:49+08:00"),
    ([2020, 13, 10, 16, 3, 49], None), ([2020, 4], None), (["2020", 4, 10, 16, 3], None), ("yesterday", None),
    (None, None), (20200410, None),
])
def test_tran_date_time_array_or_text_becomes_iso_with_offset(value: Any, expected: str | None) -> None:
    assert normalise_tran_date_time(value) == expected



# ---- seed 002's samples and PROTOCOLS.md §2's quotes ----


def seed_order(order_id: str = "O1") -> CouponSendRequest:
    """The order of the seed's sample request: 10 electronic coupons of template 307, shop 1, cashier 1."""
    return CouponSendRequest(order_id=order_id, coupon_template_id="307", num=10, coupon_type="1", oper_user_id="1",
                             shop_id="1")


def test_the_seeds_sample_order_is_sent_as_the_seeds_sample_request_plus_its_order_id() -> None:
    biz = seed_order().biz_content()
    assert biz == {**seed_request(), "orderId": "O1"}  # the same names, values and string types


def test_the_sdk_biz_content_sample_is_what_the_adapter_sends() -> None:
    assert seed_order("…").biz_content() == sdk_biz_content()


def test_every_field_sent_is_in_the_seeds_request_table_and_every_required_one_is_sent() -> None:
    table = seed_request_fields()
    every_field = CouponSendRequest(order_id="O1", coupon_template_id="307", num=1, coupon_type="1",
                                    oper_user_id="1", shop_id="1", shop_code="S1", id_type="1", member_account="m",
                                    source_type="1", source_value="v", remark="r").biz_content()
    assert set(every_field) <= set(table)
    assert {name for name, required in table.items() if required} <= set(seed_order().biz_content())


def test_the_request_form_has_the_sdks_fields_and_fixed_values(settings: AllinpaySettings) -> None:
    quote = protocols_quote("request_form")
    listed = quote[quote.index("with `") + len("with `"): quote.index("`. Optional")]
    pairs = [item.strip().partition("=") for item in listed.split(",")]  # "name" or "name=value"
    named = {name: value for name, _, value in pairs}
    form = request_form(settings, seed_order().biz_content(), datetime(2020, 4, 10, 8, 3, 49, tzinfo=UTC))
    assert set(form) == set(named)
    fixed = {name: value for name, value in named.items() if value and not value.startswith(("<", '"'))}
    assert fixed == {"charset": "utf-8", "format": "JSON", "signType": "SHA256WithRSA", "version": "1.0"}
    assert {name: form[name] for name in fixed} == fixed
    assert named["timestamp"].startswith('"yyyy-MM-dd HH:mm:ss"') and form["timestamp"] == "2020-04-10 16:03:49"


def test_the_seeds_sample_answer_is_read_as_printed(keys: dict[str, tuple[str, str]],
                                                    settings: AllinpaySettings) -> None:
    printed = seed_response()
    answer = parse_response(200, seed_response_signed_with(keys["gateway"][0]), settings)
    assert answer == CouponAnswer(code=0, msg="", tran_no="50806050005080208145",
                                  tran_date_time="2020-04-10T16:03:49+08:00",
                                  coupons=({"qrCodeContext": printed["data"]["list"][0]["qrCodeContext"]},),
                                  data=printed["data"])


def test_the_seeds_sample_answer_with_its_own_sign_is_no_answer_to_us(settings: AllinpaySettings) -> None:
    # Signed with Allinpay's key, not the test gateway's: an answer we cannot verify is no answer.
    assert parse_response(200, json.dumps(seed_response(), ensure_ascii=False).encode(), settings) is None
