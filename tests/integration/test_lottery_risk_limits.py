"""Daily limits, failures, suspensions and the blocklist of lottery redemption (seed §6), and the checks
on the rules themselves, against the real database."""

from __future__ import annotations

import pytest

from ledger.domain import clock
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.persistence.risk_models import LotteryBlock, LotteryRiskRules, MemberLotteryDay, MemberSuspension
from ledger.services import lottery_risk as risk
from tests.lottery_risk_support import (
    ALWAYS_OPEN,
    IP,
    fail,
    move_clock_to_beijing,
    redeem,
    refusal,
    tenant_at_noon,
    verified,
)


@pytest.fixture
async def tenant_id() -> int:
    return await tenant_at_noon()


async def test_redeemed_tickets_count_against_the_daily_tickets_but_failures_do_not(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, max_tickets_per_day=2, **ALWAYS_OPEN)
    await fail(tenant_id, member)
    await redeem(tenant_id, member, 500)
    await redeem(tenant_id, member, 500)

    assert await refusal(tenant_id, member) is ErrorCode.RISK_DAILY_TICKETS_REACHED


async def test_the_ticket_that_crosses_the_daily_amount_is_allowed_and_the_next_is_refused(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, max_amount_per_day_fen=1_000, **ALWAYS_OPEN)
    await redeem(tenant_id, member, 600)
    await redeem(tenant_id, member, 700)

    assert await refusal(tenant_id, member) is ErrorCode.RISK_DAILY_AMOUNT_REACHED
    day = await MemberLotteryDay.get(tenant_id=tenant_id, member_id=member)
    assert (day.tickets, day.amount_fen) == (2, 1_300)


async def test_daily_counters_roll_over_at_midnight_beijing_time_not_utc(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, max_tickets_per_day=1, **ALWAYS_OPEN)
    move_clock_to_beijing(7, 59, 50)  # 23:59:50 UTC
    await redeem(tenant_id, member, 100)
    clock.advance(20)  # a new UTC day, still the same Beijing day
    assert await refusal(tenant_id, member) is ErrorCode.RISK_DAILY_TICKETS_REACHED

    move_clock_to_beijing(23, 59, 50)
    assert await refusal(tenant_id, member) is ErrorCode.RISK_DAILY_TICKETS_REACHED
    clock.advance(20)
    await risk.admit(tenant_id, member, IP)


async def test_failures_suspend_for_24_hours_and_the_third_suspension_blocklists(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, **ALWAYS_OPEN)
    for suspension in (1, 2, 3):
        for _ in range(10):
            await fail(tenant_id, member)
        assert await MemberSuspension.filter(member_id=member).count() == suspension
        if suspension < 3:
            assert await refusal(tenant_id, member) is ErrorCode.RISK_MEMBER_SUSPENDED
            clock.advance(24 * 3600 - 1)
            assert await refusal(tenant_id, member) is ErrorCode.RISK_MEMBER_SUSPENDED
            clock.advance(1)

    assert await refusal(tenant_id, member) is ErrorCode.RISK_MEMBER_BLOCKED
    clock.advance(24 * 3600)
    assert await refusal(tenant_id, member) is ErrorCode.RISK_MEMBER_BLOCKED
    assert await LotteryBlock.filter(tenant_id=tenant_id, kind="MEMBER", value=member).count() == 1


async def test_nine_failures_do_not_suspend(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, **ALWAYS_OPEN)
    for _ in range(9):
        await fail(tenant_id, member)

    await risk.admit(tenant_id, member, IP)
    assert await MemberSuspension.all().count() == 0


async def test_late_failures_of_tickets_already_in_flight_add_no_suspension(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, max_failures_per_day=2, **ALWAYS_OPEN)
    for _ in range(3):
        await risk.admit(tenant_id, member, IP)
    for _ in range(3):
        await risk.record_outcome(tenant_id, member, redeemed_fen=None, failed=True)

    assert await MemberSuspension.all().count() == 1


async def test_without_suspensions_the_failure_limit_refuses_the_rest_of_the_day(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, max_failures_per_day=2, suspension_hours=None, **ALWAYS_OPEN)
    await fail(tenant_id, member)
    await fail(tenant_id, member)

    assert await refusal(tenant_id, member) is ErrorCode.RISK_DAILY_FAILURES_REACHED
    assert await MemberSuspension.all().count() == 0
    move_clock_to_beijing(0, 0, 1)
    await risk.admit(tenant_id, member, IP)


async def test_without_a_blocklist_threshold_suspensions_never_blocklist(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, max_failures_per_day=1, suspensions_before_blocklist=None, **ALWAYS_OPEN)
    for _ in range(4):
        await fail(tenant_id, member)
        clock.advance(24 * 3600)

    assert await MemberSuspension.all().count() == 4
    assert await LotteryBlock.all().count() == 0
    await risk.admit(tenant_id, member, IP)


async def test_set_rules_changes_only_the_given_rules_and_null_switches_a_limit_off(tenant_id: int):
    await risk.set_rules(tenant_id, max_tickets_per_day=5)
    rules = await risk.set_rules(tenant_id, min_interval_seconds=None)

    assert (rules.max_tickets_per_day, rules.min_interval_seconds, rules.max_failures_per_day) == (5, None, 10)
    stored = await LotteryRiskRules.get(tenant_id=tenant_id)
    assert (stored.max_tickets_per_day, stored.min_interval_seconds, stored.service_hours) == (5, None, "01:00-23:00")


@pytest.mark.parametrize(("changes", "field"), [
    ({"max_ticket_prize_fen": -1}, "maxTicketPrize"),
    ({"max_amount_per_day_fen": -1}, "maxAmountPerDay"),
    ({"max_tickets_per_day": -1}, "maxTicketsPerDay"),
    ({"max_failures_per_day": "10"}, "maxFailuresPerDay"),
    ({"min_interval_seconds": True}, "minIntervalSeconds"),
    ({"min_interval_seconds": 2**31}, "minIntervalSeconds"),
    ({"suspension_hours": -24}, "suspensionHours"),
    ({"suspension_hours": 10**6}, "suspensionHours"),
    ({"suspensions_before_blocklist": 0}, "suspensionsBeforeBlocklist"),
    ({"enabled": None}, "enabled"),
    ({"require_real_name": None}, "requireRealName"),
    ({"service_hours": "1:00-23:00"}, "serviceHours"),
    ({"service_hours": "23:00-01:00"}, "serviceHours"),
    ({"service_hours": "01:00-01:00"}, "serviceHours"),
    ({"service_hours": "00:00-24:01"}, "serviceHours"),
    ({"service_hours": "24:00-24:00"}, "serviceHours"),
    ({"service_hours": "10:60-11:00"}, "serviceHours"),
    ({"service_hours": "01:00-23:00\n"}, "serviceHours"),
])
async def test_set_rules_refuses_invalid_values_naming_the_field_and_changes_nothing(
        tenant_id: int, changes: dict, field: str):
    with pytest.raises(LedgerError) as refused:
        await risk.set_rules(tenant_id, **{"max_failures_per_day": 3, **changes})

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_INPUT, field)
    assert await LotteryRiskRules.all().count() == 0


async def test_set_rules_accepts_the_widest_service_hours_and_zero_limits(tenant_id: int):
    rules = await risk.set_rules(tenant_id, service_hours="00:00-24:00", max_tickets_per_day=0)
    member = await verified(tenant_id)

    assert rules.service_hours == "00:00-24:00"
    assert await refusal(tenant_id, member) is ErrorCode.RISK_DAILY_TICKETS_REACHED


async def test_set_rules_refuses_an_unknown_rule(tenant_id: int):
    with pytest.raises(TypeError):
        await risk.set_rules(tenant_id, max_tickets=3)


@pytest.mark.parametrize(("redeemed_fen", "failed"), [(None, False), (100, True), (-1, False)])
async def test_an_outcome_is_either_a_redeemed_amount_or_a_failure(tenant_id: int, redeemed_fen, failed):
    with pytest.raises(LedgerError) as refused:
        await risk.record_outcome(tenant_id, "m-1", redeemed_fen=redeemed_fen, failed=failed)

    assert refused.value.field == "redeemedFen"
    assert await MemberLotteryDay.all().count() == 0


@pytest.mark.parametrize(("kind", "value", "field"), [
    ("IP", "not-an-ip", "value"), ("MEMBER", " m-1", "value"), ("MEMBER", "", "value"),
    ("PHONE", "m-1", "kind"),
])
async def test_set_block_refuses_what_it_cannot_match(tenant_id: int, kind: str, value: str, field: str):
    with pytest.raises(LedgerError) as refused:
        await risk.set_block(tenant_id, kind, value, True)

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID_INPUT, field)
    assert await LotteryBlock.all().count() == 0
