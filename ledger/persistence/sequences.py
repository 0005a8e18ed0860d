"""Handing out a tenant's gap-free event sequence numbers."""

from __future__ import annotations

from tortoise import connections

_RESERVE = ("UPDATE tenants SET last_event_sequence = last_event_sequence + {count} WHERE id = {tenant} "
            "RETURNING last_event_sequence")


async def reserve_event_sequences(tenant_id: int, count: int) -> int:
    """Takes the next `count` numbers of the tenant's sequence; returns the first.

    Call it last in a write transaction, just before commit: the UPDATE holds the tenant row's lock until
    then, so every other write of the tenant waits here, and numbers are handed out in commit order with
    no gaps (a rolled-back write gives its numbers back). One statement where an UPDATE and a SELECT were
    two: the lock is held for a round trip less.
    """
    db = connections.get("default")  # inside in_transaction(), the transaction's own connection
    marks = ("$1", "$2") if db.capabilities.dialect == "postgres" else ("?", "?")
    rows = await db.execute_query_dict(_RESERVE.format(count=marks[0], tenant=marks[1]), [count, tenant_id])
    return int(rows[0]["last_event_sequence"]) - count + 1
