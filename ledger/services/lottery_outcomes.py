"""Recording the gateway's answer to a ticket's redemption, in the transaction after the call (lottery.py).

- Accepted: the prize posts once from the station's clearing account (which may go negative: the lottery
  centre owes the station) to the member's CNY wallet; ISSUED, or NEEDS_ATTENTION above the tenant's cap.
- Rejected: FAILED (NOT_WON for a losing ticket); the ticket's lock is released by the next redemption.
- Unknown: UNKNOWN, nothing moves and the ticket stays locked until syncReward settles it.
- 1307 (already redeemed): decided by the transaction it names (`transacIdOrg`, seed §8.4), see
  `_apply_already_redeemed`.

Transaction numbers are made here too, because a 1307 is read by finding which reward sent the number.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import FINAL_STATUSES, AccountKind, RewardStatus, TransferState
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_write
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from ledger.services import lottery_risk
from ledger.services.accounts import member_wallet, named_account
from ledger.services.rewards import change_status
from ledger.services.transfers import create_transfer

PROVIDER = "instant-lottery"
ALREADY_REDEEMED = "1307"
_BEIJING = timezone(timedelta(hours=8))
# A reward in these statuses has the prize, will get it from its own sync, or is in a person's hands.
_PAID_OR_SETTLING = frozenset({RewardStatus.REQUESTED, RewardStatus.PENDING, RewardStatus.UNKNOWN,
                               RewardStatus.ISSUED, RewardStatus.CLAIMED, RewardStatus.NEEDS_ATTENTION})
# transaction_number's form: "RL", 14 digits of Beijing time, the reward id (6 digits or more), 2 of attempt.
_OUR_TRANSACTION = re.compile(r"^RL\d{14}(\d{6,})\d{2}\Z")


def transaction_number(reward_id: int, attempt: int) -> str:
    """The gateway's `transacId` (≤ 32 letters and digits): the seed's suggested form, a prefix, the
    Beijing time and a serial, here the reward id and the attempt, so every attempt is distinct."""
    stamp = now().astimezone(_BEIJING).strftime("%Y%m%d%H%M%S")
    number = f"RL{stamp}{reward_id:06d}{attempt:02d}"
    if len(number) > 32:
        raise LedgerError(ErrorCode.INVALID_STATE, "reward id too large for a gateway transaction number")
    return number


def reward_id_in(transac_id: str) -> int | None:
    """The reward id one of our transaction numbers carries (None for a number not of our form)."""
    match = _OUR_TRANSACTION.match(transac_id)
    return int(match.group(1)) if match else None


async def reward_that_sent(tenant_id: int, transac_id: str) -> Reward | None:
    """The tenant's lottery reward that sent this transaction number, if one did."""
    match = _OUR_TRANSACTION.match(transac_id)
    if match is None:
        return None
    reward = await Reward.get_or_none(id=int(match.group(1)), tenant_id=tenant_id, provider=PROVIDER)
    if reward is None or transac_id not in reward.provider_refs.get("transacIds", []):
        return None
    return reward


async def record_outcome(tenant_id: int, reward_id: int, outcome: Outcome) -> tuple[Reward, bool]:
    """Applies the gateway's answer unless another answer settled the reward first; says which."""

    async def work(uow: UnitOfWork) -> tuple[Reward, bool]:
        reward = await Reward.get(id=reward_id)
        if reward.status in FINAL_STATUSES or reward.status in (RewardStatus.ISSUED, RewardStatus.NEEDS_ATTENTION):
            return reward, False  # the first answer recorded wins
        if isinstance(outcome, Unknown) and reward.status is RewardStatus.UNKNOWN:
            return reward, False
        await _apply(uow, reward, outcome)
        return reward, True

    return await run_write(tenant_id, work)


async def _apply(uow: UnitOfWork, reward: Reward, outcome: Outcome) -> None:
    if isinstance(outcome, Accepted):
        await _pay_prize(uow, reward, outcome.amount or 0, outcome.refs, outcome.details)
    elif isinstance(outcome, Rejected) and outcome.code == ALREADY_REDEEMED:
        await _apply_already_redeemed(uow, reward, outcome)
    elif isinstance(outcome, Rejected):
        await _settle(uow, reward, outcome.status, f"gateway {outcome.code}",
                      {**outcome.details, "code": outcome.code, "message": outcome.message})
    elif isinstance(outcome, Unknown):
        await _settle(uow, reward, RewardStatus.UNKNOWN, outcome.reason, {"lostAnswer": outcome.reason})


async def _apply_already_redeemed(uow: UnitOfWork, reward: Reward, outcome: Rejected) -> None:
    """1307: the ticket was redeemed before this request, by the transaction `transacIdOrg` names.

    - one of this reward's own: the answer we lost was a success, so the prize is paid (once);
    - one of another reward of this tenant: if that reward is paid, or still settling, it holds the prize
      and this one is FAILED; if it was recorded unredeemed, the station was paid for a ticket our ledger
      never paid: NEEDS_ATTENTION;
    - anyone else's, while an attempt of this reward went unanswered: at another station it cannot be
      ours (FAILED); at our own station, or with no station named, the gateway's word is all we have
      against our unanswered attempt, and the station's cash was credited: NEEDS_ATTENTION, a person checks;
    - anyone else's, on a first attempt: the ticket was cashed before we ever asked: FAILED.
    """
    original = str(outcome.details.get("transacIdOrg") or "")
    details = {**outcome.details, "code": outcome.code, "message": outcome.message}
    if original and original in reward.provider_refs.get("transacIds", []):
        prize_fen = outcome.details.get("prizeFen")
        if prize_fen is None:
            await _settle(uow, reward, RewardStatus.UNKNOWN, "redeemed by our transaction, prize unreadable", details)
            return
        await _pay_prize(uow, reward, int(prize_fen), {"transacId": original}, outcome.details)
        return
    other = await reward_that_sent(reward.tenant_id, original) if original else None  # type: ignore[attr-defined]
    award_station = str(outcome.details.get("awardStation") or "")
    if other is not None:
        details["redeemedByRewardId"] = other.id
        why = f"redeemed by transaction {original} of reward {other.id}, recorded {other.status.value}"
        status = RewardStatus.FAILED if other.status in _PAID_OR_SETTLING else RewardStatus.NEEDS_ATTENTION
        await _settle(uow, reward, status, why, details)
    elif _had_unanswered_attempt(reward) and award_station in ("", str(reward.details.get("stationId"))):
        await _settle(uow, reward, RewardStatus.NEEDS_ATTENTION,
                      "redeemed at our station by a transaction not ours while an attempt of ours was unanswered",
                      details)
    else:
        await _settle(uow, reward, RewardStatus.FAILED, "ticket redeemed by another transaction", details)


def _had_unanswered_attempt(reward: Reward) -> bool:
    """Whether an attempt before the latest went unanswered: sync sends a new one only after one did."""
    return len(reward.provider_refs.get("transacIds", [])) > 1


async def _settle(uow: UnitOfWork, reward: Reward, status: RewardStatus, reason: str, details: dict) -> None:
    reward.details = {**reward.details, **details}
    await reward.save(update_fields=["details"])
    await change_status(uow, reward, status, reason)


async def _pay_prize(uow: UnitOfWork, reward: Reward, prize_fen: int, refs: dict, details: dict) -> None:
    reward.amount = prize_fen
    reward.provider_refs = {**reward.provider_refs, **{k: v for k, v in refs.items() if v is not None}}
    reward.details = {**reward.details, **details}
    cap = await lottery_risk.prize_cap_fen(reward.tenant_id)  # type: ignore[attr-defined]
    await reward.save(update_fields=["amount", "provider_refs", "details"])
    if cap is not None and prize_fen > cap:
        # Redeemed at the gateway, but above what this tenant pays out automatically: a person decides.
        await change_status(uow, reward, RewardStatus.NEEDS_ATTENTION, "prize above the per-ticket cap")
        return
    if prize_fen > 0 and not await Transfer.exists(reward_id=reward.id, state=TransferState.POSTED):
        station = str(reward.details.get("stationId"))
        clearing = await named_account(reward.tenant_id, AccountKind.STATION_CASH, "CNY",  # type: ignore[attr-defined]
                                       f"{PROVIDER}:{station}")
        wallet = await member_wallet(reward.tenant_id, reward.member_id, "CNY")  # type: ignore[attr-defined]
        await create_transfer(uow, debit=clearing, credit=wallet, amount=prize_fen, reward_id=reward.id,
                              member_id=reward.member_id)
    await change_status(uow, reward, RewardStatus.ISSUED, "redeemed")


async def count_for_risk(tenant_id: int, member_id: str, reward: Reward) -> None:
    """Feeds the member's daily limits: a prize redeemed (one held for a person above the cap counts too),
    or an attempt that failed; an answer still unknown, or one a person must read, counts as neither."""
    if reward.status is RewardStatus.ISSUED or (reward.status is RewardStatus.NEEDS_ATTENTION and reward.amount > 0):
        await lottery_risk.record_outcome(tenant_id, member_id, redeemed_fen=reward.amount, failed=False)
    elif reward.status in (RewardStatus.NOT_WON, RewardStatus.FAILED):
        await lottery_risk.record_outcome(tenant_id, member_id, redeemed_fen=None, failed=True)
