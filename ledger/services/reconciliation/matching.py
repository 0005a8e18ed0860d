"""Comparing one provider record with the ledger's reward for it: a match, or a discrepancy with both sides'
evidence. Pure: no I/O.

What is compared is value, not wording: whether each side paid the member (ledger.domain.reconciliation's
ValueState) and, where both did, how much. A red packet ISSUED here and claimed at the platform agrees (the
sync job posts the claim); one refunded there but paid here does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.domain.reconciliation import DiscrepancyKind, ValueState, value_state
from ledger.persistence.models import Reward
from ledger.ports import StatementRecord
from ledger.services.reconciliation.references import reference_of


@dataclass(frozen=True)
class Finding:
    """A discrepancy as a run finds it, before it is stored."""

    kind: DiscrepancyKind
    reference: str
    asset: str
    reward: Reward | None
    ledger_amount: int | None
    provider_amount: int | None
    ledger_status: str | None
    provider_status: str | None
    provider_outcome: str | None
    evidence: dict[str, Any]


@dataclass(frozen=True)
class Match:
    reward: Reward
    amount: int        # what both sides agree was paid (0 when neither paid)
    verified: bool     # False when the provider stated no amount to compare with


def compare(record: StatementRecord, reward: Reward | None, provider_amount: int | None) -> Finding | Match | None:
    """`provider_amount` is the record's amount as the run knows it (stated, or looked up; None: unknown).
    None when there is nothing to compare yet (a record the provider is still sending that the ledger lacks)."""
    provider_state = value_state(record.outcome)
    if reward is None:
        if provider_state is ValueState.UNPAID:
            return None  # a failed or refunded record the ledger never made moved no value
        return _finding(DiscrepancyKind.MISSING_IN_LEDGER, record, None, provider_amount)
    ledger_state = value_state(reward.status)
    if provider_state is ValueState.OPEN:
        return Match(reward, 0, verified=False)  # the provider has not settled it either: nothing to compare yet
    if provider_state is not ledger_state:
        return _finding(DiscrepancyKind.STATUS_MISMATCH, record, reward, provider_amount)
    if provider_state is ValueState.UNPAID:
        return Match(reward, 0, verified=True)
    if provider_amount is None:
        return Match(reward, reward.amount, verified=False)
    if provider_amount != reward.amount:
        return _finding(DiscrepancyKind.AMOUNT_MISMATCH, record, reward, provider_amount)
    return Match(reward, reward.amount, verified=True)


def missing_at_provider(reward: Reward, day: date) -> Finding:
    return Finding(kind=DiscrepancyKind.MISSING_AT_PROVIDER, reference=reference_of(reward), asset=reward.asset,
                   reward=reward, ledger_amount=reward.amount, provider_amount=None,
                   ledger_status=reward.status.value, provider_status=None, provider_outcome=None,
                   evidence={"provider": {"listed": False, "day": day.isoformat(),
                                          "note": "the provider's feed for this day does not list it"},
                             "ledger": ledger_evidence(reward)})


def _finding(kind: DiscrepancyKind, record: StatementRecord, reward: Reward | None,
             provider_amount: int | None) -> Finding:
    ledger: dict[str, Any] = ledger_evidence(reward) if reward is not None else {
        "found": False, "note": "no reward of the ledger holds this reference"}
    return Finding(kind=kind, reference=record.reference, asset=record.asset, reward=reward,
                   ledger_amount=reward.amount if reward is not None else None, provider_amount=provider_amount,
                   ledger_status=reward.status.value if reward is not None else None, provider_status=record.status,
                   provider_outcome=record.outcome.value,
                   evidence={"provider": provider_evidence(record, provider_amount), "ledger": ledger})


def provider_evidence(record: StatementRecord, amount: int | None) -> dict[str, Any]:
    return {**record.evidence, "reference": record.reference, "status": record.status,
            "outcome": record.outcome.value, "amount": amount, "asset": record.asset, "memberId": record.member_id,
            "station": record.station, "kind": record.kind.value if record.kind else None,
            "time": record.time.isoformat() if record.time else None}


def ledger_evidence(reward: Reward) -> dict[str, Any]:
    return {"rewardId": reward.id, "kind": reward.kind.value, "status": reward.status.value, "amount": reward.amount,
            "asset": reward.asset, "memberId": reward.member_id, "providerRefs": reward.provider_refs,
            "createdAt": reward.created_at.isoformat() if reward.created_at else None}
