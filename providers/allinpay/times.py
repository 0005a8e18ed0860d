"""The gateway's times: Beijing time (UTC+08:00) as request timestamps and as `tranDateTime` answers.

`tranDateTime` comes as a Java LocalDateTime serialised by Jackson: an array `[2020,4,10,16,3,49]` in the
seed's example. Jackson leaves out trailing zero seconds and nanoseconds, so 5 to 7 elements occur. The
seed's table calls it a String, so text forms are read too. Either way it is normalised to ISO-8601 with
the +08:00 offset, which is how the API shows times.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
_TEXT_FORMATS = (TIMESTAMP_FORMAT, "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S")


def gateway_timestamp(moment: datetime) -> str:
    """`moment` as the request's `timestamp`: "yyyy-MM-dd HH:mm:ss" in Beijing time.

    Raises ValueError for a naive datetime: guessing its zone could be an 8-hour error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("gateway_timestamp needs an aware datetime")
    return moment.astimezone(BEIJING).strftime(TIMESTAMP_FORMAT)


def parse_gateway_timestamp(text: str) -> datetime | None:
    """A request `timestamp` as an aware datetime, or None when it is not "yyyy-MM-dd HH:mm:ss"."""
    try:
        return datetime.strptime(text.strip(), TIMESTAMP_FORMAT).replace(tzinfo=BEIJING)
    except (ValueError, AttributeError):
        return None


def local_date_time_array(moment: datetime) -> list[int]:
    """`moment` in Beijing time as the gateway's [year, month, day, hour, minute, second] array."""
    local = moment.astimezone(BEIJING)
    return [local.year, local.month, local.day, local.hour, local.minute, local.second]


def normalise_tran_date_time(value: Any) -> str | None:
    """`tranDateTime` (array or text, Beijing time) as ISO-8601 with +08:00; None when unreadable."""
    moment = _from_array(value) if isinstance(value, list) else _from_text(value)
    return moment.astimezone(BEIJING).isoformat(timespec="seconds") if moment is not None else None


def _from_array(parts: list[Any]) -> datetime | None:
    if not 5 <= len(parts) <= 7 or not all(isinstance(part, int) and not isinstance(part, bool) for part in parts):
        return None
    year, month, day, hour, minute, *rest = parts
    second = rest[0] if rest else 0
    try:
        # A 7th element (nanoseconds) is dropped: the API shows whole seconds.
        return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)
    except (ValueError, OverflowError):
        return None


def _from_text(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=BEIJING)
    for pattern in _TEXT_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=BEIJING)
        except ValueError:
            continue
    return None
