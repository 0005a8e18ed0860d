"""Reconciling red packets from the platform's send list: a packet sent behind the ledger's back is found
and, once claimed, adopted and paid once; one refunded there but still held here has its hold released."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.services.audit import audit
from tests.e2e.test_red_packets import DEFINE, PlatformSandbox, budget_available, refresh, send, wallet
from tests.lottery_support import CONFIGURE
from tests.reconciliation_support import balance, by_kind, resolve, run_reconciliation
from tests.support import GraphQLClient, TenantFixture

SHOP = {"shop_id": 30}
DAY_AND_AN_HOUR_S = 25 * 3600


@pytest.fixture
async def packets(red_packet_sandbox_url: str) -> PlatformSandbox:
    box = PlatformSandbox(red_packet_sandbox_url)
    await box.post("/_control/reset", {})
    await box.post("/_control/activities", {"cashRedpackId": 7, "type": "FIXED", "minValue": 100, "maxValue": 100})
    await box.post("/_control/balance", {"amountFen": 1_000_000})
    return box


@pytest.fixture
async def packet_tenant(gql: GraphQLClient, tenant: TenantFixture, packets: PlatformSandbox) -> TenantFixture:
    settings = {**await packets.config(), "readTimeoutSeconds": 1.0}
    configured = await gql(CONFIGURE, {"input": {"provider": "red-packet", "settings": settings}}, token=tenant.admin)
    assert configured["configureProvider"]["userErrors"] == [], configured
    campaign = await gql.create_campaign(tenant.admin, name="Packets")
    await gql.fund(tenant.admin, campaign, 10_000)
    defined = await gql(DEFINE, {"input": {"cashRedpackId": 7, "campaignId": campaign, "type": "FIXED",
                                           "minValue": 100, "maxValue": 100}}, token=tenant.admin)
    assert defined["defineRedPacketActivity"]["userErrors"] == [], defined
    return tenant


async def _send_behind_the_ledgers_back(packets: PlatformSandbox, uid: int) -> Any:
    response = await packets.http.post("/v1/cash-redpack/send-cash-redpack", params={"db": "sandbox-project-key"},
                                       json={**SHOP, "cash_redpack_id": 7, "uid": uid, "source": 2})
    assert response.json()["errcode"] == 0, response.text


async def test_the_send_list_is_matched_and_its_differences_settled_once(gql, packet_tenant, packets):
    tenant = packet_tenant
    claimed, refunded = (await send(gql, tenant, ["1001", "1002"], "k1"))["rewards"]
    await packets.post("/_control/clock", {"advanceSeconds": 5})
    await packets.post("/_control/claim", {"uid": "1001"})
    assert (await refresh(gql, tenant, claimed["id"]))["reward"]["status"] == "CLAIMED"
    assert (await refresh(gql, tenant, refunded["id"]))["reward"]["status"] == "ISSUED"
    await _send_behind_the_ledgers_back(packets, 1003)
    await packets.post("/_control/clock", {"advanceSeconds": 5})

    unclaimed = (await run_reconciliation(gql, tenant.admin, "red-packet"))["reconciliationRun"]
    [stranger] = unclaimed["discrepancies"]["nodes"]
    assert (stranger["kind"], stranger["reference"], stranger["evidence"]["provider"]["uid"]) == \
        ("MISSING_IN_LEDGER", stranger["evidence"]["provider"]["id"], "1003")
    not_yet = await resolve(gql, tenant.admin, stranger["id"], "ACCEPT_PROVIDER", "too-early")
    assert [e["code"] for e in not_yet["userErrors"]] == ["INVALID_STATE"]  # unclaimed: it may yet be refunded

    await packets.post("/_control/claim", {"uid": "1003"})
    await packets.post("/_control/clock", {"advanceSeconds": DAY_AND_AN_HOUR_S})  # 1002's packet is refunded
    run = (await run_reconciliation(gql, tenant.admin, "red-packet"))["reconciliationRun"]
    assert (run["status"], run["matchedCount"], run["matchedAmount"]["amount"]) == ("SUCCEEDED", 1, "100")
    found = by_kind(run["discrepancies"]["nodes"])
    assert sorted(found) == ["MISSING_IN_LEDGER", "STATUS_MISMATCH"]
    assert found["MISSING_IN_LEDGER"]["providerAmount"]["amount"] == "100"
    assert (found["STATUS_MISMATCH"]["ledgerStatus"], found["STATUS_MISMATCH"]["providerStatus"]) == \
        ("ISSUED", "4 (refunded: unclaimed until expiry)")

    adopted = await resolve(gql, tenant.admin, found["MISSING_IN_LEDGER"]["id"], "ACCEPT_PROVIDER", "adopt")
    assert adopted["userErrors"] == []
    assert (adopted["transfer"]["debitAccount"]["kind"], adopted["transfer"]["creditAccount"]["memberId"]) == \
        ("PROVIDER_CLEARING", "1003")
    assert adopted["discrepancy"]["reward"]["status"] == "CLAIMED" and await wallet("1003") == 100
    released = await resolve(gql, tenant.admin, found["STATUS_MISMATCH"]["id"], "ACCEPT_PROVIDER", "release")
    assert released["transfer"]["state"] == "VOIDED"
    assert released["discrepancy"]["reward"]["status"] == "REFUNDED"
    assert await budget_available() == 9_900 and await wallet("1002") == 0
    assert await balance("PROVIDER_CLEARING", owner="red-packet") == -100
    assert (await audit()).ok

    settled = (await run_reconciliation(gql, tenant.admin, "red-packet"))["reconciliationRun"]
    assert (settled["matchedCount"], settled["discrepancyCount"]) == (3, 0)
