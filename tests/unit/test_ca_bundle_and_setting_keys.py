"""The `tlsCaBundle` setting (validated, summarised for display, kept when its summary is sent back) and the
refusal of settings nobody reads."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from providers import ca_bundle
from providers.settings import SettingsInvalid, refuse_unknown_keys
from tests.tls_support import make_ca

CA = make_ca()
OTHER_CA = make_ca("Second Test CA")


def refusal(value: object) -> SettingsInvalid:
    with pytest.raises(SettingsInvalid) as raised:
        ca_bundle.validated_bundle(value)
    assert raised.value.field == "tlsCaBundle"
    return raised.value


def test_a_bundle_of_pem_certificates_is_taken_as_sent_and_null_or_empty_unsets_it():
    bundle = CA.pem + OTHER_CA.pem
    assert ca_bundle.validated_bundle(bundle) == bundle
    assert ca_bundle.validated_bundle(None) is None and ca_bundle.validated_bundle("") is None


def test_what_is_not_a_bundle_of_certificates_is_refused_naming_the_setting():
    assert "PEM" in refusal("not a certificate").message
    refusal("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
    refusal(42)
    refusal([{"subject": "CN=x", "notAfter": "2030-01-01T00:00:00Z"}])  # a summary that matches nothing stored


def test_a_private_key_pasted_with_the_certificates_is_refused():
    key = CA.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption()).decode()
    assert "private key" in refusal(CA.pem + key).message


def test_the_bundle_is_limited_in_size_and_in_certificates():
    assert "20 certificates" in refusal(CA.pem * 21).message
    assert "64 KiB" in refusal(CA.pem + "#" * ca_bundle.MAX_BUNDLE_CHARS).message


def test_settings_show_each_certificates_subject_and_expiry_instead_of_the_pem():
    shown = ca_bundle.shown({"baseUrl": "https://10.0.0.1", "tlsCaBundle": CA.pem + OTHER_CA.pem})
    not_after = CA.certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert shown["tlsCaBundle"][0] == {"subject": "CN=Reward Ledger Test Gateway CA,O=Test Lottery Centre",
                                       "notAfter": not_after}
    assert shown["tlsCaBundle"][1]["subject"] == "CN=Second Test CA,O=Test Lottery Centre"
    assert shown["baseUrl"] == "https://10.0.0.1"
    assert ca_bundle.shown({"baseUrl": "x"}) == {"baseUrl": "x"}


def test_the_summary_sent_back_keeps_the_stored_bundle_and_any_other_summary_does_not():
    stored = {"tlsCaBundle": CA.pem}
    shown = ca_bundle.shown(stored)
    assert ca_bundle.keep_stored_bundle(shown, stored) == stored
    other = ca_bundle.shown({"tlsCaBundle": OTHER_CA.pem})
    assert ca_bundle.keep_stored_bundle(other, stored) == other  # left for validation to refuse
    assert ca_bundle.keep_stored_bundle(shown, None) == shown
    assert ca_bundle.keep_stored_bundle({"tlsCaBundle": OTHER_CA.pem}, stored) == {"tlsCaBundle": OTHER_CA.pem}


def test_an_unknown_key_is_refused_by_name_with_the_known_ones_listed():
    refuse_unknown_keys({"baseUrl": "x"}, {"baseUrl", "appKey"})
    with pytest.raises(SettingsInvalid) as raised:
        refuse_unknown_keys({"baseUrll": "x", "appKey": "k"}, {"baseUrl", "appKey"})
    assert raised.value.field == "baseUrll"
    assert raised.value.message == "unknown setting 'baseUrll'; the known ones are appKey, baseUrl"
    with pytest.raises(SettingsInvalid) as raised:
        refuse_unknown_keys({"pasword": "x"}, {"password"}, where="stations[0]")
    assert raised.value.field == "stations[0].pasword"
