"""Instant-lottery ticket redemption: the ledger's side of the flow.

1. Refuse early: bad input, risk rules, a ticket already being redeemed or already redeemed by us.
2. Record before dispatch: the reward (PENDING) and the ticket's lock commit before the gateway is called.
3. Call the gateway outside any transaction.
4. Record the answer in a second transaction (lottery_outcomes.py): a prize posts once from the station's
   clearing account to the member's CNY wallet; a losing ticket is NOT_WON with no transfer; a refusal
   before anything happened is FAILED; an answer that may hide a redemption (a lost answer, or a code
   such as 1002, codes.py) is UNKNOWN, the ticket still locked, until synced.

A crash between 2 and 4 leaves a PENDING reward and a held ticket lock; `sync_ticket_reward` settles it
by submitting the ticket again under a new transaction number: the gateway answers 1307 for a ticket it
already redeemed, naming the first transaction (`transacIdOrg`), which the ledger recognises as its own.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Protocol

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import RewardKind, RewardStatus
from ledger.persistence.models import Reward
from ledger.persistence.provider_models import TicketLock
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write, run_write
from ledger.ports import Accepted, NeverSent, Outcome, ProviderNotConfigured, Rejected, Unknown, provider_for
from ledger.services import lottery_risk
from ledger.services.lottery_outcomes import (
    ALREADY_REDEEMED,
    PROVIDER,
    count_for_risk,
    record_outcome,
    transaction_number,
)
from ledger.services.rewards import check_member_id

NO_REDEMPTION_RECORD = "3202"  # getPrize: the ticket has no redemption (seed §8.9)
_BAR_CODE = re.compile(r"^[A-Za-z0-9\-]{4,64}\Z")
_USER_ID = re.compile(r"^[A-Za-z0-9]{1,32}\Z")
_IN_FLIGHT = frozenset({RewardStatus.REQUESTED, RewardStatus.PENDING, RewardStatus.UNKNOWN,
                        RewardStatus.NEEDS_ATTENTION})
# Set on a reward a person voided (resolveReward) after the gateway had redeemed its ticket: still redeemed.
TICKET_REDEEMED = "ticketRedeemed"


class LotteryGateway(Protocol):
    def station(self, station_id: str | None) -> Any: ...

    async def redeem(self, station_id: str, *, transac_id: str, user_id: str, user_ip: str,
                     bar_code: str) -> Outcome: ...

    async def prize_outcome(self, station_id: str, bar_code: str) -> Outcome:
        """The gateway's record of a ticket: Accepted (redeemed, with `awardStation`), Rejected (none)."""
        ...


@dataclass(frozen=True)
class Redemption:
    reward: Reward
    replayed: bool


async def gateway_for(tenant_id: int) -> LotteryGateway:
    try:
        return await provider_for(tenant_id, PROVIDER)  # type: ignore[no-any-return]
    except ProviderNotConfigured as exc:
        raise LedgerError(ErrorCode.PROVIDER_NOT_CONFIGURED,
                          "the instant-lottery gateway is not configured for this tenant") from exc


def resolve_station(gateway: LotteryGateway, station_id: str | None) -> str:
    try:
        return str(gateway.station(station_id).station_id)
    except KeyError:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such station in this tenant's settings",
                          field="stationId") from None


async def redeem_ticket(tenant_id: int, *, member_id: str, bar_code: str, user_ip: str, station_id: str | None,
                        idempotency_key: str) -> Redemption:
    check_member_id(member_id)
    bar_code = _check_bar_code(bar_code)
    user_ip = _check_ip(user_ip)
    gateway = await gateway_for(tenant_id)
    station = resolve_station(gateway, station_id)
    request = {"member_id": member_id, "bar_code": bar_code, "station_id": station}

    async def replay(reference: dict) -> Redemption:
        return Redemption(await Reward.get(id=reference["reward_id"]), replayed=True)

    async def record_request(uow: UnitOfWork) -> tuple[dict, Redemption]:
        # Admitted in the transaction that records the request: concurrent requests of the member queue on
        # its day's row and see each other's rewards (in flight), and a refusal below rolls admission back.
        await lottery_risk.admit_within(tenant_id, member_id, user_ip)
        reward = await _record_request(uow, tenant_id, member_id, bar_code, station)
        return {"reward_id": reward.id}, Redemption(reward, replayed=False)

    async def claim() -> Redemption:
        return await run_idempotent_write(tenant_id, operation="redeemLotteryTicket", key=idempotency_key,
                                          request=request, work=record_request, replay=replay)

    try:
        redemption = await claim()  # a replayed key (or a concurrent twin's) is answered before admission
    except LedgerError as refusal:
        await lottery_risk.count_refusal(tenant_id, refusal)
        raise
    if redemption.replayed:
        return redemption
    reward = redemption.reward
    transac_id = reward.provider_refs["transacId"]
    outcome = await gateway.redeem(station, transac_id=transac_id, user_id=gateway_user_id(tenant_id, member_id),
                                   user_ip=user_ip, bar_code=bar_code)
    reward, applied = await record_outcome(tenant_id, reward.id, outcome)
    if applied and not isinstance(outcome, NeverSent):  # a gateway we could not reach is not the member's failure
        await count_for_risk(tenant_id, member_id, reward)
    return Redemption(reward, replayed=False)


async def _record_request(uow: UnitOfWork, tenant_id: int, member_id: str, bar_code: str, station: str) -> Reward:
    await _take_ticket(tenant_id, bar_code)
    reward = await Reward.create(
        tenant_id=tenant_id, kind=RewardKind.LOTTERY_TICKET, status=RewardStatus.PENDING, provider=PROVIDER,
        member_id=member_id, asset="CNY", amount=0, details={"barCode": bar_code, "stationId": station},
    )
    transac_id = transaction_number(reward.id, attempt=0)
    reward.provider_refs = {"transacId": transac_id, "transacIds": [transac_id]}
    await reward.save(update_fields=["provider_refs"])
    await TicketLock.create(tenant_id=tenant_id, bar_code=bar_code, reward_id=reward.id)
    uow.emit("reward.created", reward_id=reward.id, member_id=member_id,
             data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
    return reward


async def _take_ticket(tenant_id: int, bar_code: str) -> None:
    """Refuses a ticket another redemption holds; frees the lock of an attempt that ended unredeemed."""
    lock = await TicketLock.get_or_none(tenant_id=tenant_id, bar_code=bar_code).prefetch_related("reward")
    if lock is None:
        return
    holder: Reward = lock.reward
    if holder.status in _IN_FLIGHT:
        raise LedgerError(ErrorCode.TICKET_IN_PROGRESS,
                          "this ticket's redemption is still in progress; it settles shortly", field="barCode")
    if holder.status in (RewardStatus.ISSUED, RewardStatus.CLAIMED) or holder.details.get(TICKET_REDEEMED):
        raise LedgerError(ErrorCode.TICKET_ALREADY_REDEEMED, "this ticket was already redeemed",
                          field="barCode")
    await TicketLock.filter(id=lock.id).delete()


def gateway_user_id(tenant_id: int, member_id: str) -> str:
    """The gateway wants ≤ 32 letters and digits; other member ids are sent as a stable digest."""
    if _USER_ID.match(member_id):
        return member_id
    return "M" + hashlib.sha256(f"{tenant_id}:{member_id}".encode()).hexdigest()[:31]


async def sync_ticket_reward(tenant_id: int, reward: Reward) -> Reward:
    """Asks the gateway about a reward still PENDING or UNKNOWN, by submitting the ticket again under a
    new transaction number (seed §8.4). What that answer proves about the earlier attempts:

    - redeemed now (1301/1302): none of them redeemed it, this one did: paid once;
    - 1307: the transaction it names decides (lottery_outcomes: ours is paid once);
    - not a winning ticket (1305): nobody can have redeemed it: NOT_WON;
    - may have happened again: still UNKNOWN (this transaction joins the reward's, for the next 1307);
    - any other refusal (a risk rule, a login refused, a request that never left) says nothing about
      them, so the gateway's redemption record decides (getPrize, seed §8.9): redeemed at our station is
      ours; at another station, not; no record (3202) means no attempt redeemed it, and the ticket is free.
    """
    if reward.status not in (RewardStatus.PENDING, RewardStatus.UNKNOWN):
        return reward
    gateway = await gateway_for(tenant_id)
    station = str(reward.details.get("stationId"))
    bar_code = str(reward.details.get("barCode"))
    transac_id = await run_write(tenant_id, lambda uow: _next_transaction_number(reward.id))
    outcome = await gateway.redeem(station, transac_id=transac_id,
                                   user_id=gateway_user_id(tenant_id, reward.member_id),
                                   user_ip=SYNC_USER_IP, bar_code=bar_code)
    if _says_nothing_of_earlier_attempts(outcome):
        outcome = await _outcome_from_record(gateway, station, bar_code)
    settled, applied = await record_outcome(tenant_id, reward.id, outcome)
    if applied:
        await count_for_risk(tenant_id, reward.member_id, settled)
    return settled


# The member's address is not kept (personal data), and the gateway treats it as a hint only (seed §8.4).
SYNC_USER_IP = "127.0.0.1"


async def _next_transaction_number(reward_id: int) -> str:
    reward = await Reward.get(id=reward_id)
    numbers = list(reward.provider_refs.get("transacIds", []))
    number = transaction_number(reward.id, attempt=len(numbers))
    reward.provider_refs = {**reward.provider_refs, "transacIds": [*numbers, number]}
    await reward.save(update_fields=["provider_refs"])
    return number


def _says_nothing_of_earlier_attempts(resubmission: Outcome) -> bool:
    """A refusal of the resubmission that is neither a losing ticket nor a 1307 naming who redeemed it."""
    if not isinstance(resubmission, Rejected) or resubmission.status is RewardStatus.NOT_WON:
        return False
    return not (resubmission.code == ALREADY_REDEEMED and resubmission.details.get("transacIdOrg"))


async def _outcome_from_record(gateway: LotteryGateway, station: str, bar_code: str) -> Outcome:
    record = await gateway.prize_outcome(station, bar_code)
    if isinstance(record, Accepted) and str(record.details.get("awardStation")) != station:
        return Rejected(code=ALREADY_REDEEMED, message="redeemed at another station", retryable=False,
                        details=record.details)
    if isinstance(record, Accepted):
        # The record names no transaction: redeemed at our station while an attempt of ours went
        # unanswered is taken as that attempt (the station's account serves this ledger alone).
        return record
    if isinstance(record, Rejected) and record.code == NO_REDEMPTION_RECORD:
        return Rejected(code=record.code, message="the gateway has no redemption of this ticket", retryable=False,
                        details=record.details)
    # A login refused, an outage, a risk rule: the record was not read, so nothing is settled.
    reason = record.reason if isinstance(record, Unknown) else f"{record.code} {record.message}"
    return Unknown(f"the gateway would not say whether the ticket was redeemed ({reason})")


def _check_bar_code(bar_code: str) -> str:
    if not isinstance(bar_code, str) or not _BAR_CODE.match(bar_code):
        raise LedgerError(ErrorCode.INVALID_INPUT, "barCode must be 4-64 letters, digits or '-'", field="barCode")
    return bar_code


_MAX_IP_TEXT = 64  # the longest IPv6 text (six groups and an IPv4 tail, all in full) is 45 characters


def _check_ip(user_ip: str) -> str:
    # ipaddress takes an IPv6 zone ("fe80::1%eth0", any length): it names an interface on the sender's own
    # host, no address a member can be counted or blocked by, so it is refused like any other non-address.
    try:
        if len(user_ip) > _MAX_IP_TEXT or "%" in user_ip:
            raise ValueError(user_ip)
        return str(ipaddress.ip_address(user_ip.strip()))
    except (ValueError, TypeError, AttributeError):
        raise LedgerError(ErrorCode.INVALID_INPUT, "userRealIp must be an IPv4 or IPv6 address, without a zone",
                          field="userRealIp") from None
