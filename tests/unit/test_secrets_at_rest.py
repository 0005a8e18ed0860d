"""Provider secrets at rest, personal data sealed, and the bounds on settings: the pieces, without I/O."""

from __future__ import annotations

import pytest

from api.settings import Settings, SettingsError
from ledger.ports import Rejected
from ledger.services import coupon_member_accounts as member_accounts
from providers import provider_moves, stored_secrets
from providers.personal_data_sealing import PersonalDataSealer
from providers.secret_cipher import PREFIX, SecretCipher, SecretsKeyInvalid, SecretUnreadable, generate_key
from providers.settings import MASK, SettingsInvalid
from providers.settings_bounds import MAX_DEPTH, check_settings_bounds
from tests.secrets_support import TEST_SECRETS_KEY, use_test_secrets_key

LOTTERY_SECRETS = ("appSecret", "stations[].password")
LOTTERY = {"baseUrl": "https://gw.example.com", "appKey": "k", "appSecret": "s3cret",
           "stations": [{"stationId": "S1", "password": "pw-1"}, {"stationId": "S2", "password": "pw-2"}]}


@pytest.fixture(autouse=True)
def _the_test_key_again_afterwards():
    yield
    use_test_secrets_key()


def test_a_secret_is_stored_encrypted_and_read_back_and_a_clear_one_from_before_is_read_as_it_is():
    key = generate_key()
    cipher = SecretCipher.from_setting(key)
    stored = cipher.encrypt("s3cret")
    assert stored.startswith(PREFIX) and "s3cret" not in stored
    assert cipher.decrypt(stored) == "s3cret"
    assert cipher.decrypt("written-before-encryption") == "written-before-encryption"
    assert key not in repr(cipher)


def test_an_older_key_still_reads_and_rotation_rewrites_under_the_first():
    old, new = generate_key(), generate_key()
    stored = SecretCipher.from_setting(old).encrypt("s3cret")
    both = SecretCipher.from_setting(f"{new}, {old}")
    assert both.decrypt(stored) == "s3cret" and not both.is_current(stored)
    rotated = both.reencrypt(stored)
    assert both.is_current(rotated) and SecretCipher.from_setting(new).decrypt(rotated) == "s3cret"
    with pytest.raises(SecretUnreadable):
        SecretCipher.from_setting(old).decrypt(rotated)
    with pytest.raises(SecretUnreadable):
        SecretCipher.from_setting(new).decrypt(PREFIX + "not-a-token")


@pytest.mark.parametrize("value", ["", " , ", "not-a-key", f"{TEST_SECRETS_KEY},short"])
def test_a_bad_secrets_key_is_a_configuration_error_that_quotes_no_key(value: str):
    with pytest.raises(SecretsKeyInvalid) as refused:
        SecretCipher.from_setting(value)
    assert TEST_SECRETS_KEY not in str(refused.value) and "generate-secrets-key" in str(refused.value)
    if value.strip(" ,"):
        with pytest.raises(SettingsError):
            Settings.from_env({"SECRETS_KEY": value}, dotenv=None)


def test_settings_take_secrets_key_and_never_show_it():
    settings = Settings.from_env({"SECRETS_KEY": TEST_SECRETS_KEY}, dotenv=None)
    assert settings.secrets_key == TEST_SECRETS_KEY and TEST_SECRETS_KEY not in repr(settings)
    assert Settings.from_env({}, dotenv=None).secrets_key is None


def test_every_secret_field_is_encrypted_including_each_stations_password():
    use_test_secrets_key()
    stored = stored_secrets.encrypted(LOTTERY, LOTTERY_SECRETS)
    assert stored["appKey"] == "k" and stored["baseUrl"] == LOTTERY["baseUrl"]
    assert all(value.startswith(PREFIX) for value in
               [stored["appSecret"], *(station["password"] for station in stored["stations"])])
    assert stored_secrets.decrypted(stored, LOTTERY_SECRETS) == LOTTERY
    assert stored_secrets.count_in_clear(stored, LOTTERY_SECRETS) == 0
    assert stored_secrets.count_in_clear(LOTTERY, LOTTERY_SECRETS) == 3


def test_reading_needs_the_key_only_for_encrypted_values_and_names_an_unreadable_one():
    use_test_secrets_key()
    stored = stored_secrets.encrypted(LOTTERY, LOTTERY_SECRETS)
    stored_secrets.use_secrets_key(None)
    assert stored_secrets.decrypted(LOTTERY, LOTTERY_SECRETS) == LOTTERY  # all in clear, from before
    with pytest.raises(stored_secrets.SecretsKeyMissing, match="SECRETS_KEY is not set"):
        stored_secrets.decrypted(stored, LOTTERY_SECRETS)
    stored_secrets.use_secrets_key(generate_key())
    with pytest.raises(SecretUnreadable, match=r"appSecret"):
        stored_secrets.decrypted(stored, LOTTERY_SECRETS)
    assert "appSecret" not in stored_secrets.readable(stored, LOTTERY_SECRETS)  # as if never stored


def test_rotation_counts_only_what_it_rewrites():
    use_test_secrets_key()
    half = {**stored_secrets.encrypted(LOTTERY, LOTTERY_SECRETS), "appSecret": "still-clear"}
    rotated, changed = stored_secrets.reencrypted(half, LOTTERY_SECRETS)
    assert changed == 1 and rotated["stations"] == half["stations"]
    assert stored_secrets.reencrypted(rotated, LOTTERY_SECRETS)[1] == 0


def test_moving_the_base_url_refuses_every_masked_secret_by_name():
    masked = {**LOTTERY, "baseUrl": "https://elsewhere.example", "appSecret": MASK,
              "stations": [{"stationId": "S1", "password": MASK}, {"stationId": "S2", "password": "new"}]}
    assert provider_moves.has_moved(LOTTERY, masked)
    assert not provider_moves.has_moved(LOTTERY, {**LOTTERY, "baseUrl": "https://gw.example.com/ "})
    with pytest.raises(SettingsInvalid) as refused:
        provider_moves.refuse_kept_secrets(masked, LOTTERY_SECRETS)
    assert refused.value.field == "appSecret"
    assert "appSecret, stations[0].password" in refused.value.message
    provider_moves.refuse_kept_secrets(LOTTERY, LOTTERY_SECRETS)  # every secret given: nothing to refuse


def nested(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = {"paths": value}
    return value


@pytest.mark.parametrize("settings", [nested(900), nested(MAX_DEPTH + 1), [[[[[[[[[[]]]]]]]]]],
                                      {"stations": list(range(100_000))}, {"appSecret": "x" * 300_000},
                                      {f"k{n}": n for n in range(10_000)}])
def test_settings_too_deep_or_too_large_are_refused_before_anything_walks_them(settings: object):
    with pytest.raises(SettingsInvalid) as refused:
        check_settings_bounds(settings)
    assert refused.value.field == "settings"


def test_settings_as_large_as_real_ones_pass_the_bounds():
    check_settings_bounds({**LOTTERY, "privateKeyPem": "k" * 20_000, "tlsCaBundle": "c" * 64 * 1024,
                           "stations": [{"stationId": f"S{n}", "password": "p"} for n in range(50)]})
    check_settings_bounds(nested(MAX_DEPTH - 1))


def test_a_sealed_value_is_the_same_each_time_and_opens_only_with_its_key():
    sealer = PersonalDataSealer.derived_from(b"tenant secret", "purpose")
    sealed = sealer.seal("13800138000")
    assert "13800138000" not in sealed and sealer.seal("13800138000") == sealed
    assert sealer.unseal(sealed) == "13800138000"
    for other in (PersonalDataSealer.derived_from(b"another secret", "purpose"),
                  PersonalDataSealer.derived_from(b"tenant secret", "another purpose")):
        with pytest.raises(ValueError):
            other.unseal(sealed)


def test_a_personal_member_account_is_kept_sealed_and_masked_and_an_external_id_as_it_is():
    sealer = PersonalDataSealer.derived_from(b"tenant secret", "purpose")
    order = {"order_id": "RL1", "id_type": "1", "member_account": "13800138000", "num": 1}
    details = member_accounts.kept_details(order, sealer)
    assert "13800138000" not in repr(details) and details[member_accounts.MASKED] == "138****8000"
    assert member_accounts.details_to_resend(details, sealer)["request"] == order
    external = {**order, "id_type": "5", "member_account": "m1"}
    assert member_accounts.kept_details(external, sealer) == {"request": external}
    compared = member_accounts.compared_request({"provider_member_account": "13800138000"}, details)
    assert "13800138000" not in repr(compared)


def test_a_refusal_quoting_the_member_account_is_kept_masked():
    order = {"id_type": "1", "member_account": "13800138000"}
    refused = Rejected(code="3", message="会员13800138000不存在", retryable=False)
    assert member_accounts.redacted(refused, order).message == "会员138****8000不存在"
