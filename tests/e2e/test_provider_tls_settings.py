"""The instant-lottery gateway over HTTPS under its own CA (seed 003 §3.4), the `tlsCaBundle` setting that
trusts it, and settings refused by name: an unknown key, a bad bundle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from ledger.persistence.models import Account, Transfer
from ledger.persistence.risk_models import MemberLotteryDay
from ledger.services.audit import audit
from providers.ca_bundle import ssl_context
from providers.instant_lottery.sandbox import create_sandbox_app
from tests.lottery_support import CONFIGURE, Sandbox, connect_tenant, redeem
from tests.support import GraphQLClient, TenantFixture, served
from tests.tls_support import PrivateCa, issue_server_certificate, make_ca

UNTRUSTED = "TLS: certificate verify failed: unable to get local issuer certificate"
SHOWN = "{ providerConfigs { provider baseUrl settings } }"


@pytest.fixture(scope="module")
def gateway_ca() -> PrivateCa:
    return make_ca()


@pytest_asyncio.fixture(scope="module")
async def tls_gateway_url(gateway_ca: PrivateCa, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The gateway's sandbox served over HTTPS at 127.0.0.1, its certificate issued by the private CA."""
    cert_file, key_file = issue_server_certificate(gateway_ca, tmp_path_factory.mktemp("gateway-tls"))
    async with served(create_sandbox_app(), ssl_certfile=cert_file, ssl_keyfile=key_file) as url:
        yield url


@pytest_asyncio.fixture
async def tls_sandbox(tls_gateway_url: str, gateway_ca: PrivateCa) -> AsyncIterator[Sandbox]:
    box = Sandbox(tls_gateway_url, verify=ssl_context(gateway_ca.pem))
    await box.reset()
    yield box
    await box.http.aclose()


async def configure(gql: GraphQLClient, tenant: TenantFixture, settings: dict[str, Any]) -> dict[str, Any]:
    data = await gql(CONFIGURE, {"input": {"provider": "instant-lottery", "settings": settings}}, token=tenant.admin)
    return data["configureProvider"]


async def wallet_fen(member: str) -> int:
    account = await Account.get_or_none(member_id=member, asset="CNY")
    return 0 if account is None else account.credits_posted - account.debits_posted


async def test_a_redemption_over_tls_works_when_the_gateways_ca_is_trusted(gql, tenant, tls_sandbox, gateway_ca):
    config = await connect_tenant(gql, tenant, tls_sandbox, tlsCaBundle=gateway_ca.pem)
    assert config["baseUrl"].startswith("https://127.0.0.1:")
    await tls_sandbox.ticket("T-TLS-1", "WIN", 5_000)
    result = await redeem(gql, tenant.operator, "T-TLS-1", "k1")
    assert result["userErrors"] == [] and result["reward"]["status"] == "ISSUED"
    assert await wallet_fen("m1") == 5_000
    assert len((await tls_sandbox.records())["redemptions"]) == 1
    assert (await audit(tenant.id)).ok


async def test_without_the_ca_a_redemption_is_refused_before_anything_happens(gql, tenant, tls_sandbox, gateway_ca):
    await connect_tenant(gql, tenant, tls_sandbox)  # the system's store, which knows no private CA
    await tls_sandbox.ticket("T-TLS-2", "WIN", 5_000)
    result = await redeem(gql, tenant.operator, "T-TLS-2", "k1")
    [error] = result["userErrors"]
    assert error["code"] == "PROVIDER_UNAVAILABLE" and UNTRUSTED in error["message"], error
    assert result["reward"]["status"] == "FAILED" and result["reward"]["transfers"] == []
    assert (await redeem(gql, tenant.operator, "T-TLS-2", "k1"))["userErrors"] == [error]  # replayed as it was
    records = await tls_sandbox.records()
    assert (records["calls"], records["redemptions"]) == (0, [])  # nothing reached the gateway
    assert await wallet_fen("m1") == 0 and await Transfer.all().count() == 0
    assert (await audit(tenant.id)).ok
    # Our side could not reach the gateway: not the member's failure (no step towards a suspension).
    assert await MemberLotteryDay.filter(member_id="m1", failures__gt=0).count() == 0

    # Nothing happened, so nothing holds the ticket: trusting the CA lets the member redeem it.
    await connect_tenant(gql, tenant, tls_sandbox, tlsCaBundle=gateway_ca.pem)
    again = await redeem(gql, tenant.operator, "T-TLS-2", "k2")
    assert again["userErrors"] == [] and again["reward"]["status"] == "ISSUED"
    assert await wallet_fen("m1") == 5_000


async def test_settings_show_the_bundle_as_subjects_and_expiry_and_sending_that_back_keeps_it(
        gql, tenant, tls_sandbox, gateway_ca):
    await connect_tenant(gql, tenant, tls_sandbox, tlsCaBundle=gateway_ca.pem)
    [config] = (await gql(SHOWN, token=tenant.viewer))["providerConfigs"]
    not_after = gateway_ca.certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert config["settings"]["tlsCaBundle"] == [
        {"subject": "CN=Reward Ledger Test Gateway CA,O=Test Lottery Centre", "notAfter": not_after}]

    resent = await configure(gql, tenant, config["settings"])
    assert resent["userErrors"] == [] and resent["providerConfig"]["settings"] == config["settings"]
    await tls_sandbox.ticket("T-TLS-3", "WIN", 100)
    assert (await redeem(gql, tenant.operator, "T-TLS-3", "k1"))["reward"]["status"] == "ISSUED"

    forged = [{"subject": "CN=Someone Else", "notAfter": not_after}]
    refused = await configure(gql, tenant, {**config["settings"], "tlsCaBundle": forged})
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == \
        [("INVALID_INPUT", ["input", "settings", "tlsCaBundle"])]


async def test_an_unknown_setting_is_refused_by_name_and_nothing_is_stored(gql, tenant, sandbox):
    typo = {**await sandbox.config(), "baseUrll": "http://127.0.0.1:1"}
    result = await configure(gql, tenant, typo)
    [error] = result["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "settings", "baseUrll"])
    assert "baseUrll" in error["message"] and result["providerConfig"] is None
    station_typo = await sandbox.config()
    station_typo["stations"][0]["pasword"] = "x"
    [error] = (await configure(gql, tenant, station_typo))["userErrors"]
    assert error["field"] == ["input", "settings", "stations[0]", "pasword"]
    assert (await gql(SHOWN, token=tenant.viewer))["providerConfigs"] == []


@pytest.mark.parametrize("bundle", ["not a certificate",
                                    "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
                                    ["CN=x"]])
async def test_a_bad_ca_bundle_is_refused_and_nothing_is_stored(gql, tenant, sandbox, bundle):
    result = await configure(gql, tenant, {**await sandbox.config(), "tlsCaBundle": bundle})
    [error] = result["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["input", "settings", "tlsCaBundle"])
    assert (await gql(SHOWN, token=tenant.viewer))["providerConfigs"] == []
