"""MinorUnits: a signed 64-bit count of an asset's minor unit.

GraphQL's Int is 32-bit, and 21 million yuan in fen would overflow it, so amounts go out as strings of
digits. They come in as a string of digits or an Int (as Shopify's UnsignedInt64 does). Anything else,
including decimals, exponents and out-of-range values, is refused while the document is validated.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, NewType

import strawberry
from dateutil.parser import isoparse
from graphql import IntValueNode, StringValueNode, ValueNode

from ledger.domain.money import MAX_AMOUNT, MIN_AMOUNT

_DIGITS = re.compile(r"^-?[0-9]{1,19}\Z")


def parse_minor_units(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("MinorUnits must be an integer or a string of digits, not a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.match(value):
        number = int(value)
    else:
        raise ValueError("MinorUnits must be an integer or a string of digits (no decimals), e.g. \"1250\"")
    if not MIN_AMOUNT <= number <= MAX_AMOUNT:
        raise ValueError("MinorUnits must fit in 64 bits")
    return number


def _parse_literal(node: ValueNode, _variables: Any = None) -> int:
    if isinstance(node, (IntValueNode, StringValueNode)):
        return parse_minor_units(int(node.value) if isinstance(node, IntValueNode) else node.value)
    raise ValueError("MinorUnits must be an integer or a string of digits")


MinorUnits = NewType("MinorUnits", int)

MINOR_UNITS_SCALAR = strawberry.scalar(
    name="MinorUnits",
    description="A signed 64-bit integer of the asset's minor unit (fen for CNY). Sent as a string of "
    "digits; accepted as a string of digits or an Int.",
    serialize=lambda value: str(int(value)),
    parse_value=parse_minor_units,
    parse_literal=_parse_literal,
)


def parse_instant(value: Any) -> datetime:
    """A DateTime input as an instant in UTC (naive means UTC). Every input goes through here, so no
    filter or argument can hand the database a time outside years 1-9999 once converted to UTC
    ("0001-01-01T00:00:00+14:00" is in year 0), which PostgreSQL would answer with a server error."""
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError("DateTime must be an ISO-8601 string, e.g. \"2026-01-31T08:00:00+08:00\"")
    try:
        moment = isoparse(value)
        return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError("DateTime must be an ISO-8601 time between years 1 and 9999 in UTC") from None


DATETIME_SCALAR = strawberry.scalar(
    name="DateTime",
    description="Date with time (isoformat)",  # Strawberry's own words, so the schema reads the same
    serialize=lambda value: value.isoformat(),
    parse_value=parse_instant,
)
