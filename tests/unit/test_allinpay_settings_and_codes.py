"""Allinpay settings (validation, masking) and the return-code table."""

from __future__ import annotations

from typing import Any

import pytest

from providers.allinpay import codes
from providers.allinpay.settings import PROVIDER, SECRET_FIELDS, mask_settings, parse_settings
from providers.allinpay.signing import generate_test_keypair
from providers.settings import MASK, SettingsInvalid


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    merchant_private, _ = generate_test_keypair()
    _, gateway_public = generate_test_keypair()
    return {"baseUrl": "https://open.allinpay.com/gateway", "appId": "1581648210684",
            "privateKeyPem": merchant_private, "providerPublicKeyPem": gateway_public}


def test_defaults(raw: dict[str, Any]) -> None:
    settings = parse_settings(raw)
    assert (settings.sign_variant, settings.version) == ("MD5_RSA", "1.0")
    assert (settings.timeouts.connect_s, settings.timeouts.read_s) == (3.0, 10.0)
    assert PROVIDER == "allinpay" and SECRET_FIELDS == ("privateKeyPem",)


def test_everything_given(raw: dict[str, Any]) -> None:
    settings = parse_settings({**raw, "signVariant": "rsa", "version": "1.0", "connectTimeoutSeconds": 1,
                               "readTimeoutSeconds": 2.5})
    assert settings.sign_variant == "RSA" and settings.timeouts.read_s == 2.5


def test_envelope_refusal_codes_default_to_the_sandboxes_and_a_tenant_may_name_its_own(raw: dict[str, Any]) -> None:
    assert parse_settings(raw).refused_before_processing_codes == codes.REFUSED_BEFORE_PROCESSING
    assert {9101, 9102, 9103, 9104, 9105} == codes.REFUSED_BEFORE_PROCESSING
    named = parse_settings({**raw, "refusedBeforeProcessingCodes": [40001, -7]})
    assert named.refused_before_processing_codes == {40001, -7}
    assert parse_settings({**raw, "refusedBeforeProcessingCodes": []}).refused_before_processing_codes == set()


def test_repr_never_shows_the_private_key(raw: dict[str, Any]) -> None:
    assert "PRIVATE" not in repr(parse_settings(raw)) and raw["privateKeyPem"][40:80] not in repr(parse_settings(raw))


@pytest.mark.parametrize(("change", "field"), [
    ({"baseUrl": "ftp://x/gateway"}, "baseUrl"),
    ({"baseUrl": None}, "baseUrl"),
    ({"appId": ""}, "appId"),
    ({"privateKeyPem": "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n"}, "privateKeyPem"),
    ({"privateKeyPem": None}, "privateKeyPem"),
    ({"providerPublicKeyPem": "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"}, "providerPublicKeyPem"),
    ({"signVariant": "SHA1_RSA"}, "signVariant"),
    ({"readTimeoutSeconds": 0}, "readTimeoutSeconds"),
    ({"connectTimeoutSeconds": True}, "connectTimeoutSeconds"),
    ({"refusedBeforeProcessingCodes": "9103"}, "refusedBeforeProcessingCodes"),
    ({"refusedBeforeProcessingCodes": ["9103"]}, "refusedBeforeProcessingCodes"),
    ({"refusedBeforeProcessingCodes": [9103, True]}, "refusedBeforeProcessingCodes"),
    ({"refusedBeforeProcessingCodes": [0]}, "refusedBeforeProcessingCodes"),
    ({"refusedBeforeProcessingCodes": [3]}, "refusedBeforeProcessingCodes"),
    ({"refusedBeforeProcessingCodes": list(range(100, 151))}, "refusedBeforeProcessingCodes"),
])
def test_invalid_settings_name_the_field(raw: dict[str, Any], change: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings({**raw, **change})
    assert caught.value.field == field


def test_keys_in_the_wrong_places_are_refused(raw: dict[str, Any]) -> None:
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings({**raw, "privateKeyPem": raw["providerPublicKeyPem"]})
    assert caught.value.field == "privateKeyPem"
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings({**raw, "providerPublicKeyPem": raw["privateKeyPem"]})
    assert caught.value.field == "providerPublicKeyPem"


def test_mask_hides_the_private_key_only(raw: dict[str, Any]) -> None:
    shown = mask_settings(raw)
    assert shown["privateKeyPem"] == MASK and shown["providerPublicKeyPem"] == raw["providerPublicKeyPem"]
    assert raw["privateKeyPem"] != MASK  # the input is not changed


def test_codes_0_and_3_are_the_seeds_and_never_retry_safe() -> None:
    assert codes.describe(0).table == "seed" and codes.is_success(0) and codes.is_success("0")
    failure = codes.describe("3")
    assert failure.table == "seed" and not failure.retry_safe and not codes.is_success(3)


def test_sandbox_codes_are_marked_invented_and_unknown_codes_are_unknown() -> None:
    assert codes.describe(codes.SIGNATURE_INVALID).table == "sandbox"
    assert codes.describe(codes.SIGNATURE_INVALID).meaning_zh == "验签失败"
    unknown = codes.describe(" 42 ")
    assert (unknown.code, unknown.table, unknown.retry_safe) == ("42", "unknown", False)
