"""Reward statuses, transfer states, account kinds and the transitions between statuses."""

from __future__ import annotations

from enum import StrEnum


class RewardStatus(StrEnum):
    REQUESTED = "REQUESTED"
    PENDING = "PENDING"
    ISSUED = "ISSUED"
    CLAIMED = "CLAIMED"
    FAILED = "FAILED"
    NOT_WON = "NOT_WON"
    EXPIRED = "EXPIRED"
    REFUNDED = "REFUNDED"
    VOIDED = "VOIDED"
    # The provider's answer was lost (timeout, 5xx, unparseable): only asking the provider settles it.
    UNKNOWN = "UNKNOWN"
    # The ledger and the provider disagree in a way no job may settle alone.
    NEEDS_ATTENTION = "NEEDS_ATTENTION"


FINAL_STATUSES = frozenset(
    {
        RewardStatus.CLAIMED,
        RewardStatus.FAILED,
        RewardStatus.NOT_WON,
        RewardStatus.EXPIRED,
        RewardStatus.REFUNDED,
        RewardStatus.VOIDED,
    }
)

# Which status may follow which. ISSUED is not final: a red packet is claimed or refunded after it.
# UNKNOWN may become anything the provider later reports.
_ALLOWED: dict[RewardStatus, frozenset[RewardStatus]] = {
    RewardStatus.REQUESTED: frozenset(RewardStatus) - {RewardStatus.REQUESTED},
    RewardStatus.PENDING: frozenset(RewardStatus) - {RewardStatus.REQUESTED, RewardStatus.PENDING},
    RewardStatus.UNKNOWN: frozenset(RewardStatus) - {RewardStatus.REQUESTED, RewardStatus.UNKNOWN},
    RewardStatus.ISSUED: frozenset(
        {RewardStatus.CLAIMED, RewardStatus.REFUNDED, RewardStatus.EXPIRED, RewardStatus.VOIDED,
         RewardStatus.NEEDS_ATTENTION}
    ),
    RewardStatus.NEEDS_ATTENTION: frozenset(FINAL_STATUSES | {RewardStatus.ISSUED}),
}


def can_transition(current: RewardStatus, target: RewardStatus) -> bool:
    return target in _ALLOWED.get(current, frozenset())


class RewardKind(StrEnum):
    GRANT = "GRANT"  # an operator's direct grant from a campaign budget
    DRAW = "DRAW"
    COUPON = "COUPON"
    RED_PACKET = "RED_PACKET"
    LOTTERY_TICKET = "LOTTERY_TICKET"


class TransferState(StrEnum):
    PENDING = "PENDING"
    POSTED = "POSTED"
    VOIDED = "VOIDED"


class AccountKind(StrEnum):
    FUNDING = "FUNDING"  # where outside money enters a tenant; may go negative
    CAMPAIGN_BUDGET = "CAMPAIGN_BUDGET"
    MEMBER_WALLET = "MEMBER_WALLET"
    PROVIDER_CLEARING = "PROVIDER_CLEARING"
    STATION_CASH = "STATION_CASH"
    WRITE_OFF = "WRITE_OFF"


# Accounts whose debits (posted plus pending) may never exceed their posted credits.
CONSTRAINED_KINDS = frozenset({AccountKind.CAMPAIGN_BUDGET, AccountKind.MEMBER_WALLET})
