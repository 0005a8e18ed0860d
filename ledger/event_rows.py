"""Reading committed events for many subscribers at once.

A commit wakes every subscriber of its tenant in the same instant, and each wants the same rows, so this
process reads each event once: reads that overlap in time share one query, and the most recent rows are
kept. Events never change, so a kept row cannot go stale; it is found by tenant, sequence and the time it
was written, which a log emptied and written again (as tests do) never repeats.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime

from ledger.event_feed import CommittedEvent
from ledger.persistence.models import Event

RECENT_ROWS = 4096
Rows = dict[int, Event]  # by sequence
Key = tuple[int, int, datetime]  # tenant, sequence, written at

_recent: OrderedDict[Key, Event] = OrderedDict()
_in_flight: dict[tuple[int, int], asyncio.Future[Rows | None]] = {}


async def committed_events(tenant_id: int, events: Iterable[CommittedEvent]) -> Rows:
    """The rows of these events of the tenant (those that exist), by sequence."""
    rows: Rows = {}
    mine: list[CommittedEvent] = []
    theirs: dict[int, asyncio.Future[Rows | None]] = {}
    for event in events:
        kept = _recent.get((tenant_id, event.sequence, event.created_at)) if event.created_at else None
        reading = _in_flight.get((tenant_id, event.sequence))
        if kept is not None:
            rows[event.sequence] = kept
        elif reading is not None:
            theirs[event.sequence] = reading
        else:
            mine.append(event)
    if mine:
        rows.update(await _read(tenant_id, [e.sequence for e in mine]))
    for sequence, reading in theirs.items():
        shared = await asyncio.shield(reading)
        if shared is None:  # that reader failed or went away: read it here
            rows.update(await _read(tenant_id, [sequence]))
        elif sequence in shared:
            rows[sequence] = shared[sequence]
    return rows


async def _read(tenant_id: int, sequences: list[int]) -> Rows:
    shared: asyncio.Future[Rows | None] = asyncio.get_running_loop().create_future()
    for sequence in sequences:
        _in_flight[(tenant_id, sequence)] = shared
    try:
        rows = {row.sequence: row for row in await Event.filter(tenant_id=tenant_id, sequence__in=sequences)}
    except BaseException:
        shared.set_result(None)
        raise
    finally:
        for sequence in sequences:
            if _in_flight.get((tenant_id, sequence)) is shared:
                del _in_flight[(tenant_id, sequence)]
    shared.set_result(rows)
    for row in rows.values():
        _keep(tenant_id, row)
    return rows


def _keep(tenant_id: int, row: Event) -> None:
    _recent[(tenant_id, row.sequence, row.created_at)] = row
    if len(_recent) > RECENT_ROWS:
        _recent.popitem(last=False)
