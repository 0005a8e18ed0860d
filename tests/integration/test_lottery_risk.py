"""Admission of lottery redemption requests (seed §6), against the real database: each refusal and their
order, service hours in Beijing time, blocks, the minimum interval, refusal counts and concurrent requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from ledger.domain import clock
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.persistence.risk_models import LotteryRiskRules, MemberLotteryDay
from ledger.services import access
from ledger.services import lottery_risk as risk
from tests.lottery_risk_support import (
    BEIJING,
    IP,
    advance_clock,
    move_clock_to_beijing,
    redeem,
    refusal,
    tenant_at_noon,
    verified,
)


@pytest.fixture
async def tenant_id() -> int:
    return await tenant_at_noon()


async def test_without_stored_rules_the_seeds_defaults_apply_and_nothing_is_written(tenant_id: int):
    rules = await risk.get_rules(tenant_id)

    assert (rules.enabled, rules.require_real_name, rules.max_ticket_prize_fen, rules.max_tickets_per_day,
            rules.max_amount_per_day_fen, rules.max_failures_per_day, rules.suspension_hours,
            rules.suspensions_before_blocklist, rules.min_interval_seconds, rules.service_hours) == \
        (True, True, 1_000_000, 20, 1_000_000, 10, 24, 3, 15, "01:00-23:00")
    assert await risk.prize_cap_fen(tenant_id) == 1_000_000
    assert await refusal(tenant_id) is ErrorCode.RISK_REAL_NAME_REQUIRED
    await risk.admit(tenant_id, await verified(tenant_id), IP)
    assert await refusal(tenant_id) is ErrorCode.RISK_TOO_FREQUENT
    assert await LotteryRiskRules.all().count() == 0


async def test_the_emergency_stop_refuses_everyone_until_it_is_lifted(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, enabled=False)
    assert await refusal(tenant_id, member) is ErrorCode.RISK_SERVICE_STOPPED

    await risk.set_rules(tenant_id, enabled=True)
    await risk.admit(tenant_id, member, IP)


async def test_service_hours_are_beijing_time_start_inclusive_end_exclusive(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, min_interval_seconds=None)

    move_clock_to_beijing(0, 59, 59)
    assert await refusal(tenant_id, member) is ErrorCode.RISK_OUTSIDE_SERVICE_HOURS
    clock.advance(1)
    await risk.admit(tenant_id, member, IP)
    move_clock_to_beijing(22, 59, 59)
    await risk.admit(tenant_id, member, IP)
    clock.advance(1)
    assert await refusal(tenant_id, member) is ErrorCode.RISK_OUTSIDE_SERVICE_HOURS


@pytest.mark.parametrize("service_hours", ["00:00-24:00", None])
async def test_all_day_service_hours_admit_around_midnight(tenant_id: int, service_hours: str | None):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, service_hours=service_hours, min_interval_seconds=None)

    move_clock_to_beijing(23, 59, 59)
    await risk.admit(tenant_id, member, IP)
    clock.advance(1)
    await risk.admit(tenant_id, member, IP)


async def test_a_blocked_member_is_refused_until_unblocked(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_block(tenant_id, "MEMBER", member, True, reason="fraud")
    assert await refusal(tenant_id, member) is ErrorCode.RISK_MEMBER_BLOCKED
    await risk.admit(tenant_id, await verified(tenant_id, "m-2"), IP)  # the block is for that member only

    await risk.set_block(tenant_id, "MEMBER", member, False)
    await risk.admit(tenant_id, member, IP)


async def test_a_blocked_ip_matches_however_the_address_is_spelled(tenant_id: int):
    await risk.set_block(tenant_id, "IP", "2001:DB8:0:0::1", True)
    await risk.set_block(tenant_id, "IP", IP, True)

    assert await refusal(tenant_id, await verified(tenant_id, "m-1"), "2001:db8::1") is ErrorCode.RISK_IP_BLOCKED
    assert await refusal(tenant_id, await verified(tenant_id, "m-2"), f"::ffff:{IP}") is ErrorCode.RISK_IP_BLOCKED
    await risk.admit(tenant_id, await verified(tenant_id, "m-3"), "203.0.113.8")


async def test_the_checks_run_in_a_fixed_order(tenant_id: int):
    """A member who breaks every rule; each refusal names the first rule still broken."""
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, max_tickets_per_day=1, max_amount_per_day_fen=100, max_failures_per_day=1,
                         suspension_hours=1, suspensions_before_blocklist=None, min_interval_seconds=7200)
    await redeem(tenant_id, member, 100)
    await risk.record_outcome(tenant_id, member, redeemed_fen=None, failed=True)  # suspends for 1 h
    await risk.set_member_verification(tenant_id, member, False)
    await risk.set_block(tenant_id, "MEMBER", member, True)
    await risk.set_block(tenant_id, "IP", IP, True)
    await risk.set_rules(tenant_id, enabled=False, service_hours="00:00-01:00")

    fixes: list[tuple[ErrorCode, Callable[[], Awaitable[object]]]] = [
        (ErrorCode.RISK_SERVICE_STOPPED, lambda: risk.set_rules(tenant_id, enabled=True)),
        (ErrorCode.RISK_OUTSIDE_SERVICE_HOURS, lambda: risk.set_rules(tenant_id, service_hours=None)),
        (ErrorCode.RISK_MEMBER_BLOCKED, lambda: risk.set_block(tenant_id, "MEMBER", member, False)),
        (ErrorCode.RISK_IP_BLOCKED, lambda: risk.set_block(tenant_id, "IP", IP, False)),
        (ErrorCode.RISK_MEMBER_SUSPENDED, lambda: advance_clock(3600)),
        (ErrorCode.RISK_REAL_NAME_REQUIRED, lambda: risk.set_member_verification(tenant_id, member, True)),
        (ErrorCode.RISK_TOO_FREQUENT, lambda: risk.set_rules(tenant_id, min_interval_seconds=None)),
        (ErrorCode.RISK_DAILY_TICKETS_REACHED, lambda: risk.set_rules(tenant_id, max_tickets_per_day=None)),
        (ErrorCode.RISK_DAILY_AMOUNT_REACHED, lambda: risk.set_rules(tenant_id, max_amount_per_day_fen=None)),
        (ErrorCode.RISK_DAILY_FAILURES_REACHED, lambda: risk.set_rules(tenant_id, max_failures_per_day=None)),
    ]
    for expected, fix in fixes:
        assert await refusal(tenant_id, member) is expected
        await fix()
    await risk.admit(tenant_id, member, IP)


async def test_a_member_must_wait_the_interval_since_the_last_admitted_request(tenant_id: int):
    member = await verified(tenant_id)
    await risk.admit(tenant_id, member, IP)

    clock.advance(14)
    assert await refusal(tenant_id, member) is ErrorCode.RISK_TOO_FREQUENT
    clock.advance(1)  # 15 s after the admitted request; the refused one does not restart the wait
    await risk.admit(tenant_id, member, IP)
    await risk.admit(tenant_id, await verified(tenant_id, "m-2"), IP)  # the interval is per member


async def test_the_interval_holds_across_midnight(tenant_id: int):
    member = await verified(tenant_id)
    await risk.set_rules(tenant_id, service_hours=None)
    move_clock_to_beijing(23, 59, 55)
    await risk.admit(tenant_id, member, IP)

    clock.advance(10)
    assert await refusal(tenant_id, member) is ErrorCode.RISK_TOO_FREQUENT
    clock.advance(5)
    await risk.admit(tenant_id, member, IP)


async def test_real_name_switched_off_admits_unverified_members(tenant_id: int):
    await risk.set_rules(tenant_id, require_real_name=False)
    await risk.admit(tenant_id, "never-verified", IP)


async def test_the_prize_cap_is_the_tenants_and_null_means_none(tenant_id: int):
    other = (await access.create_tenant("Globex")).id
    await risk.set_rules(tenant_id, max_ticket_prize_fen=50_000)
    assert await risk.prize_cap_fen(tenant_id) == 50_000
    assert await risk.prize_cap_fen(other) == 1_000_000

    await risk.set_rules(tenant_id, max_ticket_prize_fen=None)
    assert await risk.prize_cap_fen(tenant_id) is None


async def test_refusals_are_counted_per_code_and_beijing_day(tenant_id: int):
    other = (await access.create_tenant("Globex")).id
    member = await verified(tenant_id)
    await risk.admit(tenant_id, member, IP)
    await refusal(tenant_id, member)
    await refusal(tenant_id, member)
    await refusal(tenant_id, "unverified")
    today = clock.now().astimezone(BEIJING).date()

    assert await risk.refusal_counts(tenant_id) == {"RISK_REAL_NAME_REQUIRED": 1, "RISK_TOO_FREQUENT": 2}
    assert await risk.refusal_counts(other) == {}
    move_clock_to_beijing(0, 0, 1)
    assert await risk.refusal_counts(tenant_id) == {}
    assert await risk.refusal_counts(tenant_id, today) == {"RISK_REAL_NAME_REQUIRED": 1, "RISK_TOO_FREQUENT": 2}


async def concurrent_admits(tenant_id: int, member_id: str, count: int) -> list[BaseException | None]:
    return await asyncio.gather(*(risk.admit(tenant_id, member_id, IP) for _ in range(count)),
                                return_exceptions=True)


def refusal_codes(results: list[BaseException | None]) -> list[ErrorCode]:
    assert all(r is None or isinstance(r, LedgerError) for r in results), results
    return [r.code for r in results if isinstance(r, LedgerError)]


async def test_ten_concurrent_first_requests_of_one_member_admit_exactly_one(tenant_id: int):
    member = await verified(tenant_id)

    results = await concurrent_admits(tenant_id, member, 10)

    assert refusal_codes(results) == [ErrorCode.RISK_TOO_FREQUENT] * 9
    assert await risk.refusal_counts(tenant_id) == {"RISK_TOO_FREQUENT": 9}
    assert await MemberLotteryDay.filter(member_id=member).count() == 1


async def test_ten_concurrent_requests_on_an_existing_day_admit_exactly_one(tenant_id: int):
    member = await verified(tenant_id)
    await risk.admit(tenant_id, member, IP)  # the day's row exists: all ten contend for its lock
    clock.advance(15)

    results = await concurrent_admits(tenant_id, member, 10)

    assert refusal_codes(results) == [ErrorCode.RISK_TOO_FREQUENT] * 9


async def test_concurrent_requests_of_different_members_are_all_admitted(tenant_id: int):
    members = [await verified(tenant_id, f"m-{i}") for i in range(5)]

    await asyncio.gather(*(risk.admit(tenant_id, member, IP) for member in members))

    assert await MemberLotteryDay.filter(last_request_at__isnull=False).count() == 5


async def test_blocks_and_verifications_are_per_tenant(tenant_id: int):
    other = (await access.create_tenant("Globex")).id
    await risk.set_member_verification(other, "m-1", True)
    await risk.set_block(other, "MEMBER", "m-2", True)

    assert await refusal(tenant_id, "m-1") is ErrorCode.RISK_REAL_NAME_REQUIRED
    await risk.admit(tenant_id, await verified(tenant_id, "m-2"), IP)
