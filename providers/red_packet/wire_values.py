"""Reading the platform's loosely typed values, and writing times the way it reads them.

The seed's samples send the same field as 1 or "1" (`id`, `status`, `min_value`), times as Unix seconds
or null, and amounts in fen; these readers accept exactly that and nothing looser (no floats, no booleans).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_INTEGER = re.compile(r"^-?[0-9]{1,18}$")


def wire_int(value: Any) -> int | None:
    """An integer sent as a number or as digits; None for anything else (null, "", 1.5, true)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    return None


def wire_fen(value: Any) -> int | None:
    amount = wire_int(value)
    return amount if amount is not None and amount >= 0 else None


def wire_time(value: Any) -> datetime | None:
    """Unix seconds as an aware UTC datetime; 0 and null mean "not set"."""
    seconds = wire_int(value)
    if not seconds or seconds < 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def wire_text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value).strip() or None


def unix_seconds(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times sent to the platform must be aware datetimes")
    return int(moment.timestamp())
