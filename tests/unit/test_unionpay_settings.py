"""The tenant's `replaySameTransNumber`: off unless the tenant says UnionPay replays a transNumber, since
the seed asks only that it be unique and no source says what a repeat does."""

from __future__ import annotations

from typing import Any

import pytest

from providers.settings import SettingsInvalid
from providers.unionpay.settings import SETTING_KEYS, parse_settings
from providers.unionpay.signing import generate_test_keypair
from tests.unionpay_seed import protocols_quote, request_fields

KEY_HEX = "0123456789abcdeffedcba987654321089abcdef01234567"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    private, public = generate_test_keypair(1024)
    return {"baseUrl": "https://open.95516.com/open/access/1.0", "appId": "app", "privateKeyPem": private,
            "providerPublicKeyPem": public, "symmetricKey": KEY_HEX}


def test_replay_is_off_by_default_as_the_seed_supports_nothing_more(raw: dict[str, Any]) -> None:
    assert request_fields()["transNumber"] is True  # required, and only described as unique (确保唯一)
    assert "No public source says how UnionPay treats a duplicate transNumber." in protocols_quote("idempotency")
    assert parse_settings(raw).replay_same_trans_number is False
    assert parse_settings({**raw, "replaySameTransNumber": None}).replay_same_trans_number is False


def test_replay_is_the_tenants_to_turn_on(raw: dict[str, Any]) -> None:
    assert "replaySameTransNumber" in SETTING_KEYS  # configureProvider refuses keys nothing declares
    assert parse_settings({**raw, "replaySameTransNumber": True}).replay_same_trans_number is True
    assert parse_settings({**raw, "replaySameTransNumber": False}).replay_same_trans_number is False


@pytest.mark.parametrize("value", ["true", 1, 0, "yes", [], {}])
def test_replay_takes_only_true_or_false(raw: dict[str, Any], value: Any) -> None:
    with pytest.raises(SettingsInvalid) as error:
        parse_settings({**raw, "replaySameTransNumber": value})
    assert error.value.field == "replaySameTransNumber"
