"""Handing out a tenant's gap-free event sequence numbers, and appending the events that carry them."""

from __future__ import annotations

import json

from tortoise import timezone

from ledger.persistence.models import Event
from ledger.persistence.raw_sql import current_connection, for_dialect, is_postgres

_RESERVE = ("UPDATE tenants SET last_event_sequence = last_event_sequence + $1 WHERE id = $2 "
            "RETURNING last_event_sequence")

# PostgreSQL: the counter's bump and the events' insert in one statement, so the tenant row's lock, which
# every write of the tenant waits on, is held for this statement and the commit only.
_RESERVE_AND_APPEND = """
WITH reserved AS (
  UPDATE tenants SET last_event_sequence = last_event_sequence + $2 WHERE id = $1 RETURNING last_event_sequence
)
INSERT INTO events (tenant_id, sequence, type, reward_id, transfer_id, campaign_id, member_id, data, created_at)
SELECT $1, reserved.last_event_sequence - $2 + e.ord, e.type, e.reward_id, e.transfer_id, e.campaign_id,
       e.member_id, e.data::jsonb, $9
FROM reserved, unnest($3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])
     WITH ORDINALITY AS e(type, reward_id, transfer_id, campaign_id, member_id, data, ord)
RETURNING sequence
"""


async def reserve_event_sequences(tenant_id: int, count: int) -> int:
    """Takes the next `count` numbers of the tenant's sequence; returns the first.

    The UPDATE holds the tenant row's lock until commit, so every other write of the tenant waits here and
    numbers are handed out in commit order with no gaps (a rolled-back write gives its numbers back): an
    event is seen with its number only once every event with a lower number was committed before it.
    """
    db = current_connection()
    rows = await db.execute_query_dict(for_dialect(db, _RESERVE), [count, tenant_id])
    return int(rows[0]["last_event_sequence"]) - count + 1


async def append_events(tenant_id: int, events: list[Event]) -> None:
    """Numbers `events` in order with the tenant's next sequence numbers and inserts them. Call it last in
    a write transaction, just before commit (see reserve_event_sequences)."""
    db = current_connection()
    if not is_postgres(db):  # SQLite has one writer at a time: no lock to keep short
        first = await reserve_event_sequences(tenant_id, len(events))
        for offset, event in enumerate(events):
            event.sequence = first + offset
        await Event.bulk_create(events)
        return
    moment = timezone.now()
    rows = await db.execute_query_dict(_RESERVE_AND_APPEND, [
        tenant_id, len(events), [e.type for e in events],
        [e.reward_id for e in events], [e.transfer_id for e in events],  # type: ignore[attr-defined]
        [e.campaign_id for e in events], [e.member_id for e in events],
        [json.dumps(e.data, separators=(",", ":")) for e in events], moment])
    first = min(int(row["sequence"]) for row in rows)
    for offset, event in enumerate(events):
        event.sequence, event.created_at = first + offset, moment
