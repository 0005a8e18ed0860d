"""The accounts' running totals: locking the rows and changing them, in hand-written statements.

Every lock on accounts is taken in id order, so two writes never deadlock.
"""

from __future__ import annotations

from functools import cache

from ledger.domain.money import MAX_AMOUNT
from ledger.persistence.models import Account
from ledger.persistence.raw_sql import current_connection, for_dialect, is_postgres

_LOCK = "SELECT * FROM accounts WHERE id IN ($1, $2) ORDER BY id {lock}"

# A new transfer in one statement: lock both accounts in id order (MATERIALIZED keeps the CTE whole, with its
# ORDER BY and its locks), check the rules on the rows as read under the locks, and add the amount to the
# debit account's debits and the credit account's credits, both or neither. The rules, as in
# services/transfers.py: a constrained debit account keeps enough credits, and each side (posted + pending)
# stays within 64 bits. $1 amount, $2 debit account, $3 credit account. CAST: PostgreSQL would type a bare
# parameter beside the 0 as a 32-bit integer.
_ADD = """
WITH locked AS MATERIALIZED (
  SELECT id, debits_must_not_exceed_credits, debits_posted, credits_posted, debits_pending, credits_pending
  FROM accounts WHERE id IN ($2, $3) ORDER BY id {lock}
)
UPDATE accounts
SET debits_{side} = debits_{side} + CASE WHEN id = $2 THEN CAST($1 AS BIGINT) ELSE 0 END,
    credits_{side} = credits_{side} + CASE WHEN id = $3 THEN CAST($1 AS BIGINT) ELSE 0 END
WHERE id IN ($2, $3) AND NOT EXISTS (
  SELECT 1 FROM locked
  WHERE (locked.id = $2 AND (locked.debits_posted + locked.debits_pending > {max} - $1
                             OR (locked.debits_must_not_exceed_credits
                                 AND locked.credits_posted - locked.debits_posted - locked.debits_pending < $1)))
     OR (locked.id = $3 AND locked.credits_posted + locked.credits_pending > {max} - $1)
)
RETURNING id
"""

# A hold's resolution: all it held leaves the pending totals, what is posted of it joins the posted ones.
_SETTLE = """
UPDATE accounts
SET debits_pending = debits_pending - CASE WHEN id = $1 THEN CAST($3 AS BIGINT) ELSE 0 END,
    debits_posted = debits_posted + CASE WHEN id = $1 THEN CAST($4 AS BIGINT) ELSE 0 END,
    credits_pending = credits_pending - CASE WHEN id = $2 THEN CAST($3 AS BIGINT) ELSE 0 END,
    credits_posted = credits_posted + CASE WHEN id = $2 THEN CAST($4 AS BIGINT) ELSE 0 END
WHERE id IN ($1, $2)
"""


def _row_locks(postgres: bool) -> str:
    """Row locks on PostgreSQL; on SQLite the single writer already serialises transactions."""
    return "FOR UPDATE" if postgres else ""


@cache
def _add_statement(pending: bool, postgres: bool) -> str:
    statement = _ADD.format(side="pending" if pending else "posted", lock=_row_locks(postgres), max=MAX_AMOUNT)
    return statement if postgres else statement.replace("$", "?")  # as raw_sql.for_dialect does


async def lock_accounts(*account_ids: int) -> dict[int, Account]:
    """Locks the (one or two) accounts in id order and returns them as read under the locks."""
    ids = sorted(set(account_ids))
    db = current_connection()
    statement = _LOCK.format(lock=_row_locks(is_postgres(db)))
    rows = await db.execute_query_dict(for_dialect(db, statement), [ids[0], ids[-1]])
    # The rows are the accounts' whole columns, as Tortoise itself turns a read row into a model.
    return {int(row["id"]): Account._init_from_db(**row) for row in rows}


async def add_transfer(debit_id: int, credit_id: int, amount: int, *, pending: bool) -> bool:
    """Adds a new transfer's amount to the two accounts' posted (or, for a hold, pending) totals if the rules
    allow it. False: refused, nothing changed."""
    db = current_connection()
    rows = await db.execute_query_dict(_add_statement(pending, is_postgres(db)), [amount, debit_id, credit_id])
    return len(rows) == 2


async def settle_hold(debit_id: int, credit_id: int, *, held: int, posted: int) -> None:
    """A hold of `held` resolved with `posted` of it (0: voided); the caller holds both locks. It only lowers
    each side's sum and raises the debit account's available balance, so it breaks no rule."""
    db = current_connection()
    await db.execute_query(for_dialect(db, _SETTLE), [debit_id, credit_id, held, posted])
