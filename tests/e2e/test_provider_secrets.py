"""Provider secrets: stored encrypted, never handed to a new address unasked, rotated under a new key; and
settings too deep or too large refused before anything walks them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ledger.persistence.provider_models import ProviderConfig, ProviderSession
from ledger.services import provider_sessions
from providers import registry, stored_secrets
from providers.instant_lottery.sandbox import create_sandbox_app
from providers.secret_cipher import PREFIX, SecretUnreadable, generate_key
from providers.secret_fields import secret_slots
from providers.secret_rotation import rotate_secrets
from providers.settings import MASK
from tests.lottery_support import CONFIGURE, Sandbox, redeem
from tests.secrets_support import TEST_SECRETS_KEY, use_test_secrets_key
from tests.support import GraphQLClient, TenantFixture, sandbox_config, served

CALLING_PROVIDERS = ["instant-lottery", "allinpay", "red-packet", "unionpay"]
SHOWN = "{ providerConfigs { provider baseUrl settings } }"


@pytest.fixture(autouse=True)
def _the_test_key_again_afterwards() -> Any:
    yield
    use_test_secrets_key()


async def configure(gql: GraphQLClient, tenant: TenantFixture, provider: str, settings: Any) -> dict[str, Any]:
    data = await gql(CONFIGURE, {"input": {"provider": provider, "settings": settings}}, token=tenant.admin)
    return dict(data["configureProvider"])


async def stored(tenant: TenantFixture, provider: str) -> dict[str, Any]:
    return dict((await ProviderConfig.get(tenant_id=tenant.id, provider=provider)).settings)


def secrets_of(settings: dict[str, Any], provider: str) -> dict[str, str]:
    fields = registry.module(provider).secret_fields
    return {slot.path: slot.value for slot in secret_slots(settings, fields) if isinstance(slot.value, str)}


@pytest.mark.parametrize("provider", [*CALLING_PROVIDERS, "randou"])
async def test_every_secret_is_stored_encrypted_and_shown_masked(gql, tenant, provider):
    config = await sandbox_config(provider)
    assert (await configure(gql, tenant, provider, config))["userErrors"] == []
    row = await stored(tenant, provider)
    clear = secrets_of(config, provider)
    assert clear and secrets_of(row, provider).keys() == clear.keys()
    assert all(value.startswith(PREFIX) for value in secrets_of(row, provider).values())
    assert not any(secret in json.dumps(row) for secret in clear.values())
    [shown] = (await gql(SHOWN, token=tenant.viewer))["providerConfigs"]
    assert set(secrets_of(shown["settings"], provider).values()) == {MASK}


async def test_the_adapters_read_their_encrypted_secrets(gql, connected, sandbox):
    await sandbox.ticket("SECRET-0001")
    assert (await redeem(gql, connected.operator, "SECRET-0001", "k1"))["reward"]["status"] == "ISSUED"


async def test_a_masked_secret_is_kept_while_the_base_url_stays(gql, connected, sandbox):
    [shown] = (await gql(SHOWN, token=connected.viewer))["providerConfigs"]
    before = await stored(connected, "instant-lottery")
    result = await configure(gql, connected, "instant-lottery", {**shown["settings"], "readTimeoutSeconds": 2})
    assert result["userErrors"] == []
    secret_fields = registry.module("instant-lottery").secret_fields
    after = stored_secrets.decrypted(await stored(connected, "instant-lottery"), secret_fields)
    assert secrets_of(after, "instant-lottery") == secrets_of(stored_secrets.decrypted(before, secret_fields),
                                                              "instant-lottery")
    await sandbox.ticket("SECRET-0002")
    assert (await redeem(gql, connected.operator, "SECRET-0002", "k2"))["reward"]["status"] == "ISSUED"


@pytest.mark.parametrize("provider", CALLING_PROVIDERS)
async def test_a_new_base_url_with_masked_secrets_is_refused_naming_them(gql, tenant, provider):
    config = await sandbox_config(provider)
    shown = (await configure(gql, tenant, provider, config))["providerConfig"]["settings"]
    before = await stored(tenant, provider)
    moved = await configure(gql, tenant, provider, {**shown, "baseUrl": "https://attacker.example/"})
    masked = [path for path, value in secrets_of(shown, provider).items() if value == MASK]
    [error] = moved["userErrors"]
    assert moved["providerConfig"] is None and error["code"] == "INVALID_INPUT"
    assert error["field"] == ["input", "settings", *masked[0].split(".")]
    assert all(path in error["message"] for path in masked) and "baseUrl" in error["message"]
    assert await stored(tenant, provider) == before


class RecordingApp:
    """An ASGI app that keeps every request body it passes on, to see what reached a host."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def recording_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                self.bodies.append(message.get("body", b""))
            return message

        return await self.app(scope, recording_receive, send)


@pytest.fixture
async def new_host() -> AsyncIterator[tuple[Sandbox, RecordingApp]]:
    recording = RecordingApp(create_sandbox_app(app_secret="the-new-host-secret"))
    async with served(recording) as url:
        box = Sandbox(url)
        await box.rules(serviceHours="00:00-24:00", minIntervalSeconds=0, maxFailuresPerDay=1000,
                        maxTicketsPerDay=1000, maxAmountPerDayFen=10**12)
        yield box, recording


async def test_moving_the_gateway_needs_its_secrets_again_and_drops_the_old_hosts_sessions(
        gql, connected, sandbox, new_host):
    box, recording = new_host
    await sandbox.ticket("MOVE-0001")
    assert (await redeem(gql, connected.operator, "MOVE-0001", "k1"))["reward"]["status"] == "ISSUED"
    [old_session] = await ProviderSession.filter(tenant_id=connected.id)
    assert old_session.issuer == (await sandbox.config())["baseUrl"]

    [shown] = (await gql(SHOWN, token=connected.viewer))["providerConfigs"]
    refused = await configure(gql, connected, "instant-lottery", {**shown["settings"], "baseUrl": box.url})
    assert [e["code"] for e in refused["userErrors"]] == ["INVALID_INPUT"]
    assert await ProviderSession.filter(tenant_id=connected.id).count() == 1  # refused: nothing changed

    new_settings = {**await box.config(), "readTimeoutSeconds": 0.5, "connectTimeoutSeconds": 0.5}
    assert (await configure(gql, connected, "instant-lottery", new_settings))["userErrors"] == []
    assert await ProviderSession.filter(tenant_id=connected.id).count() == 0

    await box.ticket("MOVE-0002")
    assert (await redeem(gql, connected.operator, "MOVE-0002", "k2"))["reward"]["status"] == "ISSUED"
    [new_session] = await ProviderSession.filter(tenant_id=connected.id)
    assert new_session.issuer == box.url and new_session.token != old_session.token
    assert recording.bodies and not any(old_session.token.encode() in body for body in recording.bodies)


async def test_a_session_is_only_ever_handed_back_for_the_host_that_issued_it(tenant):
    await provider_sessions.store_token(tenant.id, "instant-lottery", "S1", "T-OLD", issuer="https://old.example")
    assert await provider_sessions.current_token(tenant.id, "instant-lottery", "S1",
                                                 issuer="https://old.example") == "T-OLD"
    # An adapter built from the new settings, whatever is still stored, never gets the old host's token.
    assert await provider_sessions.current_token(tenant.id, "instant-lottery", "S1",
                                                 issuer="https://new.example") is None


def nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = {"paths": value}
    return value


@pytest.mark.parametrize("settings", [nested(900), {"paths": nested(900)}, {"stations": [nested(900)]},
                                      {"stations": ["x" * 1000] * 400}])
async def test_settings_nested_too_deep_or_too_large_are_invalid_input(gql, connected, sandbox, settings):
    before = await stored(connected, "instant-lottery")
    payload = settings if "paths" not in settings and "stations" not in settings else \
        {**await sandbox.config(), **settings}
    result = await configure(gql, connected, "instant-lottery", payload)
    assert result["providerConfig"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [(["input", "settings", "settings"],
                                                                         "INVALID_INPUT")]
    assert await stored(connected, "instant-lottery") == before


async def test_rows_stored_in_clear_before_encryption_keep_working_until_rotation_encrypts_them(
        gql, connected, sandbox):
    secret_fields = registry.module("instant-lottery").secret_fields
    clear = stored_secrets.decrypted(await stored(connected, "instant-lottery"), secret_fields)
    await ProviderConfig.filter(tenant_id=connected.id).update(settings=clear)  # as a database from before
    await sandbox.ticket("CLEAR-0001")
    assert (await redeem(gql, connected.operator, "CLEAR-0001", "k1"))["reward"]["status"] == "ISSUED"

    report = await rotate_secrets()
    in_clear = len(secrets_of(clear, "instant-lottery"))
    assert (report.configs, report.reencrypted, report.were_clear, report.unreadable) == (1, in_clear, in_clear, [])
    assert all(v.startswith(PREFIX) for v in secrets_of(await stored(connected, "instant-lottery"),
                                                        "instant-lottery").values())
    assert (await rotate_secrets()).reencrypted == 0  # idempotent
    await sandbox.ticket("CLEAR-0002")
    assert (await redeem(gql, connected.operator, "CLEAR-0002", "k2"))["reward"]["status"] == "ISSUED"


async def test_rotating_to_a_new_key_lets_the_old_one_go(gql, connected, sandbox):
    new_key = generate_key()
    stored_secrets.use_secrets_key(f"{new_key},{TEST_SECRETS_KEY}")  # the new key first, the old one after it
    report = await rotate_secrets()
    assert report.reencrypted == len(secrets_of(await stored(connected, "instant-lottery"), "instant-lottery"))
    stored_secrets.use_secrets_key(new_key)  # the old key dropped
    await sandbox.ticket("ROTATE-0001")
    assert (await redeem(gql, connected.operator, "ROTATE-0001", "k1"))["reward"]["status"] == "ISSUED"

    stored_secrets.use_secrets_key(TEST_SECRETS_KEY)  # only the old key: nothing can be read, nothing rewritten
    with pytest.raises(SecretUnreadable, match="appSecret"):
        await registry.build_provider(connected.id, "instant-lottery")
    report = await rotate_secrets()
    assert report.reencrypted == 0 and len(report.unreadable) == 1 and "instant-lottery" in report.unreadable[0]


async def test_unionpay_replays_its_sealed_qualification_after_the_secrets_key_rotated(gql, tenant,
                                                                                      unionpay_sandbox_url):
    from providers.unionpay.sandbox_state import mask_value
    from tests.e2e.test_draws import DRAW, MOBILE, SYNC, draw_input, pool

    control = httpx.AsyncClient(base_url=unionpay_sandbox_url, timeout=30)
    assert (await control.post("/_control/reset")).status_code < 300
    config = {**(await control.get("/_control/config")).json(), "readTimeoutSeconds": 1.0}
    assert (await configure(gql, tenant, "unionpay", config))["userErrors"] == []
    await pool(control, [{"awardType": "06", "awardValue": 300, "weight": 1}])
    assert (await control.post("/_control/faults", json={"mode": "http500", "count": 1})).status_code < 300
    lost = (await gql(DRAW, draw_input("d1"), token=tenant.operator))["drawLottery"]
    assert lost["reward"]["status"] == "UNKNOWN"

    new_key = generate_key()
    stored_secrets.use_secrets_key(f"{new_key},{TEST_SECRETS_KEY}")
    assert (await rotate_secrets()).reencrypted > 0
    stored_secrets.use_secrets_key(new_key)
    settled = (await gql(SYNC, {"id": lost["reward"]["id"]}, token=tenant.operator))["syncReward"]
    assert settled["reward"]["status"] == "ISSUED"
    [draw] = (await control.get("/_control/records")).json()["draws"]
    assert draw["qualValue"] == mask_value(MOBILE)
