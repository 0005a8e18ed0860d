"""Reconciliation's vocabulary: kinds of discrepancy, how one is resolved, what a status means for value, and
the provider's day.

Every provider with a feed is Chinese and dates its records in Beijing time, so a provider's day is a Beijing
calendar day ([00:00, 24:00) UTC+08:00) whatever the server's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from ledger.domain.statuses import RewardKind, RewardStatus

PROVIDER_ZONE = ZoneInfo("Asia/Shanghai")


class DiscrepancyKind(StrEnum):
    MISSING_IN_LEDGER = "MISSING_IN_LEDGER"      # the provider lists a record no reward of the ledger holds
    MISSING_AT_PROVIDER = "MISSING_AT_PROVIDER"  # a reward paid or issued on that day the provider does not list
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"          # both paid it, for different amounts
    STATUS_MISMATCH = "STATUS_MISMATCH"          # one paid it, the other did not (or not yet)


class DiscrepancyStatus(StrEnum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class DiscrepancyResolution(StrEnum):
    ACCEPT_PROVIDER = "ACCEPT_PROVIDER"  # the ledger is made to agree with the provider, by a new linked transfer
    ACCEPT_LEDGER = "ACCEPT_LEDGER"      # the ledger stands; the note says why; nothing moves
    WRITE_OFF = "WRITE_OFF"              # the difference moves between the provider's side and WRITE_OFF


class ValueState(StrEnum):
    """What a status means for the value a reward carries, the one thing reconciliation compares."""

    PAID = "PAID"      # the member has it (or it is held for the member until claimed)
    UNPAID = "UNPAID"  # nothing went to the member
    OPEN = "OPEN"      # not settled yet: the provider's answer is awaited, or a person has it


_PAID = frozenset({RewardStatus.ISSUED, RewardStatus.CLAIMED})
_OPEN = frozenset({RewardStatus.REQUESTED, RewardStatus.PENDING, RewardStatus.UNKNOWN, RewardStatus.NEEDS_ATTENTION})
PAID_STATUSES = _PAID

# Kinds whose ISSUED is a hold for the member, posted only once claimed (a red packet waiting to be opened).
HELD_UNTIL_CLAIMED = frozenset({RewardKind.RED_PACKET})


def value_state(status: RewardStatus) -> ValueState:
    if status in _PAID:
        return ValueState.PAID
    if status in _OPEN:
        return ValueState.OPEN
    return ValueState.UNPAID


def day_window(day: date) -> tuple[datetime, datetime]:
    """The provider's day as [start, end) instants, in UTC: SQLite keeps times as UTC text and compares them
    as text, so an instant written in another zone would compare wrong (from 00:00 to 08:00 Beijing time, the
    day's first hours fell outside its own window)."""
    start = datetime.combine(day, time(0), tzinfo=PROVIDER_ZONE)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def previous_day(moment: datetime) -> date:
    """The provider's day before the one `moment` falls on (what a 01:00 reconciliation covers)."""
    return moment.astimezone(PROVIDER_ZONE).date() - timedelta(days=1)
