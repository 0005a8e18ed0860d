"""Helpers of the lottery risk tests: a Beijing clock, verified members, and admissions with their outcomes."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from ledger.domain import clock
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.services import access
from ledger.services import lottery_risk as risk

BEIJING = timezone(timedelta(hours=8))  # not the module's: the tests check its offset
IP = "203.0.113.7"
ALWAYS_OPEN = {"service_hours": None, "min_interval_seconds": None}


def move_clock_to_beijing(hour: int, minute: int = 0, second: int = 0) -> None:
    """Moves the clock forward to the next hour:minute:second in Beijing."""
    current = clock.now().astimezone(BEIJING)
    target = current.replace(hour=hour, minute=minute, second=second, microsecond=0)
    if target <= current:
        target += timedelta(days=1)
    clock.advance((target - current).total_seconds())


async def tenant_at_noon() -> int:
    """A new tenant, with the clock at noon in Beijing: inside the default service hours."""
    move_clock_to_beijing(12)
    return (await access.create_tenant("Acme")).id


async def verified(tenant_id: int, member_id: str = "m-1") -> str:
    await risk.set_member_verification(tenant_id, member_id, True)
    return member_id


async def refusal(tenant_id: int, member_id: str = "m-1", ip: str = IP) -> ErrorCode:
    with pytest.raises(LedgerError) as refused:
        await risk.admit(tenant_id, member_id, ip)
    return refused.value.code


async def advance_clock(seconds: float) -> None:
    clock.advance(seconds)


async def redeem(tenant_id: int, member_id: str, fen: int) -> None:
    await risk.admit(tenant_id, member_id, IP)
    await risk.record_outcome(tenant_id, member_id, redeemed_fen=fen, failed=False)


async def fail(tenant_id: int, member_id: str) -> None:
    await risk.admit(tenant_id, member_id, IP)
    await risk.record_outcome(tenant_id, member_id, redeemed_fen=None, failed=True)
