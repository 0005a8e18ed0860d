"""Value issued per day and reward kind: the operator console's chart.

The database sums paid rewards into quarter-hour buckets of UTC time (one portable expression on SQLite and
PostgreSQL, and every zone's midnight falls on a quarter hour); the buckets are then folded into the days of
the zone asked for. So the sum is done where the rows are, and days follow the reader's zone, daylight
saving included, without sending every reward over the wire.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise import connections

from ledger.domain.reconciliation import PAID_STATUSES
from ledger.domain.statuses import RewardKind

BUCKET_SECONDS = 900
MAX_DAYS = 90

_BUCKET = {
    "postgres": "FLOOR(EXTRACT(EPOCH FROM created_at) / 900)::bigint",
    "sqlite": "CAST(strftime('%s', created_at) AS INTEGER) / 900",
}
_QUERY = """
SELECT {bucket} AS bucket, kind, asset, COUNT(*) AS rewards, SUM(amount) AS amount
FROM rewards
WHERE tenant_id = {p1} AND created_at >= {p2} AND created_at < {p3} AND status IN ({statuses})
GROUP BY 1, kind, asset
"""


@dataclass(frozen=True)
class DayVolume:
    day: date
    kind: RewardKind
    asset: str
    count: int
    amount: int


async def issued_per_day(tenant_id: int, *, days: int, zone: ZoneInfo, now: datetime) -> list[DayVolume]:
    """Paid rewards (ISSUED, CLAIMED) created on each of the last `days` days in `zone`, today included,
    by day, kind and asset; days without any are left out."""
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=days - 1)
    start = datetime.combine(first_day, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    totals: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in await _bucket_rows(tenant_id, start, end):
        moment = datetime.fromtimestamp(int(row["bucket"]) * BUCKET_SECONDS, UTC).astimezone(zone)
        total = totals[(moment.date(), row["kind"], row["asset"])]
        total[0] += int(row["rewards"])
        total[1] += int(row["amount"])
    return [DayVolume(day=day, kind=RewardKind(kind), asset=asset, count=count, amount=amount)
            for (day, kind, asset), (count, amount) in sorted(totals.items())]


async def _bucket_rows(tenant_id: int, start: datetime, end: datetime) -> list[dict]:
    db = connections.get("default")
    dialect = "postgres" if db.capabilities.dialect == "postgres" else "sqlite"
    statuses = sorted(status.value for status in PAID_STATUSES)
    if dialect == "postgres":
        marks = [f"${i}" for i in range(1, 4 + len(statuses))]
        values: list[object] = [tenant_id, start, end, *statuses]
    else:
        # SQLite keeps times as text: compare with the same text form Tortoise writes.
        marks = ["?"] * (3 + len(statuses))
        values = [tenant_id, _sqlite_time(start), _sqlite_time(end), *statuses]
    sql = _QUERY.format(bucket=_BUCKET[dialect], p1=marks[0], p2=marks[1], p3=marks[2],
                        statuses=", ".join(marks[3:]))
    return await db.execute_query_dict(sql, values)


def _sqlite_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(sep=" ")
