"""A tenant's gap-free event sequence: appending events, and numbering them.

On PostgreSQL a write appends its events unnumbered and commits without touching the tenant's row, so the
tenant's writes commit side by side (one sequence row locked to every commit made them commit one at a
time: bench/RESULTS.md, "event sequencing"). The events are numbered after commit, in a short transaction
of their own that numbers every event of the tenant still waiting (`number_waiting_events`): the tenant
row's lock orders those transactions, each starts from the counter the one before it committed, and each
commits its numbers and the counter together, so numbers are handed out 1, 2, 3, ... with no gap, and an
event is seen with its number only once every lower number was committed before it.

SQLite has one writer at a time, so a lock held to commit costs no concurrency there while a second
transaction would cost a second sync to disk: a write numbers its own events, last, just before commit.
"""

from __future__ import annotations

import json
from typing import Any

from tortoise import timezone

from ledger.persistence.models import Event
from ledger.persistence.raw_sql import current_connection, for_dialect, is_postgres

_RESERVE = ("UPDATE tenants SET last_event_sequence = last_event_sequence + $1 WHERE id = $2 "
            "RETURNING last_event_sequence")

_APPEND_UNNUMBERED = """
INSERT INTO events (tenant_id, sequence, type, reward_id, transfer_id, campaign_id, member_id, data, created_at)
SELECT $1, NULL, e.type, e.reward_id, e.transfer_id, e.campaign_id, e.member_id, e.data::jsonb, $8
FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
     WITH ORDINALITY AS e(type, reward_id, transfer_id, campaign_id, member_id, data, ord)
ORDER BY e.ord
RETURNING id
"""

_LOCK_COUNTER = "SELECT last_event_sequence FROM tenants WHERE id = $1"

# Run with the counter's lock held, so the snapshot sees every earlier numbering. Waiting events are
# numbered in the order they were written (by id); the counter moves by as many as were numbered. The
# accounts each event's transfer moved come back with it (subscribers follow accounts), read here rather
# than after commit, so nothing can fail between numbering events and publishing them.
_NUMBER_WAITING = """
WITH waiting AS (
  SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS ord FROM events WHERE tenant_id = $1 AND sequence IS NULL
), numbered AS (
  UPDATE events SET sequence = $2 + waiting.ord FROM waiting WHERE events.id = waiting.id
  RETURNING events.id, events.sequence, events.type, events.reward_id, events.transfer_id,
            events.campaign_id, events.member_id, events.created_at
), counted AS (
  UPDATE tenants SET last_event_sequence = $2 + (SELECT COUNT(*) FROM waiting) WHERE id = $1
  RETURNING last_event_sequence
)
SELECT numbered.*, t.debit_account_id, t.credit_account_id
FROM numbered CROSS JOIN counted LEFT JOIN transfers t ON t.id = numbered.transfer_id
"""


def numbers_after_commit() -> bool:
    """Whether this database's writes leave their events for the sequencer (else they number them)."""
    return is_postgres(current_connection())


async def append_events(tenant_id: int, events: list[Event]) -> None:
    """Appends `events` in order, last in a write transaction: numbered at once on SQLite, left for the
    sequencer on PostgreSQL (their `id` is set either way; `sequence` only when numbered)."""
    db = current_connection()
    if not is_postgres(db):
        rows = await db.execute_query_dict(for_dialect(db, _RESERVE), [len(events), tenant_id])
        first = int(rows[0]["last_event_sequence"]) - len(events) + 1
        for offset, event in enumerate(events):
            event.sequence = first + offset
        await Event.bulk_create(events)
        return
    moment = timezone.now()
    rows = await db.execute_query_dict(_APPEND_UNNUMBERED, [
        tenant_id, [e.type for e in events],
        [e.reward_id for e in events], [e.transfer_id for e in events],  # type: ignore[attr-defined]
        [e.campaign_id for e in events], [e.member_id for e in events],
        [json.dumps(e.data, separators=(",", ":")) for e in events], moment])
    for event, row in zip(events, sorted(int(row["id"]) for row in rows), strict=True):
        event.id, event.created_at = row, moment


async def number_waiting_events(tenant_id: int) -> list[dict[str, Any]]:
    """Numbers every event of the tenant still waiting for its number. Call it in a transaction of its own
    and commit at once: the tenant row stays locked until then. Returns the rows it numbered, in order, each
    with its transfer's `debit_account_id` and `credit_account_id` (None without a transfer)."""
    db = current_connection()
    if not is_postgres(db):
        return await _number_waiting_on_sqlite(tenant_id)
    counter = await db.execute_query_dict(_LOCK_COUNTER + " FOR UPDATE", [tenant_id])
    if not counter:
        return []
    rows = await db.execute_query_dict(_NUMBER_WAITING, [tenant_id, int(counter[0]["last_event_sequence"])])
    return sorted(rows, key=lambda row: int(row["sequence"]))


async def _number_waiting_on_sqlite(tenant_id: int) -> list[dict[str, Any]]:
    """The same, a statement at a time (SQLite has no UPDATE inside WITH). Its writes number their own
    events, so only an event written some other way ever waits here."""
    db = current_connection()
    waiting = await db.execute_query_dict(
        "SELECT id FROM events WHERE tenant_id = ? AND sequence IS NULL ORDER BY id", [tenant_id])
    if not waiting:
        return []
    rows = await db.execute_query_dict(for_dialect(db, _RESERVE), [len(waiting), tenant_id])
    first = int(rows[0]["last_event_sequence"]) - len(waiting) + 1
    await db.execute_many("UPDATE events SET sequence = ? WHERE id = ?",
                          [[first + offset, row["id"]] for offset, row in enumerate(waiting)])
    return await db.execute_query_dict(
        "SELECT e.id, e.sequence, e.type, e.reward_id, e.transfer_id, e.campaign_id, e.member_id, e.created_at, "
        "t.debit_account_id, t.credit_account_id FROM events e LEFT JOIN transfers t ON t.id = e.transfer_id "
        f"WHERE e.id IN ({', '.join('?' for _ in waiting)}) ORDER BY e.sequence", [row["id"] for row in waiting])
