"""The live-update settings: their defaults, their variables, and refusals at start."""

import pytest

from api.live_transport import credential_of
from api.settings import Settings, SettingsError


def test_live_update_defaults_are_sane_limits():
    settings = Settings.from_env({}, dotenv=None)
    assert (settings.subscriptions_per_connection, settings.connections_per_credential) == (20, 50)
    assert settings.subscription_queue_size == 500 and settings.connection_init_timeout_seconds == 10
    assert settings.event_channel_prefix == "reward-ledger:events:"


def test_live_update_settings_come_from_their_variables():
    settings = Settings.from_env({"SUBSCRIPTIONS_PER_CONNECTION": "5", "CONNECTIONS_PER_CREDENTIAL": "7",
                                  "SUBSCRIPTION_QUEUE_SIZE": "64", "CONNECTION_INIT_TIMEOUT_SECONDS": "2.5",
                                  "EVENT_CHANNEL_PREFIX": "staging:events:"}, dotenv=None)
    assert (settings.subscriptions_per_connection, settings.connections_per_credential,
            settings.subscription_queue_size) == (5, 7, 64)
    assert settings.connection_init_timeout_seconds == 2.5 and settings.event_channel_prefix == "staging:events:"


@pytest.mark.parametrize("env", [{"SUBSCRIPTIONS_PER_CONNECTION": "0"}, {"CONNECTIONS_PER_CREDENTIAL": "-1"},
                                 {"SUBSCRIPTION_QUEUE_SIZE": "many"}, {"CONNECTION_INIT_TIMEOUT_SECONDS": "0"},
                                 {"EVENT_CHANNEL_PREFIX": " "}])
def test_bad_live_update_settings_fail_at_start(env):
    with pytest.raises(SettingsError):
        Settings.from_env(env, dotenv=None)


@pytest.mark.parametrize(("params", "headers", "expected"), [
    ({"Authorization": "Bearer rl_key_a"}, {}, "rl_key_a"),
    ({"authorization": "bearer rl_key_a"}, {"authorization": "Bearer rl_key_b"}, "rl_key_a"),
    ({}, {"authorization": "Bearer rl_key_b"}, "rl_key_b"),
    ({"Authorization": "rl_key_a"}, {"authorization": "Bearer rl_key_b"}, None),  # the payload's word counts
    ({"Authorization": 42}, {}, None),
    (None, {}, None),
])
def test_the_connection_credential_is_the_init_payloads_else_the_upgrade_requests(params, headers, expected):
    assert credential_of(params, headers) == expected
