"""A station busy with another call (seed 003 §7: one call at a time per station) and a lease left by a
crashed instance (issue 11): a redemption that cannot get the station is a retryable PROVIDER_UNAVAILABLE
with nothing held and the ticket free; a crashed holder blocks the station for `stationLeaseSeconds` only."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from ledger.domain.clock import now
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.provider_models import StationLease, TicketLock
from ledger.ports import provider_for
from ledger.services.audit import audit
from ledger.services.station_lease import StationBusy, station_lease
from ledger.services.station_lease import _acquire as take_lease
from providers.instant_lottery import client as lottery_client
from tests.e2e.test_lottery_redemption import log_in, wallet_fen
from tests.lottery_support import connect_tenant, redeem

STATION_LEASE_S = 2


async def hold_station(tenant_id: int, holder: str, seconds: float) -> None:
    """The lease row another instance holds (or a crashed one left behind)."""
    lease = await StationLease.get(tenant_id=tenant_id, provider="instant-lottery")
    lease.holder, lease.expires_at = holder, now() + timedelta(seconds=seconds)
    await lease.save()


async def test_a_busy_station_is_a_retryable_user_error_that_holds_nothing(gql, connected, sandbox, monkeypatch):
    await sandbox.ticket("T-BUSY-1", "WIN", 800)
    await log_in(gql, connected)  # makes the station's lease row
    await hold_station(connected.id, "another-instance", 600)
    monkeypatch.setattr(lottery_client, "LEASE_WAIT_S", 0.3)
    busy = await redeem(gql, connected.operator, "T-BUSY-1", "k1")
    assert [(e["code"], e["field"]) for e in busy["userErrors"]] == [("PROVIDER_UNAVAILABLE", None)]
    assert "busy" in busy["userErrors"][0]["message"]
    row = await Reward.get(kind="LOTTERY_TICKET")
    assert row.status == "FAILED" and await Transfer.all().count() == 0  # nothing held, nothing paid
    assert (await sandbox.records())["redemptions"] == []  # the ticket never left
    await StationLease.filter(tenant_id=connected.id).update(holder=None, expires_at=None)
    retried = await redeem(gql, connected.operator, "T-BUSY-1", "k2")  # the ticket is free again
    assert retried["reward"]["status"] == "ISSUED" and await wallet_fen("m1") == 800
    assert await TicketLock.filter(tenant_id=connected.id).count() == 1
    assert (await audit(connected.id)).ok


async def test_a_crashed_instances_lease_blocks_the_station_for_the_configured_seconds_only(gql, tenant, sandbox):
    await connect_tenant(gql, tenant, sandbox, stationLeaseSeconds=STATION_LEASE_S)
    gateway = await provider_for(tenant.id, "instant-lottery")
    assert gateway.settings.lease_ttl_s == STATION_LEASE_S
    await sandbox.ticket("T-CRASH-1", "WIN", 300)
    await log_in(gql, tenant)
    await hold_station(tenant.id, "crashed-instance", STATION_LEASE_S)  # what a crash mid-call leaves
    started = time.monotonic()
    redeemed = await redeem(gql, tenant.operator, "T-CRASH-1", "k1")
    assert redeemed["reward"]["status"] == "ISSUED"
    assert time.monotonic() - started < STATION_LEASE_S + 2


async def test_a_lease_is_renewed_while_its_call_runs_so_a_short_lease_never_lets_a_second_call_in(tenant):
    async with station_lease(tenant.id, "instant-lottery", "S1", ttl_s=0.5, wait_s=1):
        await asyncio.sleep(1.6)  # three times the lease
        lease = await StationLease.get(tenant_id=tenant.id, station_id="S1")
        assert lease.holder is not None and lease.expires_at > now()
        with pytest.raises(StationBusy):  # another instance still cannot take it
            await take_lease(tenant.id, "instant-lottery", "S1", "another-instance", ttl_s=0.5, wait_s=0.2)
    assert (await StationLease.get(tenant_id=tenant.id, station_id="S1")).holder is None
