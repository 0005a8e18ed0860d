"""Allinpay signing: the shared vectors (PROTOCOLS.md §2), RSA round trips in both variants, and refusals."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from providers.allinpay.signing import (
    MD5_RSA,
    RSA,
    generate_test_keypair,
    load_public_key,
    md5_base64,
    presign_string,
    response_sign_payload,
    sign_request,
    sign_response,
    verify_request,
    verify_response,
)
from tests.allinpay_seed import seed_response
from tests.fixtures import provider_vectors

VARIANTS = [MD5_RSA, RSA]
PARAMS = {"appId": "1581648210684", "method": "allinpay.shopoint.couponService.couponSend", "charset": "utf-8",
          "format": "JSON", "signType": "SHA256WithRSA", "timestamp": "2026-11-24 12:00:00", "version": "1.0",
          "bizContent": '{"couponTemplateId":"307","num":"1","orderId":"O1","remark":"春节"}'}
RESPONSE = {"code": 0, "msg": "成功",
            "data": {"tranNo": "5080", "shopName": None, "tranDateTime": [2020, 4, 10, 16, 3, 49],
                     "list": [{"templateId": 307, "couponName": "测试券", "couponNo": None,
                               "qrCodeContext": "https://x/q?a=1&b=2"}]}}


def _vectors() -> dict[str, Any]:
    return provider_vectors("allinpay_002")


@pytest.fixture(scope="module")
def merchant() -> tuple[str, str]:
    return generate_test_keypair()


@pytest.fixture(scope="module")
def stranger() -> tuple[str, str]:
    return generate_test_keypair()


# ---- the shared vectors ----


def test_vector_request_presign_string_and_its_md5_base64() -> None:
    vector = _vectors()["request_predigest"]
    assert presign_string(vector["params"]) == vector["string"]
    assert md5_base64(vector["string"]) == vector["base64_md5"]


def test_vector_response_payload_and_its_md5_base64() -> None:
    vector = _vectors()["response_verify_text"]
    assert response_sign_payload(vector["response"]) == vector["string"]
    assert md5_base64(vector["string"]) == vector["base64_md5"]


# ---- the request text ----


def test_presign_string_drops_sign_sign_type_and_empty_values() -> None:
    noisy = {**PARAMS, "sign": "abc", "notifyUrl": "", "appAuthToken": None}
    assert presign_string(noisy) == presign_string(PARAMS)
    assert "signType" not in presign_string(PARAMS) and presign_string(PARAMS).startswith("appId=")


def test_presign_string_keeps_values_as_sent_without_escaping() -> None:
    assert presign_string({"b": "x&y=z", "a": "春节 1"}) == "a=春节 1&b=x&y=z"


# ---- request signatures ----


@pytest.mark.parametrize("variant", VARIANTS)
def test_request_round_trip(merchant: tuple[str, str], variant: str) -> None:
    signature = sign_request(PARAMS, merchant[0], variant)
    assert verify_request({**PARAMS, "sign": signature}, merchant[1], variant)


def test_a_1024_bit_signature_has_the_seeds_length_and_is_deterministic(merchant: tuple[str, str]) -> None:
    signature = sign_request(PARAMS, merchant[0])
    assert len(signature) == 172 and len(base64.b64decode(signature)) == 128
    assert sign_request(PARAMS, merchant[0]) == signature  # PKCS#1 v1.5 has no randomness


def test_the_variants_sign_different_messages(merchant: tuple[str, str]) -> None:
    assert sign_request(PARAMS, merchant[0], MD5_RSA) != sign_request(PARAMS, merchant[0], RSA)


@pytest.mark.parametrize("variant", VARIANTS)
def test_request_signed_by_another_key_is_refused(merchant: tuple[str, str], stranger: tuple[str, str],
                                                  variant: str) -> None:
    signature = sign_request(PARAMS, stranger[0], variant)
    assert not verify_request({**PARAMS, "sign": signature}, merchant[1], variant)


@pytest.mark.parametrize("variant", VARIANTS)
def test_request_changed_after_signing_is_refused(merchant: tuple[str, str], variant: str) -> None:
    signature = sign_request(PARAMS, merchant[0], variant)
    changed = {**PARAMS, "bizContent": PARAMS["bizContent"].replace('"num":"1"', '"num":"9"'), "sign": signature}
    assert not verify_request(changed, merchant[1], variant)


def test_request_signed_in_the_other_variant_is_refused(merchant: tuple[str, str]) -> None:
    signature = sign_request(PARAMS, merchant[0], RSA)
    assert not verify_request({**PARAMS, "sign": signature}, merchant[1], MD5_RSA)


@pytest.mark.parametrize("sign", [None, "", "not base64!!", "AAAA", 12345])
def test_missing_or_malformed_sign_is_refused(merchant: tuple[str, str], sign: Any) -> None:
    params: dict[str, Any] = dict(PARAMS) if sign is None else {**PARAMS, "sign": sign}
    assert not verify_request(params, merchant[1])


def test_a_changed_sign_type_does_not_matter_because_it_is_not_signed(merchant: tuple[str, str]) -> None:
    signature = sign_request(PARAMS, merchant[0])
    assert verify_request({**PARAMS, "signType": "RSA2", "sign": signature}, merchant[1])


def test_unknown_variant_is_a_value_error(merchant: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="unknown sign variant"):
        sign_request(PARAMS, merchant[0], "SHA1_RSA")


def test_a_public_key_cannot_sign_and_garbage_cannot_verify(merchant: tuple[str, str]) -> None:
    with pytest.raises(ValueError):
        sign_request(PARAMS, merchant[1])
    with pytest.raises(ValueError):
        verify_request({**PARAMS, "sign": "AAAA"}, "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")


def test_a_2048_bit_key_signs_too() -> None:
    private_pem, public_pem = generate_test_keypair(2048)
    signature = sign_request(PARAMS, private_pem)
    assert len(signature) == 344 and verify_request({**PARAMS, "sign": signature}, public_pem)


def test_generated_keys_are_pem_and_each_pair_is_new(merchant: tuple[str, str], stranger: tuple[str, str]) -> None:
    assert merchant[0].startswith("-----BEGIN PRIVATE KEY-----")
    assert merchant[1].startswith("-----BEGIN PUBLIC KEY-----")
    assert load_public_key(merchant[1]).key_size == 1024
    assert merchant != stranger


# ---- response signatures ----


def test_response_payload_sorts_keys_at_every_depth_keeps_null_and_non_ascii() -> None:
    payload = response_sign_payload({**RESPONSE, "sign": "ignored"})
    assert payload.startswith('{"code":0,"data":{"list":[{"couponName":"测试券","couponNo":null,')
    assert '"tranNo":"5080"},"msg":"成功"}' in payload and "sign" not in payload
    assert "https://x/q?a=1&b=2" in payload  # "/" is not escaped


def test_response_payload_does_not_depend_on_key_order() -> None:
    reordered = {"data": dict(reversed(list(RESPONSE["data"].items()))), "msg": "成功", "code": 0}
    assert response_sign_payload(reordered) == response_sign_payload(RESPONSE)


@pytest.mark.parametrize("variant", VARIANTS)
def test_response_round_trip(merchant: tuple[str, str], variant: str) -> None:
    signed = {**RESPONSE, "sign": sign_response(RESPONSE, merchant[0], variant)}
    assert verify_response(signed, merchant[1], variant)
    assert verify_response(json.loads(json.dumps(signed)), merchant[1], variant)  # after a trip through JSON


@pytest.mark.parametrize("variant", VARIANTS)
def test_tampered_response_is_refused(merchant: tuple[str, str], stranger: tuple[str, str], variant: str) -> None:
    signed = {**RESPONSE, "sign": sign_response(RESPONSE, merchant[0], variant)}
    assert not verify_response({**signed, "code": 3}, merchant[1], variant)
    assert not verify_response({**signed, "data": {**RESPONSE["data"], "tranNo": "9999"}}, merchant[1], variant)
    assert not verify_response(signed, stranger[1], variant)
    assert not verify_response(dict(RESPONSE), merchant[1], variant)  # no sign at all


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_seeds_sample_answer_signs_and_verifies_with_a_sign_as_long_as_the_seeds(
        merchant: tuple[str, str], variant: str) -> None:
    printed = seed_response()
    unsigned = {name: value for name, value in printed.items() if name != "sign"}
    payload = response_sign_payload(printed)
    assert payload.startswith('{"code":0,"data":{"list":[{"couponName":"专门测试ZHT","couponNo":null,')
    assert '"shopName":null,"tranDateTime":[2020,4,10,16,3,49],"tranNo":"50806050005080208145"}}' in payload
    signed = {**unsigned, "sign": sign_response(unsigned, merchant[0], variant)}  # a 1024-bit test key
    assert verify_response(signed, merchant[1], variant)
    assert len(signed["sign"]) == len(printed["sign"]) == 172
