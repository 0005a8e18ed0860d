"""UnionPay's 3DES field encryption, RSA request signing and backendToken signature, against
tests/fixtures/vectors.json ("unionpay_000") and round trips with throwaway keys."""

from __future__ import annotations

from typing import Any

import pytest

from providers.settings import MASK, SettingsInvalid
from providers.unionpay import codes
from providers.unionpay.crypto import decrypt_field, encrypt_field, generate_symmetric_key_hex
from providers.unionpay.settings import mask_settings, parse_settings
from providers.unionpay.signing import (
    backend_token_signature,
    generate_test_keypair,
    sign_request,
    sign_response,
    sign_string,
    verify_request,
    verify_response,
)
from providers.unionpay.wire import qual_reduce_body
from tests.fixtures import provider_vectors

VECTORS: dict[str, Any] = provider_vectors("unionpay_000")
KEY_HEX = "0123456789abcdeffedcba987654321089abcdef01234567"


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_test_keypair()


def test_symmetric_key_vector() -> None:
    vector = VECTORS["symmetric_key_encryption"]
    assert encrypt_field(vector["plaintext"], vector["symmetric_key_hex"]) == vector["ciphertext_base64"]
    assert decrypt_field(vector["ciphertext_base64"], vector["symmetric_key_hex"]) == vector["plaintext"]


def test_symmetric_key_vector_inline() -> None:
    assert encrypt_field("13800138000", KEY_HEX) == "lst7/3YbD5ojqDEH0uSHKg=="


def test_backend_token_signature_vector() -> None:
    vector = VECTORS["backend_token_signature"]
    params = vector["params"]
    assert sign_string({**params, "secret": vector["secret"]}) == vector["string"]
    assert backend_token_signature(params["appId"], params["nonceStr"], vector["secret"],
                                   params["timestamp"]) == vector["signature"]


@pytest.mark.parametrize("plain", ["", "x", "12345678", "o_openid-ABC_123", "430102199001011234", "中文资格值"])
def test_encryption_round_trips(plain: str) -> None:
    key = generate_symmetric_key_hex()
    cipher = encrypt_field(plain, key)
    assert decrypt_field(cipher, key) == plain
    assert encrypt_field(plain, key) == cipher  # ECB: deterministic


def test_decrypt_refuses_another_key_or_garbage() -> None:
    cipher = encrypt_field("13800138000", KEY_HEX)
    for bad in (lambda: decrypt_field(cipher, generate_symmetric_key_hex()), lambda: decrypt_field("%%%", KEY_HEX),
                lambda: decrypt_field("AAAA", KEY_HEX), lambda: encrypt_field("x", "abc")):
        with pytest.raises(ValueError):
            bad()


def test_sign_string_keeps_empty_values_and_drops_signature_and_symmetric_key() -> None:
    params = {"b": "2", "a": "1", "certId": "", "signature": "s", "symmetricKey": "k", "none": None}
    assert sign_string(params) == "a=1&b=2&certId="


def test_request_signature_round_trip(keys: tuple[str, str]) -> None:
    private, public = keys
    params = {"appId": "a", "qualValue": "13800138000", "certId": "", "timestamp": "1"}
    signed = {**params, "signature": sign_request(params, private)}
    assert verify_request(signed, public)
    assert not verify_request({**signed, "qualValue": "13800138001"}, public)
    assert not verify_request({**signed, "signature": "bm90IGEgc2lnbmF0dXJl"}, public)
    assert not verify_request(signed, generate_test_keypair(1024)[1])


def test_response_signature_round_trip(keys: tuple[str, str]) -> None:
    private, public = keys
    envelope: dict[str, Any] = {"resp": "00", "msg": "成功", "params": {"transNumber": "t1", "awardInfo": {"a": "1"}}}
    envelope["signature"] = sign_response(envelope, private)
    assert verify_response(envelope, public)
    envelope["params"]["awardInfo"]["a"] = "2"
    assert not verify_response(envelope, public)


def test_body_signs_the_plaintext_then_encrypts(keys: tuple[str, str]) -> None:
    private, public = keys
    settings = parse_settings({"baseUrl": "http://x", "appId": "app", "privateKeyPem": private,
                               "providerPublicKeyPem": public, "symmetricKey": KEY_HEX})
    business = {"activityNumber": "A1", "qualNum": "Q1", "qualType": "mobile", "qualValue": "13800138000",
                "transNumber": "T1", "certId": "430102199001011234"}
    body = qual_reduce_body(settings, business, "nonce", 1700000000)
    assert set(body) == {"appId", "activityNumber", "orderAmount", "qualNum", "qualType", "qualValue", "certId",
                         "icTerminal", "qrCode", "transNumber", "nonceStr", "timestamp", "signature"}
    assert body["qualValue"] == "lst7/3YbD5ojqDEH0uSHKg=="
    assert body["orderAmount"] == "" and body["timestamp"] == "1700000000"
    assert not verify_request(body, public)  # the ciphertext is not what was signed
    plain = {**body, "qualValue": "13800138000", "certId": decrypt_field(body["certId"], KEY_HEX)}
    assert verify_request(plain, public)


def test_settings_validate_and_mask(keys: tuple[str, str]) -> None:
    private, public = keys
    raw = {"baseUrl": "https://open.95516.com/open/access/1.0/", "appId": "app", "privateKeyPem": private,
           "providerPublicKeyPem": public, "symmetricKey": KEY_HEX, "backendSecret": "s3"}
    settings = parse_settings(raw)
    assert settings.base_url == "https://open.95516.com/open/access/1.0"
    assert settings.response_signature == "if_present"
    assert private not in repr(settings) and KEY_HEX not in repr(settings)
    masked = mask_settings(raw)
    assert masked["privateKeyPem"] == masked["symmetricKey"] == masked["backendSecret"] == MASK
    assert masked["providerPublicKeyPem"] == public
    for name, value in (("symmetricKey", "00"), ("symmetricKey", "zz" * 24), ("privateKeyPem", "nope"),
                        ("baseUrl", "ftp://x"), ("responseSignature", "maybe")):
        with pytest.raises(SettingsInvalid) as error:
            parse_settings({**raw, name: value})
        assert error.value.field == name


def test_codes_table() -> None:
    assert codes.describe("BC0024").retry_safe and not codes.describe("BC0025").retry_safe
    assert codes.describe("a10").retry_safe
    assert codes.describe("ZZ999").table == "unknown" and not codes.describe("ZZ999").retry_safe
    assert codes.describe("N62115").table == "published"
