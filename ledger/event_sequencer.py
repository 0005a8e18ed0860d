"""Numbers a tenant's committed events after their writes, and publishes them.

A write on PostgreSQL commits its events unnumbered (ledger/persistence/sequences.py) and then waits here
until they have their numbers, so the API answers as before: once a mutation returns, its events are in
the log with their numbers and on the bus. The writes of one tenant that finish together share one
numbering transaction: while one runs, the others queue behind it in this process, and the next run
numbers everything that was committed meanwhile, in one statement and one commit. Other processes' runs
queue on the tenant row's lock instead.

Whoever numbers events publishes them, so events a crashed process committed but never numbered are still
published: by the next run for that tenant in any process, or by the `number-events` job's sweep
(`number_waiting`). A run that fails leaves its events waiting for either; the writes they belong to have
committed and still succeed. The numbering statement also reads the accounts each event's transfer moved,
so once a run commits, publishing needs nothing more from the database.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from ledger.events import publish_numbered
from ledger.persistence.models import Event
from ledger.persistence.sequences import number_waiting_events

log = logging.getLogger(__name__)


@dataclass
class _TenantRuns:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    started: int = 0  # runs begun in this process, counted
    last_finished: int = 0  # the count of the latest run that numbered and committed


# Per event loop (a lock belongs to the loop it first waited in), per tenant.
_runs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _TenantRuns]] = weakref.WeakKeyDictionary()


async def settle(tenant_id: int) -> None:
    """Returns once every event of the tenant that was committed before this call is numbered and published
    (or, if numbering failed, left to the next run or the sweep)."""
    runs = _runs.setdefault(asyncio.get_running_loop(), {}).setdefault(tenant_id, _TenantRuns())
    ticket = runs.started
    try:
        async with runs.lock:
            if runs.last_finished > ticket:
                return  # a run that began after this call's events were committed has numbered them
            runs.started += 1
            this_run = runs.started
            await _number_and_publish(tenant_id)
            runs.last_finished = this_run
    except Exception:
        log.exception("numbering tenant %s's events failed; the number-events job will number them", tenant_id)


async def number_waiting() -> int:
    """The sweep: numbers and publishes the events of every tenant that has some waiting. Returns how many
    tenants had some."""
    found = await Event.filter(sequence__isnull=True).distinct().values_list("tenant_id", flat=True)
    tenants = sorted({int(tenant_id) for tenant_id in found})  # type: ignore[call-overload]
    for tenant_id in tenants:
        await settle(tenant_id)
    return len(tenants)


async def _number_and_publish(tenant_id: int) -> None:
    async with in_transaction():
        rows = await number_waiting_events(tenant_id)
    if rows:
        await publish_numbered(tenant_id, rows)
