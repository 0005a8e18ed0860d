"""The provider's amount for each record of a page, where its rows state none (the lottery gateway's
awardDetail lists tickets without prizes; its awardSummary totals them).

Asking the provider record by record costs a call each, so it is done only where needed: always for a record
the ledger lacks or disagrees with about payment (its amount is what a person settles by); for the others only
when the page's total does not equal what the ledger paid for them plus those looked up. A page whose total
agrees leaves each agreeing record at the ledger's amount, which the total vouches for.
"""

from __future__ import annotations

from ledger.domain.reconciliation import ValueState, value_state
from ledger.persistence.models import Reward
from ledger.ports import AmountLookup, StatementPage, StatementRecord


async def provider_amounts(page: StatementPage, rewards: dict[str, Reward], feed: object
                           ) -> tuple[dict[str, int | None], bool]:
    """Each record's amount by reference (None: unknown), and whether the agreeing records' amounts were
    vouched for by the page's total (else they are either looked up or unknown)."""
    amounts: dict[str, int | None] = {r.reference: r.amount for r in page.records if r.amount is not None}
    lacking = [r for r in page.records if r.amount is None]
    if not lacking:
        return amounts, False
    lookup = feed if isinstance(feed, AmountLookup) else None
    disputed = [r for r in lacking if _disputed(r, rewards.get(r.reference))]
    agreeing = [r for r in lacking if not _disputed(r, rewards.get(r.reference))]
    amounts.update(await _looked_up(lookup, disputed))
    if page.total_amount is not None and agreeing and _total_agrees(page, amounts, agreeing, rewards):
        amounts.update({r.reference: rewards[r.reference].amount for r in agreeing})
        return amounts, True
    amounts.update(await _looked_up(lookup, agreeing) if page.total_amount is not None else
                   {r.reference: None for r in agreeing})
    return amounts, False


def _disputed(record: StatementRecord, reward: Reward | None) -> bool:
    return reward is None or value_state(reward.status) is not value_state(record.outcome)


def _total_agrees(page: StatementPage, amounts: dict[str, int | None], agreeing: list[StatementRecord],
                  rewards: dict[str, Reward]) -> bool:
    vouched = {r.reference for r in agreeing}
    known = [amounts.get(r.reference) for r in page.records if r.reference not in vouched]
    if any(amount is None for amount in known):
        return False  # a disputed record's amount is unknown: the total cannot vouch for the rest
    paid_by_ledger = sum(_paid(rewards[r.reference]) for r in agreeing)
    return sum(amount or 0 for amount in known) + paid_by_ledger == page.total_amount


def _paid(reward: Reward) -> int:
    return reward.amount if value_state(reward.status) is ValueState.PAID else 0


async def _looked_up(lookup: AmountLookup | None, records: list[StatementRecord]) -> dict[str, int | None]:
    if not records:
        return {}
    if lookup is None:
        return {r.reference: None for r in records}
    found = await lookup.record_amounts(records)
    return {r.reference: found.get(r.reference) for r in records}
