"""Risk controls of instant-lottery ticket redemption (seed §6 风险控制), enforced before the provider is called.

The redemption flow calls `admit_within(tenant, member, ip)` inside the transaction that records the request
(its reward), before it sends anything to the provider: it either raises a `LedgerError` with one `RISK_*`
code per reason, or admits the request and returns; `count_refusal` then counts a refusal on its own. Once
the provider has answered, the flow calls `record_outcome`: a redemption adds a ticket and its prize to the
member's day, a failure (not a winner, not a ticket, refused by the gateway) adds a failure. An answer that
was lost (the outcome is unknown) records nothing; the status sync settles it later.

Replaying an idempotency key must not count again. That is the caller's job: a replayed redemption returns
the stored result and calls neither `admit` nor `record_outcome`.

Each refusal is counted per (code, Beijing day) in a transaction of its own, so the count survives the
refusal. Admission is atomic per member: it runs under the lock of the member's row for the day, held until
the request's reward commits, and the daily ticket and failure limits count the member's requests still in
flight (admitted, no outcome recorded: each may yet end either way) with the outcomes recorded. So
concurrent requests cannot all pass a limit, and a request that aborts before it is recorded rolls its
admission back with it: nothing to release, nothing to leak.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date, datetime, timedelta, timezone
from functools import partial
from typing import Any, TypeVar

from tortoise.expressions import F
from tortoise.models import Model

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import MAX_AMOUNT
from ledger.domain.statuses import RewardKind, RewardStatus
from ledger.persistence.models import Reward
from ledger.persistence.risk_models import (
    LotteryBlock,
    LotteryBlockKind,
    LotteryRiskRules,
    MemberLotteryDay,
    MemberSuspension,
    MemberVerification,
    RiskRefusalCount,
)
from ledger.persistence.unit_of_work import UnitOfWork, run_write
from ledger.services.rewards import check_member_id

M = TypeVar("M", bound=Model)

# The provider's clock: a fixed offset, as China has no daylight saving time.
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")
MAX_REASON_LENGTH = 200
MAX_BLOCK_VALUE_LENGTH = 64
_MAX_INT_COLUMN = 2**31 - 1
# Longer suspensions would push `until` past the last representable datetime.
_MAX_SUSPENSION_HOURS = 10 * 366 * 24

# Each limit, the GraphQL input field that sets it, and its range; null switches it off.
_LIMITS: dict[str, tuple[str, int, int]] = {
    "max_ticket_prize_fen": ("maxTicketPrize", 0, MAX_AMOUNT),
    "max_tickets_per_day": ("maxTicketsPerDay", 0, _MAX_INT_COLUMN),
    "max_amount_per_day_fen": ("maxAmountPerDay", 0, MAX_AMOUNT),
    "max_failures_per_day": ("maxFailuresPerDay", 0, _MAX_INT_COLUMN),
    "min_interval_seconds": ("minIntervalSeconds", 0, _MAX_INT_COLUMN),
    "suspension_hours": ("suspensionHours", 0, _MAX_SUSPENSION_HOURS),
    # It counts suspensions: the first one is the earliest that can blocklist.
    "suspensions_before_blocklist": ("suspensionsBeforeBlocklist", 1, _MAX_INT_COLUMN),
}
_SWITCHES = {"enabled": "enabled", "require_real_name": "requireRealName"}
_SERVICE_HOURS = re.compile(r"^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})\Z")


def _beijing_day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


async def get_rules(tenant_id: int) -> LotteryRiskRules:
    """The tenant's rules; the seed's defaults (unsaved) when none were ever set."""
    return await LotteryRiskRules.get_or_none(tenant_id=tenant_id) or LotteryRiskRules(tenant_id=tenant_id)


async def set_rules(tenant_id: int, **changes: Any) -> LotteryRiskRules:
    """Changes the given rules only; a limit set to None is switched off."""
    _check_rule_changes(changes)
    return await run_write(tenant_id, partial(_upsert, LotteryRiskRules, {"tenant_id": tenant_id}, changes))


async def prize_cap_fen(tenant_id: int) -> int | None:
    """The largest prize one ticket may pay out (None: no cap).

    The prize is only known once the ticket is redeemed, so the caller compares and decides.
    """
    return (await get_rules(tenant_id)).max_ticket_prize_fen


def _parse_service_hours(text: str) -> tuple[int, int]:
    """"HH:MM-HH:MM" as minutes after midnight, start inclusive and end exclusive; "00:00-24:00" is all day."""
    match = _SERVICE_HOURS.match(text) if isinstance(text, str) else None
    if match:
        start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        if start_h < 24 and start_m < 60 and end_m < 60 and end <= 24 * 60 and start < end:
            return start, end
    raise LedgerError(ErrorCode.INVALID_INPUT,
                      'serviceHours must be "HH:MM-HH:MM" with 00:00 <= start < end <= 24:00 (Beijing time)',
                      field="serviceHours")


def _check_rule_changes(changes: dict[str, Any]) -> None:
    unknown = set(changes) - set(_LIMITS) - set(_SWITCHES) - {"service_hours"}
    if unknown:
        raise TypeError(f"unknown lottery risk rules: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        if name in _SWITCHES:
            if not isinstance(value, bool):
                raise LedgerError(ErrorCode.INVALID_INPUT, f"{_SWITCHES[name]} must be true or false",
                                  field=_SWITCHES[name])
        elif name == "service_hours":
            if value is not None:
                _parse_service_hours(value)
        else:
            _check_limit(name, value)


def _check_limit(name: str, value: Any) -> None:
    field, smallest, largest = _LIMITS[name]
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or not smallest <= value <= largest):
        raise LedgerError(ErrorCode.INVALID_INPUT, f"{field} must be a whole number from {smallest} to "
                          f"{largest}, or null to switch it off", field=field)


async def _upsert(model: type[M], key: dict[str, Any], values: dict[str, Any], _uow: UnitOfWork) -> M:
    """Inside a write: a concurrent insert of the same key fails on the unique key and run_write retries."""
    row = await model.filter(**key).select_for_update().first()
    if row is None:
        return await model.create(**key, **values)
    if values:
        row.update_from_dict(values)
        await row.save()
    return row


async def set_member_verification(tenant_id: int, member_id: str, verified: bool) -> MemberVerification:
    check_member_id(member_id)
    return await run_write(tenant_id, partial(_upsert, MemberVerification,
                                              {"tenant_id": tenant_id, "member_id": member_id},
                                              {"real_name_verified": verified}))


async def set_block(tenant_id: int, kind: str, value: str, blocked: bool, reason: str = "") -> None:
    """Puts a member or an IP address on the tenant's blocklist, or takes it off (blocked False)."""
    block_kind, value = _block_key(kind, value)
    if len(reason) > MAX_REASON_LENGTH:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"reason has at most {MAX_REASON_LENGTH} characters",
                          field="reason")
    key: dict[str, Any] = {"tenant_id": tenant_id, "kind": block_kind, "value": value}
    if blocked:
        await run_write(tenant_id, partial(_upsert, LotteryBlock, key, {"reason": reason}))
    else:
        await LotteryBlock.filter(**key).delete()


def _block_key(kind: str, value: str) -> tuple[LotteryBlockKind, str]:
    if kind not in LotteryBlockKind.__members__:
        raise LedgerError(ErrorCode.INVALID_INPUT, "kind must be MEMBER or IP", field="kind")
    if kind == LotteryBlockKind.IP:
        address = _canonical_ip(value)
        if address is None:
            raise LedgerError(ErrorCode.INVALID_INPUT, "value must be an IPv4 or IPv6 address", field="value")
        return LotteryBlockKind.IP, address
    if not value or value != value.strip() or len(value) > MAX_BLOCK_VALUE_LENGTH:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"value must be a member ID of 1-{MAX_BLOCK_VALUE_LENGTH} "
                          "characters without surrounding spaces", field="value")
    return LotteryBlockKind.MEMBER, value


def _canonical_ip(text: str) -> str | None:
    """One spelling per address, so a block matches however a proxy wrote it (IPv4-mapped IPv6 included)."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).compressed


async def admit(tenant_id: int, member_id: str, ip: str) -> None:
    """Admits one redemption request in a transaction of its own, or raises LedgerError(RISK_*)."""
    try:
        await run_write(tenant_id, lambda _uow: admit_within(tenant_id, member_id, ip))
    except LedgerError as refusal:
        await count_refusal(tenant_id, refusal)
        raise


async def admit_within(tenant_id: int, member_id: str, ip: str) -> None:
    """Inside the write that records the request: admits it or raises LedgerError(RISK_*), the checks in a
    fixed order. The member's day stays locked until that write commits."""
    check_member_id(member_id)
    # Text that is no IP address is kept as it is: it matches no block.
    await _admit(tenant_id, member_id, _canonical_ip(ip) or ip, now())


async def count_refusal(tenant_id: int, error: LedgerError) -> None:
    """Counts a risk refusal (in a transaction of its own, since the refused write rolled back); other
    errors are not the risk rules' and are not counted."""
    if error.code.value.startswith("RISK_"):
        await _count_refusal(tenant_id, error.code, _beijing_day(now()))


async def _admit(tenant_id: int, member_id: str, ip: str, moment: datetime) -> None:
    rules = await get_rules(tenant_id)
    _check_service_open(rules, moment)
    await _check_not_blocked(tenant_id, member_id, ip)
    day = await _lock_member_day(tenant_id, member_id, _beijing_day(moment))
    await _check_not_suspended(tenant_id, member_id, moment)
    await _check_real_name(rules, tenant_id, member_id)
    _check_interval(rules, day, moment)
    _check_daily_limits(rules, day, await _in_flight(tenant_id, member_id))
    day.last_request_at = moment
    await day.save(update_fields=["last_request_at"])


def _check_service_open(rules: LotteryRiskRules, moment: datetime) -> None:
    if not rules.enabled:
        raise LedgerError(ErrorCode.RISK_SERVICE_STOPPED, "ticket redemption is stopped for now")
    if rules.service_hours is None:
        return
    start, end = _parse_service_hours(rules.service_hours)
    local = moment.astimezone(BEIJING)
    if not start <= local.hour * 60 + local.minute < end:
        raise LedgerError(ErrorCode.RISK_OUTSIDE_SERVICE_HOURS,
                          f"tickets are redeemed {rules.service_hours} Beijing time only")


async def _check_not_blocked(tenant_id: int, member_id: str, ip: str) -> None:
    blocks = await LotteryBlock.filter(tenant_id=tenant_id, value__in=[member_id, ip]).values_list("kind", "value")
    if (LotteryBlockKind.MEMBER, member_id) in blocks:
        raise LedgerError(ErrorCode.RISK_MEMBER_BLOCKED, "this member is on the blocklist")
    if (LotteryBlockKind.IP, ip) in blocks:
        raise LedgerError(ErrorCode.RISK_IP_BLOCKED, "requests from this IP address are blocked")


async def _check_not_suspended(tenant_id: int, member_id: str, moment: datetime) -> None:
    suspension = await MemberSuspension.filter(tenant_id=tenant_id, member_id=member_id,
                                               until__gt=moment).order_by("-until").first()
    if suspension is not None:
        until = suspension.until.astimezone(BEIJING).isoformat(timespec="seconds")
        raise LedgerError(ErrorCode.RISK_MEMBER_SUSPENDED, f"this member is suspended until {until}")


async def _check_real_name(rules: LotteryRiskRules, tenant_id: int, member_id: str) -> None:
    if rules.require_real_name and not await MemberVerification.exists(
            tenant_id=tenant_id, member_id=member_id, real_name_verified=True):
        raise LedgerError(ErrorCode.RISK_REAL_NAME_REQUIRED, "only members with a verified real name may redeem")


def _check_interval(rules: LotteryRiskRules, day: MemberLotteryDay, moment: datetime) -> None:
    interval = rules.min_interval_seconds
    if interval is None or day.last_request_at is None:
        return
    if moment - day.last_request_at < timedelta(seconds=interval):
        raise LedgerError(ErrorCode.RISK_TOO_FREQUENT, f"wait {interval} s between two redemption requests")


async def _in_flight(tenant_id: int, member_id: str) -> int:
    """The member's redemptions admitted and not yet answered: their outcomes will count on the day they are
    recorded, which is now at the earliest (an answer never counts on a day already past)."""
    return await Reward.filter(tenant_id=tenant_id, member_id=member_id, kind=RewardKind.LOTTERY_TICKET,
                               status__in=_UNANSWERED).count()


_UNANSWERED = (RewardStatus.REQUESTED, RewardStatus.PENDING, RewardStatus.UNKNOWN)


def _check_daily_limits(rules: LotteryRiskRules, day: MemberLotteryDay, in_flight: int) -> None:
    # A request in flight may end as a ticket or as a failure: each limit holds whichever way they all end.
    # Its prize is unknown until then, so the amount limit counts what was recorded (it may be overshot by
    # the prizes of the requests in flight, as the seed's gateway allows the ticket that crosses it).
    for limit, so_far, code, what in (
        (rules.max_tickets_per_day, day.tickets + in_flight, ErrorCode.RISK_DAILY_TICKETS_REACHED, "tickets"),
        (rules.max_amount_per_day_fen, day.amount_fen, ErrorCode.RISK_DAILY_AMOUNT_REACHED, "fen of prizes"),
        (rules.max_failures_per_day, day.failures + in_flight, ErrorCode.RISK_DAILY_FAILURES_REACHED,
         "failed redemptions"),
    ):
        if limit is not None and so_far >= limit:
            raise LedgerError(code, f"{limit} {what} a day at most; try again tomorrow")


async def _lock_member_day(tenant_id: int, member_id: str, day: date) -> MemberLotteryDay:
    """The member's row for the day, locked; created (carrying over the last request time) if missing."""
    key: dict[str, Any] = {"tenant_id": tenant_id, "member_id": member_id}
    row = await MemberLotteryDay.filter(**key, day=day).select_for_update().first()
    if row is not None:
        return row
    previous = await MemberLotteryDay.filter(**key, day__lt=day).order_by("-day").first()
    return await MemberLotteryDay.create(**key, day=day,
                                         last_request_at=previous.last_request_at if previous else None)


async def _count_refusal(tenant_id: int, code: ErrorCode, day: date) -> None:
    async def increment(_uow: UnitOfWork) -> None:
        key: dict[str, Any] = {"tenant_id": tenant_id, "code": code.value, "day": day}
        if not await RiskRefusalCount.filter(**key).update(count=F("count") + 1):
            await RiskRefusalCount.create(**key, count=1)

    await run_write(tenant_id, increment)


async def refusal_counts(tenant_id: int, day: date | None = None) -> dict[str, int]:
    """Refusals per code on a Beijing day (today by default); codes never refused that day are absent."""
    day = day or _beijing_day(now())
    rows = await RiskRefusalCount.filter(tenant_id=tenant_id, day=day).order_by("code").values_list("code", "count")
    return {code: count for code, count in rows}


async def record_outcome(tenant_id: int, member_id: str, *, redeemed_fen: int | None, failed: bool) -> None:
    """Counts what the provider answered: a redeemed prize (redeemed_fen) or a failure (failed=True).

    The ticket that crosses the daily amount is already redeemed; the next `admit` is refused.
    """
    check_member_id(member_id)
    if failed == (redeemed_fen is not None):
        raise LedgerError(ErrorCode.INVALID_INPUT, "an outcome is either a redeemed amount or a failure; "
                          "an unknown outcome records nothing", field="redeemedFen")
    if redeemed_fen is not None and (isinstance(redeemed_fen, bool) or not 0 <= redeemed_fen <= MAX_AMOUNT):
        raise LedgerError(ErrorCode.INVALID_AMOUNT, "redeemedFen must be 0 or more fen", field="redeemedFen")
    moment = now()

    async def work(_uow: UnitOfWork) -> None:
        day = await _lock_member_day(tenant_id, member_id, _beijing_day(moment))
        if redeemed_fen is not None:
            day.tickets += 1
            day.amount_fen += redeemed_fen
            await day.save(update_fields=["tickets", "amount_fen"])
        else:
            await _record_failure(tenant_id, day, moment)

    await run_write(tenant_id, work)


async def _record_failure(tenant_id: int, day: MemberLotteryDay, moment: datetime) -> None:
    day.failures += 1
    await day.save(update_fields=["failures"])
    rules = await get_rules(tenant_id)
    # Only the failure that reaches the limit suspends: late answers to tickets already in flight must not
    # add suspensions, since each one counts towards the blocklist.
    if rules.max_failures_per_day is None or day.failures != rules.max_failures_per_day:
        return
    if rules.suspension_hours is not None:
        await _suspend(tenant_id, day.member_id, rules, moment,
                       reason=f"{day.failures} failed redemptions on {day.day.isoformat()}")


async def _suspend(tenant_id: int, member_id: str, rules: LotteryRiskRules, moment: datetime, reason: str) -> None:
    until = moment + timedelta(hours=rules.suspension_hours or 0)
    await MemberSuspension.create(tenant_id=tenant_id, member_id=member_id, until=until, reason=reason)
    threshold = rules.suspensions_before_blocklist
    if threshold is None:
        return
    suspensions = await MemberSuspension.filter(tenant_id=tenant_id, member_id=member_id).count()
    if suspensions >= threshold:
        key: dict[str, Any] = {"tenant_id": tenant_id, "kind": LotteryBlockKind.MEMBER, "value": member_id}
        if not await LotteryBlock.exists(**key):
            await LotteryBlock.create(**key, reason=f"suspended {suspensions} times")
