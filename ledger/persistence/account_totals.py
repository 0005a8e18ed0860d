"""The accounts' running totals: locking the rows and changing them, in hand-written statements.

Every lock on accounts is taken in id order, so two writes never deadlock. The balance rules are checked
by the caller on the rows as read under those locks; the changes below then apply unconditionally, both
accounts in one statement, so a refusal never leaves one side changed.
"""

from __future__ import annotations

from ledger.persistence.models import Account
from ledger.persistence.raw_sql import current_connection, for_dialect, is_postgres

_LOCK = "SELECT * FROM accounts WHERE id IN ($1, $2) ORDER BY id"

# CAST: PostgreSQL would type a bare parameter beside the 0 as a 32-bit integer.
_ADD = """
UPDATE accounts
SET debits_{side} = debits_{side} + CASE WHEN id = $2 THEN CAST($1 AS BIGINT) ELSE 0 END,
    credits_{side} = credits_{side} + CASE WHEN id = $3 THEN CAST($1 AS BIGINT) ELSE 0 END
WHERE id IN ($2, $3)
"""
_ADD_POSTED, _ADD_PENDING = _ADD.format(side="posted"), _ADD.format(side="pending")

# A hold's resolution: all it held leaves the pending totals, what is posted of it joins the posted ones.
_SETTLE = """
UPDATE accounts
SET debits_pending = debits_pending - CASE WHEN id = $1 THEN CAST($3 AS BIGINT) ELSE 0 END,
    debits_posted = debits_posted + CASE WHEN id = $1 THEN CAST($4 AS BIGINT) ELSE 0 END,
    credits_pending = credits_pending - CASE WHEN id = $2 THEN CAST($3 AS BIGINT) ELSE 0 END,
    credits_posted = credits_posted + CASE WHEN id = $2 THEN CAST($4 AS BIGINT) ELSE 0 END
WHERE id IN ($1, $2)
"""


async def lock_accounts(*account_ids: int) -> dict[int, Account]:
    """Locks the (one or two) accounts in id order and returns them as read under the locks. Row locks on
    PostgreSQL; on SQLite the single writer already serialises transactions."""
    ids = sorted(set(account_ids))
    db = current_connection()
    statement = _LOCK + " FOR UPDATE" if is_postgres(db) else _LOCK
    rows = await db.execute_query_dict(for_dialect(db, statement), [ids[0], ids[-1]])
    # The rows are the accounts' whole columns, as Tortoise itself turns a read row into a model.
    return {int(row["id"]): Account._init_from_db(**row) for row in rows}


async def add_transfer(debit_id: int, credit_id: int, amount: int, *, pending: bool) -> None:
    """A new transfer's amount onto the debit account's debits and the credit account's credits (posted,
    or pending for a hold). The caller holds both locks and has checked the rules."""
    db = current_connection()
    await db.execute_query(for_dialect(db, _ADD_PENDING if pending else _ADD_POSTED), [amount, debit_id, credit_id])


async def settle_hold(debit_id: int, credit_id: int, *, held: int, posted: int) -> None:
    """A hold of `held` resolved with `posted` of it (0: voided). Only lowers each side's sum and raises the
    debit account's available balance, so it breaks no rule."""
    db = current_connection()
    await db.execute_query(for_dialect(db, _SETTLE), [debit_id, credit_id, held, posted])
