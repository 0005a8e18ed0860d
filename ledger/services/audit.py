"""Proves the ledger's invariants from the rows themselves.

1. Per tenant and asset: posted debits equal posted credits, and pending debits equal pending credits.
2. Each account's four running totals equal the sums of its transfers.
3. No constrained account has debits (posted + pending) above its posted credits.
4. Each tenant's event sequence is 1..N with no gap or duplicate, N being the tenant's counter.
5. No committed event has waited for its number longer than the number-events job's sweep allows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from tortoise import connections, timezone

from ledger.domain.money import MAX_AMOUNT
from ledger.persistence.raw_sql import for_dialect

# Each account's totals as its transfers say they should be. The transfers are summed once, grouped by
# account, and joined: a subquery per account would read the transfers table once for every account.
_ACCOUNT_VS_TRANSFERS = """
WITH sides AS (
  SELECT debit_account_id AS account_id,
         SUM(CASE WHEN state = 'POSTED' THEN posted_amount ELSE 0 END) AS dp, 0 AS cp,
         SUM(CASE WHEN state = 'PENDING' THEN amount ELSE 0 END) AS dq, 0 AS cq
  FROM transfers GROUP BY debit_account_id
  UNION ALL
  SELECT credit_account_id, 0, SUM(CASE WHEN state = 'POSTED' THEN posted_amount ELSE 0 END),
         0, SUM(CASE WHEN state = 'PENDING' THEN amount ELSE 0 END)
  FROM transfers GROUP BY credit_account_id
), derived AS (
  SELECT account_id, SUM(dp) AS dp, SUM(cp) AS cp, SUM(dq) AS dq, SUM(cq) AS cq FROM sides GROUP BY account_id
)
SELECT a.id, a.tenant_id, a.asset, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
  COALESCE(d.dp, 0) AS dp, COALESCE(d.cp, 0) AS cp, COALESCE(d.dq, 0) AS dq, COALESCE(d.cq, 0) AS cq,
  a.debits_must_not_exceed_credits AS constrained
FROM accounts a LEFT JOIN derived d ON d.account_id = a.id {where}
"""

_EVENT_SEQUENCES = """
SELECT t.id, t.last_event_sequence AS last,
       COUNT(e.id) AS n, COUNT(DISTINCT e.sequence) AS distinct_n,
       COALESCE(MIN(e.sequence), 0) AS lo, COALESCE(MAX(e.sequence), 0) AS hi
FROM tenants t LEFT JOIN events e ON e.tenant_id = t.id AND e.sequence IS NOT NULL {where}
GROUP BY t.id, t.last_event_sequence
"""

# Writes wait for their events' numbers and the sweep runs every 30 s: an event still waiting after this
# long means numbering is failing.
WAITING_EVENT_LIMIT = timedelta(minutes=10)
_WAITING_EVENTS = """
SELECT tenant_id, COUNT(*) AS n FROM events
WHERE sequence IS NULL AND created_at < $1 {where} GROUP BY tenant_id ORDER BY tenant_id
"""


@dataclass
class AuditReport:
    accounts_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def audit(tenant_id: int | None = None) -> AuditReport:
    db = connections.get("default")
    report = AuditReport()
    where_a = f"WHERE a.tenant_id = {int(tenant_id)}" if tenant_id is not None else ""
    where_t = f"WHERE t.id = {int(tenant_id)}" if tenant_id is not None else ""

    # Per-asset totals are added up here, in Python's unbounded integers: SQLite's SUM stops with "integer
    # overflow" past 64 bits, and an audit must still report on a ledger that went wrong.
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in await db.execute_query_dict(_ACCOUNT_VS_TRANSFERS.format(where=where_a)):
        report.accounts_checked += 1
        sums = totals[(int(row["tenant_id"]), str(row["asset"]))]
        for index, column in enumerate(("debits_posted", "credits_posted", "debits_pending", "credits_pending")):
            sums[index] += int(row[column])
            if not isinstance(row[column], int) or not 0 <= row[column] <= MAX_AMOUNT:
                report.problems.append(f"account {row['id']}: {column} {row[column]} is not a 64-bit count")
        for stored, derived in (("debits_posted", "dp"), ("credits_posted", "cp"),
                                ("debits_pending", "dq"), ("credits_pending", "cq")):
            if int(row[stored]) != int(row[derived]):
                report.problems.append(f"account {row['id']}: {stored} {row[stored]} != "
                                       f"sum of transfers {row[derived]}")
        if row["constrained"] and int(row["debits_posted"]) + int(row["debits_pending"]) > int(row["credits_posted"]):
            report.problems.append(f"account {row['id']}: debits exceed credits on a constrained account")

    for (tenant, asset), (dp, cp, dq, cq) in sorted(totals.items()):
        if dp != cp:
            report.problems.append(f"tenant {tenant} {asset}: posted debits {dp} != posted credits {cp}")
        if dq != cq:
            report.problems.append(f"tenant {tenant} {asset}: pending debits {dq} != pending credits {cq}")

    for row in await db.execute_query_dict(_EVENT_SEQUENCES.format(where=where_t)):
        n, last = int(row["n"]), int(row["last"])
        if not (n == int(row["distinct_n"]) == last and (n == 0 or (int(row["lo"]) == 1 and int(row["hi"]) == n))):
            report.problems.append(f"tenant {row['id']}: event sequences are not 1..{last} without gaps "
                                   f"({n} events, {row['lo']}..{row['hi']})")

    where_e = f"AND tenant_id = {int(tenant_id)}" if tenant_id is not None else ""
    waiting = _WAITING_EVENTS.format(where=where_e)
    for row in await db.execute_query_dict(for_dialect(db, waiting), [timezone.now() - WAITING_EVENT_LIMIT]):
        report.problems.append(f"tenant {row['tenant_id']}: {row['n']} events have waited for their sequence "
                               f"number longer than {int(WAITING_EVENT_LIMIT.total_seconds() // 60)} minutes")
    return report
