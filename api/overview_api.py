"""What a dashboard's overview needs beyond the lists: value issued per day and reward kind."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import strawberry

from api.context import Info, require_operator_view
from api.errors import invalid_argument
from api.types.enums import RewardKind
from api.types.money import Money
from ledger.domain.clock import now
from ledger.services import reward_volume

DEFAULT_ZONE = "Asia/Shanghai"  # the providers' day


@strawberry.type(description="Paid rewards (ISSUED or CLAIMED) of one kind and asset created on one day.")
class RewardVolume:
    day: dt.date
    kind: RewardKind
    count: int
    amount: Money


def _zone(name: str) -> ZoneInfo:
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        raise invalid_argument("timeZone", "an IANA time zone name, such as Asia/Shanghai or Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid_argument("timeZone", f"unknown time zone {name[:64]!r}; use an IANA name such as "
                               "Asia/Shanghai") from None


@strawberry.type
class OverviewQuery:
    @strawberry.field(description="Value issued per day (in `timeZone`, default Beijing time) and reward kind over "
                                  f"the last `days` days, today included (1-{reward_volume.MAX_DAYS}); days "
                                  "without paid rewards are left out. Operators only.")
    async def reward_volume(self, info: Info, days: int = 30, time_zone: str = DEFAULT_ZONE) -> list[RewardVolume]:
        principal = require_operator_view(info, "reward volume")
        if not 1 <= days <= reward_volume.MAX_DAYS:
            raise invalid_argument("days", f"from 1 to {reward_volume.MAX_DAYS}")
        rows = await reward_volume.issued_per_day(principal.tenant_id, days=days, zone=_zone(time_zone), now=now())
        return [RewardVolume(day=row.day, kind=RewardKind(row.kind.value), count=row.count,
                             amount=Money.of(row.amount, row.asset)) for row in rows]
