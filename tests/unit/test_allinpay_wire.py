"""Allinpay wire format: the request form, reading signed answers, tranDateTime, and the outcome table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.allinpay.client import CouponSendRequest
from providers.allinpay.settings import AllinpaySettings, parse_settings
from providers.allinpay.signing import RSA, generate_test_keypair, sign_response, verify_request
from providers.allinpay.times import normalise_tran_date_time
from providers.allinpay.wire import COUPON_SEND, CouponAnswer, coupon_outcome, parse_response, request_form

QR = "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQF48DwAAAAAAAAAAS5o"
DATA = {"tranNo": "50806050005080208145", "shopName": None, "tranDateTime": [2020, 4, 10, 16, 3, 49],
        "list": [{"templateId": 307, "couponName": "专门测试ZHT", "couponNo": None, "qrCodeContext": QR}]}


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


# ---- the outcome table ----


def test_code_0_is_issued_with_order_and_tran_no_and_the_coupons() -> None:
    answer = CouponAnswer(code=0, msg="成功", tran_no="T1", tran_date_time="2020-04-10T16:03:49+08:00",
                          coupons=({"couponNo": "C1"}, {"couponNo": "C2"}))
    assert coupon_outcome(answer, "O1", 2) == Accepted(
        status=RewardStatus.ISSUED, amount=2, refs={"orderId": "O1", "tranNo": "T1"},
        details={"coupons": [{"couponNo": "C1"}, {"couponNo": "C2"}], "tranDateTime": "2020-04-10T16:03:49+08:00"})


def test_code_3_is_a_final_refusal_with_the_gateways_reason() -> None:
    assert coupon_outcome(CouponAnswer(code=3, msg="券模板不存在"), "O1", 1) == Rejected(
        code="3", message="券模板不存在", retryable=False, status=RewardStatus.FAILED)


def test_code_3_duplicate_order_id_is_unknown_because_that_order_may_have_issued() -> None:
    assert isinstance(coupon_outcome(CouponAnswer(code=3, msg="订单号重复"), "O1", 1), Unknown)


@pytest.mark.parametrize("code", [1, 2, 4, 9103, -1, 10000])
def test_any_other_code_is_unknown(code: int) -> None:
    assert isinstance(coupon_outcome(CouponAnswer(code=code, msg="?"), "O1", 1), Unknown)


def test_no_answer_is_unknown() -> None:
    assert isinstance(coupon_outcome(None, "O1", 1), Unknown)


@pytest.mark.parametrize("answer", [
    CouponAnswer(code=0, msg="", tran_no=None, coupons=({"couponNo": "C1"},)),
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=()),
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=({"couponNo": "C1"}, {"couponNo": "C2"})),
    CouponAnswer(code=0, msg="", tran_no="T1", coupons=(), unreadable_coupons=1),
])
def test_success_that_does_not_show_the_coupons_asked_for_is_unknown(answer: CouponAnswer) -> None:
    assert isinstance(coupon_outcome(answer, "O1", 1), Unknown)
