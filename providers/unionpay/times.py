"""UnionPay's times: `yyyyMMddHHmmss` in Beijing time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def beijing_stamp(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
