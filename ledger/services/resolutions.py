"""resolveReward: a person settles a reward no job can (NEEDS_ATTENTION), paying or voiding it.

Only NEEDS_ATTENTION is resolved here. An UNKNOWN reward is still the sync job's: it asks the provider until
the provider's last try and then hands the reward over (reward_sync.py), so a person never races an answer
that may still come. Money moves only through new, linked transfers, in the transaction that records the
decision and changes the status:

- PAY: a hold is posted (all of it, or `amount` of it); without a hold, a posted transfer from the account
  that would have paid (reward_payers.py) to the member's wallet. The status becomes CLAIMED for a red
  packet (paying it means the member has the money) and ISSUED otherwise. `amount` may be left out where
  the provider stated the amount (the hold or the prize); it is required where it never did (a claimed
  RANDOM packet, whose list rows carry no amount): nothing is paid on a guess, and never more than was held.
- VOID: a hold is voided (the budget gets it back); the status becomes VOIDED. A lottery ticket the
  gateway never said was redeemed is freed for another redemption; one it did stays redeemed.

Who (the admin API key) and why (the note) are kept in `reward_resolutions`, whose unique key on the
reward makes a second resolution impossible, and in a `reward.resolved` event. Idempotent by key.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import Money, require_positive
from ledger.domain.statuses import RewardKind, RewardStatus, TransferState
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.provider_models import TicketLock
from ledger.persistence.resolution_models import Resolution, RewardResolution
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write
from ledger.services.accounts import member_wallet
from ledger.services.lottery import TICKET_REDEEMED
from ledger.services.lottery_outcomes import ALREADY_REDEEMED
from ledger.services.reward_payers import payer_of
from ledger.services.rewards import change_status
from ledger.services.transfers import create_transfer, resolve_pending

MAX_NOTE_LENGTH = 500


@dataclass(frozen=True)
class Resolved:
    reward: Reward
    transfers: list[Transfer]  # the hold it posted or voided, or the transfer it posted


async def resolve_reward(tenant_id: int, reward_id: int, resolution: Resolution, *, note: str, idempotency_key: str,
                         api_key_id: int | None, amount: int | None = None) -> Resolved:
    note = _check_note(note)
    if amount is not None:
        if resolution is Resolution.VOID:
            raise LedgerError(ErrorCode.INVALID_INPUT, "a void takes no amount", field="amount")
        require_positive(amount)

    async def work(uow: UnitOfWork) -> tuple[dict, Resolved]:
        reward = await Reward.filter(id=reward_id, tenant_id=tenant_id).select_for_update().first()
        if reward is None:
            raise LedgerError(ErrorCode.NOT_FOUND, "no such reward", field="rewardId")
        if reward.status is not RewardStatus.NEEDS_ATTENTION:
            raise LedgerError(ErrorCode.INVALID_STATE, f"only a NEEDS_ATTENTION reward is resolved by a person; this "
                              f"one is {reward.status.value}", field="rewardId")
        hold = await Transfer.filter(reward_id=reward.id, state=TransferState.PENDING).order_by("id").first()
        paid = await _unreversed_posting(reward)
        if resolution is Resolution.PAY:
            moved, posted = await _pay(uow, reward, hold, amount, paid)
            target = RewardStatus.CLAIMED if reward.kind is RewardKind.RED_PACKET else RewardStatus.ISSUED
        else:
            moved, posted = await _void(uow, reward, hold, paid), None
            target = RewardStatus.VOIDED
        await RewardResolution.create(tenant_id=tenant_id, reward_id=reward.id, resolution=resolution, amount=posted,
                                      note=note, api_key_id=api_key_id)
        uow.emit("reward.resolved", reward_id=reward.id, campaign_id=reward.campaign_id,  # type: ignore[attr-defined]
                 member_id=reward.member_id or None,
                 data={"resolution": resolution.value, "note": note, "apiKeyId": api_key_id,
                       **({"amount": str(posted)} if posted is not None else {})})
        await change_status(uow, reward, target, f"resolved by a person ({resolution.value}): {note}")
        return {"reward_id": reward.id, "transfer_ids": [t.id for t in moved]}, Resolved(reward, moved)

    async def replay(reference: dict) -> Resolved:
        transfers = await Transfer.filter(id__in=reference["transfer_ids"]).order_by("id")
        return Resolved(await Reward.get(id=reference["reward_id"]), list(transfers))

    return await run_idempotent_write(
        tenant_id, operation="resolveReward", key=idempotency_key,
        request={"reward_id": reward_id, "resolution": resolution.value, "note": note, "amount": amount},
        work=work, replay=replay)


async def _pay(uow: UnitOfWork, reward: Reward, hold: Transfer | None, amount: int | None,
               paid: Transfer | None) -> tuple[list[Transfer], int | None]:
    if paid is not None:
        if amount is not None:
            raise LedgerError(ErrorCode.INVALID_STATE, f"transfer {paid.id} already paid this reward; PAY without "
                              "an amount records that, moving nothing", field="amount")
        return [], None
    amount = _amount_to_pay(reward, hold, amount)
    reward.amount = amount
    await reward.save(update_fields=["amount"])
    if hold is not None:
        return [await resolve_pending(uow, hold, post_amount=amount, member_id=reward.member_id)], amount
    if not reward.member_id:
        raise LedgerError(ErrorCode.INVALID_STATE, "this reward names no member to pay", field="rewardId")
    payer = await payer_of(reward)
    wallet = await member_wallet(reward.tenant_id, reward.member_id, reward.asset)  # type: ignore[attr-defined]
    transfer = await create_transfer(uow, debit=payer, credit=wallet, amount=amount, reward_id=reward.id,
                                     member_id=reward.member_id)
    return [transfer], amount


def _amount_to_pay(reward: Reward, hold: Transfer | None, asked: int | None) -> int:
    """`asked`, or else the amount the provider stated; never more than the hold (or the stated amount)."""
    stated = stated_amount(reward)
    amount = asked if asked is not None else stated
    if amount is None:
        raise LedgerError(ErrorCode.INVALID_INPUT, "the provider never stated this reward's amount: give the "
                          "amount paid (from the provider's own record)", field="amount")
    ceiling = hold.amount if hold is not None else stated
    if ceiling is not None and amount > ceiling:
        raise LedgerError(ErrorCode.INVALID_AMOUNT, f"cannot pay more than {Money(ceiling, reward.asset).formatted()}",
                          field="amount")
    return amount


def stated_amount(reward: Reward) -> int | None:
    """What the provider told us this reward is worth, or None when it never did."""
    details = reward.details
    if details.get("groupSend"):
        return None  # a group's hold covers up to its cap of members: how many were paid is a person's finding
    if reward.kind is RewardKind.RED_PACKET and details.get("type") == "RANDOM":
        stated = details.get("amountFen")  # a RANDOM packet's amount only from an answer stating it
        return stated if isinstance(stated, int) and stated > 0 else None
    if reward.kind is RewardKind.LOTTERY_TICKET and reward.amount <= 0:
        prize = details.get("prizeFen")  # a 1307 names the prize even when the ledger never recorded it
        return prize if isinstance(prize, int) and prize > 0 else None
    return reward.amount if reward.amount > 0 else None


async def _void(uow: UnitOfWork, reward: Reward, hold: Transfer | None, paid: Transfer | None) -> list[Transfer]:
    if paid is not None:
        raise LedgerError(ErrorCode.INVALID_STATE, f"transfer {paid.id} paid this reward: reverse it first "
                          "(reverseTransfer), then void", field="rewardId")
    if reward.kind is RewardKind.LOTTERY_TICKET:
        await _settle_ticket_lock(reward)
    if hold is None:
        return []
    return [await resolve_pending(uow, hold, post_amount=None, member_id=reward.member_id)]


async def _settle_ticket_lock(reward: Reward) -> None:
    """A voided ticket the gateway redeemed stays redeemed (no second redemption is tried); one it never
    said it redeemed is freed now: a later redemption asks the gateway, which refuses a redeemed one."""
    if _gateway_redeemed(reward):
        reward.details = {**reward.details, TICKET_REDEEMED: True}
        await reward.save(update_fields=["details"])
    else:
        await TicketLock.filter(tenant_id=reward.tenant_id, reward_id=reward.id).delete()  # type: ignore[attr-defined]


def _gateway_redeemed(reward: Reward) -> bool:
    """The gateway paid a prize for it (amount recorded), answered 1307, or showed its redemption record."""
    return reward.amount > 0 or reward.details.get("code") == ALREADY_REDEEMED or "awardStation" in reward.details


async def _unreversed_posting(reward: Reward) -> Transfer | None:
    postings = await Transfer.filter(reward_id=reward.id, state=TransferState.POSTED, reverses_id=None,
                                     posted_amount__gt=0).order_by("id")
    if not postings:
        return None
    reversed_ids = set(await Transfer.filter(reverses_id__in=[p.id for p in postings])
                       .values_list("reverses_id", flat=True))
    return next((p for p in postings if p.id not in reversed_ids), None)


def _check_note(note: str) -> str:
    if not isinstance(note, str) or not note.strip() or len(note) > MAX_NOTE_LENGTH:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"note must say why, in 1-{MAX_NOTE_LENGTH} characters",
                          field="note")
    return note.strip()
