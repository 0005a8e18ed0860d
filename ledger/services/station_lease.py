"""One call in flight per provider station, across every instance of the service.

The instant-lottery gateway serialises each station (seed §7), so the service must never have two calls
for one station in flight. Within a process an asyncio lock queues callers; across processes a lease
row does: acquiring it is one conditional UPDATE (holder empty or expired), which both SQLite and
PostgreSQL apply atomically. The lease expires on its own, so a crashed holder blocks the station for one
time-to-live at most (the gateway's `stationLeaseSeconds`); a live holder renews it every third of that
while its call runs, so a lease shorter than a slow call still keeps a second call out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from ledger.domain.clock import now
from ledger.persistence.provider_models import StationLease

log = logging.getLogger(__name__)
POLL_INTERVAL_S = 0.02
_local_locks: dict[tuple[int, str, str], asyncio.Lock] = {}


class StationBusy(Exception):
    """The station stayed busy for longer than the caller would wait."""


@asynccontextmanager
async def station_lease(tenant_id: int, provider: str, station_id: str, *, ttl_s: float, wait_s: float
                        ) -> AsyncIterator[None]:
    key = (tenant_id, provider, station_id)
    local = _local_locks.setdefault(key, asyncio.Lock())
    try:
        await asyncio.wait_for(local.acquire(), timeout=wait_s)
    except TimeoutError as exc:
        raise StationBusy(station_id) from exc
    holder = uuid.uuid4().hex
    try:
        await _acquire(tenant_id, provider, station_id, holder, ttl_s=ttl_s, wait_s=wait_s)
        renewing = asyncio.create_task(_renew(tenant_id, provider, station_id, holder, ttl_s=ttl_s))
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            await StationLease.filter(tenant_id=tenant_id, provider=provider, station_id=station_id,
                                      holder=holder).update(holder=None, expires_at=None)
    finally:
        local.release()


async def _acquire(tenant_id: int, provider: str, station_id: str, holder: str, *, ttl_s: float,
                   wait_s: float) -> None:
    await _ensure_row(tenant_id, provider, station_id)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while True:
        moment = now()
        taken = await StationLease.filter(
            Q(holder=None) | Q(expires_at__lt=moment), tenant_id=tenant_id, provider=provider,
            station_id=station_id,
        ).update(holder=holder, expires_at=moment + timedelta(seconds=ttl_s))
        if taken:
            return
        if loop.time() >= deadline:
            raise StationBusy(station_id)
        await asyncio.sleep(POLL_INTERVAL_S)


async def _renew(tenant_id: int, provider: str, station_id: str, holder: str, *, ttl_s: float) -> None:
    """Pushes the lease's expiry on while its holder lives; stops once the lease is no longer its own."""
    while True:
        await asyncio.sleep(ttl_s / 3)
        try:
            renewed = await StationLease.filter(tenant_id=tenant_id, provider=provider, station_id=station_id,
                                                holder=holder).update(expires_at=now() + timedelta(seconds=ttl_s))
        except Exception:  # noqa: BLE001 - a failed renewal must not break the call; the next one tries again
            log.warning("renewing the lease of station %s failed", station_id, exc_info=True)
            continue
        if not renewed:
            return


async def _ensure_row(tenant_id: int, provider: str, station_id: str) -> None:
    if await StationLease.exists(tenant_id=tenant_id, provider=provider, station_id=station_id):
        return
    with contextlib.suppress(IntegrityError):  # another instance made it first
        await StationLease.create(tenant_id=tenant_id, provider=provider, station_id=station_id)
