"""Writing transfer rows in hand-written statements: a new transfer, and a hold's one-time resolution."""

from __future__ import annotations

from datetime import datetime

from ledger.domain.statuses import TransferState
from ledger.persistence.models import Transfer
from ledger.persistence.raw_sql import current_connection, for_dialect

_INSERT = """
INSERT INTO transfers (tenant_id, debit_account_id, credit_account_id, asset, amount, state, posted_amount,
                       resolved_at, expires_at, reward_id, reverses_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING *
"""

# Compare-and-set on the state: of two racing resolutions only one changes the row.
_RESOLVE = ("UPDATE transfers SET state = $1, posted_amount = $2, resolved_at = $3 "
            "WHERE id = $4 AND state = '" + TransferState.PENDING.value + "'")


async def insert_transfer(*, tenant_id: int, debit_id: int, credit_id: int, asset: str, amount: int,
                          state: TransferState, posted_amount: int | None, resolved_at: datetime | None,
                          expires_at: datetime | None, reward_id: int | None, reverses_id: int | None,
                          created_at: datetime) -> Transfer:
    db = current_connection()
    rows = await db.execute_query_dict(for_dialect(db, _INSERT), [
        tenant_id, debit_id, credit_id, asset, amount, state.value, posted_amount, resolved_at, expires_at,
        reward_id, reverses_id, created_at])
    # The row as stored, made into a model as Tortoise makes every row it reads.
    return Transfer._init_from_db(**rows[0])


async def resolve_transfer(transfer_id: int, state: TransferState, posted_amount: int, resolved_at: datetime
                           ) -> bool:
    """Sets a pending transfer's outcome; False if it was no longer pending."""
    db = current_connection()
    changed, _ = await db.execute_query(for_dialect(db, _RESOLVE), [state.value, posted_amount, resolved_at,
                                                                   transfer_id])
    return changed == 1
