"""Matching a provider's record with the ledger's reward compares value, not wording; a page whose rows state no
amounts is vouched for by its total, and only then are records asked about one by one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from ledger.domain.reconciliation import DiscrepancyKind, previous_day
from ledger.domain.statuses import RewardKind, RewardStatus
from ledger.persistence.models import Reward
from ledger.ports import StatementPage, StatementRecord
from ledger.services.reconciliation.amounts import provider_amounts
from ledger.services.reconciliation.matching import Finding, Match, compare, missing_at_provider


def reward(status: RewardStatus, amount: int = 500, reward_id: int = 1) -> Reward:
    return Reward(id=reward_id, kind=RewardKind.LOTTERY_TICKET, status=status, provider="instant-lottery",
                  member_id="m1", asset="CNY", amount=amount, provider_refs={"transacId": f"T{reward_id}"},
                  details={}, created_at=datetime(2026, 1, 1, tzinfo=UTC))


def record(reference: str, outcome: RewardStatus = RewardStatus.ISSUED, amount: int | None = None) -> StatementRecord:
    return StatementRecord(reference=reference, amount=amount, asset="CNY", status="REDEEMED", outcome=outcome,
                           member_id=None, time=None, station="S1", evidence={"row": reference})


@pytest.mark.parametrize(("provider", "ledger", "expected"), [
    (RewardStatus.ISSUED, RewardStatus.ISSUED, None),
    (RewardStatus.CLAIMED, RewardStatus.ISSUED, None),  # a packet claimed there and still held here agrees
    (RewardStatus.ISSUED, RewardStatus.FAILED, DiscrepancyKind.STATUS_MISMATCH),
    (RewardStatus.ISSUED, RewardStatus.NOT_WON, DiscrepancyKind.STATUS_MISMATCH),
    (RewardStatus.ISSUED, RewardStatus.UNKNOWN, DiscrepancyKind.STATUS_MISMATCH),
    (RewardStatus.REFUNDED, RewardStatus.CLAIMED, DiscrepancyKind.STATUS_MISMATCH),
    (RewardStatus.REFUNDED, RewardStatus.FAILED, None),
    (RewardStatus.PENDING, RewardStatus.ISSUED, None),  # still being sent there: nothing to compare yet
])
def test_value_decides_whether_the_two_sides_agree(provider, ledger, expected):
    outcome = compare(record("T1", provider, 500), reward(ledger), 500)
    assert (outcome.kind if isinstance(outcome, Finding) else None) == expected


def test_a_record_no_reward_holds_is_missing_in_the_ledger_unless_it_moved_no_value():
    assert compare(record("X", RewardStatus.FAILED), None, None) is None
    missing = compare(record("X"), None, 3_000)
    assert isinstance(missing, Finding) and missing.kind is DiscrepancyKind.MISSING_IN_LEDGER
    assert missing.evidence["provider"]["amount"] == 3_000 and missing.evidence["ledger"]["found"] is False


def test_amounts_are_compared_only_when_both_paid_and_the_provider_stated_one():
    assert isinstance(compare(record("T1"), reward(RewardStatus.ISSUED, 500), 700), Finding)
    unverified = compare(record("T1"), reward(RewardStatus.ISSUED, 500), None)
    assert isinstance(unverified, Match) and not unverified.verified and unverified.amount == 500


def test_a_reward_the_provider_never_listed_carries_the_ledgers_side_and_the_day():
    finding = missing_at_provider(reward(RewardStatus.ISSUED, 800, reward_id=9), date(2026, 1, 1))
    assert (finding.kind, finding.reference, finding.ledger_amount) == (DiscrepancyKind.MISSING_AT_PROVIDER, "T9", 800)
    assert finding.evidence["provider"] == {"listed": False, "day": "2026-01-01",
                                            "note": "the provider's feed for this day does not list it"}


class Lookup:
    def __init__(self, amounts: dict[str, int | None]) -> None:
        self.amounts = amounts
        self.asked: list[str] = []

    async def record_amounts(self, records: Sequence[StatementRecord]) -> dict[str, int | None]:
        self.asked += [r.reference for r in records]
        return {r.reference: self.amounts.get(r.reference) for r in records}


async def test_a_total_that_agrees_vouches_for_the_pages_rewards_and_only_disputed_records_are_asked():
    rewards = {"T1": reward(RewardStatus.ISSUED, 500, 1), "T2": reward(RewardStatus.ISSUED, 700, 2)}
    page = StatementPage([record("T1"), record("T2"), record("X")], total_amount=500 + 700 + 3_000)
    lookup = Lookup({"X": 3_000})

    amounts, vouched = await provider_amounts(page, rewards, lookup)

    assert (amounts, vouched, lookup.asked) == ({"T1": 500, "T2": 700, "X": 3_000}, True, ["X"])


async def test_a_total_that_disagrees_has_every_record_asked_about():
    rewards = {"T1": reward(RewardStatus.ISSUED, 500, 1), "T2": reward(RewardStatus.ISSUED, 700, 2)}
    page = StatementPage([record("T1"), record("T2")], total_amount=500 + 900)
    lookup = Lookup({"T1": 500, "T2": 900})

    amounts, vouched = await provider_amounts(page, rewards, lookup)

    assert (amounts, vouched, sorted(lookup.asked)) == ({"T1": 500, "T2": 900}, False, ["T1", "T2"])


async def test_without_a_total_or_a_lookup_an_unstated_amount_stays_unknown():
    rewards = {"T1": reward(RewardStatus.ISSUED, 500, 1)}
    amounts, vouched = await provider_amounts(StatementPage([record("T1")]), rewards, object())
    assert (amounts, vouched) == ({"T1": None}, False)


def test_the_nightly_run_covers_the_previous_beijing_day():
    assert previous_day(datetime(2026, 3, 1, 17, 0, tzinfo=UTC)) == date(2026, 3, 1)  # 01:00 on 2 March in Beijing
    assert previous_day(datetime(2026, 3, 1, 15, 0, tzinfo=UTC)) == date(2026, 2, 28)
