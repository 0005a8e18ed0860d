"""Rewards granted from a campaign budget, held or posted, and the status changes of any reward."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from functools import partial
from typing import cast

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import require_positive
from ledger.domain.statuses import RewardKind, RewardStatus, TransferState, can_transition
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write, run_write
from ledger.services.accounts import lock_with_member_wallet
from ledger.services.campaigns import check_expected_asset, find_campaign
from ledger.services.transfers import create_transfer, resolve_pending

MAX_MEMBER_ID_LENGTH = 64
MAX_HOLD_SECONDS = 90 * 24 * 3600


class SettleAction(StrEnum):
    POST = "POST"
    VOID = "VOID"


def check_member_id(member_id: str) -> str:
    if not isinstance(member_id, str) or not member_id.strip() or len(member_id) > MAX_MEMBER_ID_LENGTH:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"memberId must be 1-{MAX_MEMBER_ID_LENGTH} characters",
                          field="memberId")
    if member_id != member_id.strip():
        raise LedgerError(ErrorCode.INVALID_INPUT, "memberId must not start or end with spaces",
                          field="memberId")
    return member_id


async def change_status(uow: UnitOfWork, reward: Reward, target: RewardStatus, reason: str = "") -> None:
    """The one way a reward's status moves: checked against the transition table and logged as an event."""
    current = reward.status
    if current == target:
        return
    if not can_transition(current, target):
        raise LedgerError(ErrorCode.INVALID_STATE, f"a {current.value} reward cannot become {target.value}")
    reward.status = target
    fields = ["status", "updated_at"]
    if target is RewardStatus.NEEDS_ATTENTION and reason:
        # Whoever hands a reward to a person says why, where the person looks first.
        reward.attention_reason = reason
        fields.append("attention_reason")
    await reward.save(update_fields=fields)
    uow.emit(
        "reward.status_changed",
        reward_id=reward.id,
        campaign_id=reward.campaign_id,  # type: ignore[attr-defined]
        member_id=reward.member_id,
        data={"from": current.value, "to": target.value, **({"reason": reason} if reason else {})},
    )


async def grant_reward(
    tenant_id: int,
    *,
    campaign_id: int,
    member_id: str,
    amount: int,
    idempotency_key: str,
    hold: bool = False,
    hold_timeout_s: int | None = None,
    expected_asset: str | None = None,
) -> Reward:
    check_member_id(member_id)
    require_positive(amount)
    if hold_timeout_s is not None:
        if not hold:
            raise LedgerError(ErrorCode.INVALID_INPUT, "holdTimeoutSeconds needs hold: true",
                              field="holdTimeoutSeconds")
        if not 1 <= hold_timeout_s <= MAX_HOLD_SECONDS:
            raise LedgerError(ErrorCode.INVALID_INPUT,
                              f"holdTimeoutSeconds must be 1-{MAX_HOLD_SECONDS}", field="holdTimeoutSeconds")

    async def work(uow: UnitOfWork) -> tuple[dict, Reward]:
        campaign = await find_campaign(tenant_id, campaign_id)
        check_expected_asset(campaign, expected_asset)
        budget_id: int = campaign.budget_account_id  # type: ignore[attr-defined]
        budget, wallet = await lock_with_member_wallet(tenant_id, budget_id, member_id, campaign.asset)
        status = RewardStatus.PENDING if hold else RewardStatus.ISSUED
        reward = await Reward.create(
            tenant_id=tenant_id, kind=RewardKind.GRANT, status=status, campaign_id=campaign.id,
            member_id=member_id, asset=campaign.asset, amount=amount,
        )
        uow.emit("reward.created", reward_id=reward.id, campaign_id=campaign.id, member_id=member_id,
                 data={"status": status.value, "amount": str(amount), "asset": campaign.asset})
        expires_at = now() + timedelta(seconds=hold_timeout_s) if hold_timeout_s else None
        await create_transfer(uow, debit=budget, credit=wallet, amount=amount, pending=hold,
                              expires_at=expires_at, reward_id=reward.id, member_id=member_id)
        return {"reward_id": reward.id}, reward

    return await run_idempotent_write(
        tenant_id, operation="grantReward", key=idempotency_key,
        request={"campaign_id": campaign_id, "member_id": member_id, "amount": amount, "hold": hold,
                 "hold_timeout_s": hold_timeout_s, "asset": expected_asset},
        work=work, replay=_load_reward,
    )


async def _load_reward(reference: dict) -> Reward:
    return await Reward.get(id=reference["reward_id"])


async def settle_reward(
    tenant_id: int, reward_id: int, action: SettleAction, idempotency_key: str, amount: int | None = None
) -> Reward:
    """Posts (all or part) or voids a held grant: the rewards the ledger alone settles."""
    if amount is not None:
        if action is SettleAction.VOID:
            raise LedgerError(ErrorCode.INVALID_INPUT, "a void takes no amount", field="amount")
        require_positive(amount)

    async def work(uow: UnitOfWork) -> tuple[dict, Reward]:
        reward = await Reward.get_or_none(id=reward_id, tenant_id=tenant_id)
        if reward is None:
            raise LedgerError(ErrorCode.NOT_FOUND, "no such reward", field="rewardId")
        if reward.provider is not None or reward.kind is not RewardKind.GRANT:
            # The provider decides what became of its reward (a packet may yet be claimed, or refunded):
            # settling it here would pay or release what the provider may do the other way.
            raise LedgerError(ErrorCode.INVALID_STATE,
                              f"a {reward.kind.value} reward is settled by its provider's answer (syncReward), "
                              "not by settleReward", field="rewardId")
        hold = await Transfer.filter(reward_id=reward.id, state=TransferState.PENDING).first()
        if reward.status is not RewardStatus.PENDING or hold is None:
            raise LedgerError(ErrorCode.INVALID_STATE,
                              f"only a held (PENDING) reward can be settled; this one is {reward.status.value}",
                              field="rewardId")
        if action is SettleAction.POST:
            if hold.expires_at is not None and hold.expires_at <= now():
                raise LedgerError(ErrorCode.HOLD_EXPIRED, "the hold has expired; it can only be voided",
                                  field="rewardId")
            await resolve_pending(uow, hold, post_amount=amount or hold.amount, member_id=reward.member_id)
            await change_status(uow, reward, RewardStatus.ISSUED, "settled")
        else:
            await resolve_pending(uow, hold, post_amount=None, member_id=reward.member_id)
            await change_status(uow, reward, RewardStatus.VOIDED, "settled")
        return {"reward_id": reward.id}, reward

    return await run_idempotent_write(
        tenant_id, operation="settleReward", key=idempotency_key,
        request={"reward_id": reward_id, "action": action.value, "amount": amount},
        work=work, replay=_load_reward,
    )


async def expire_holds(tenant_id: int, batch_size: int = 100) -> int:
    """Voids holds past their expiry and marks their rewards EXPIRED. Safe to re-run; returns the count."""
    due = cast(list[int], await Transfer.filter(tenant_id=tenant_id, state=TransferState.PENDING,
                                                expires_at__lte=now()).order_by("id").limit(batch_size)
               .values_list("id", flat=True))
    expired = 0
    for transfer_id in due:
        try:
            expired += await run_write(tenant_id, partial(_expire_hold, transfer_id=transfer_id))
        except LedgerError:
            continue  # resolved by someone else between the read and the lock
    return expired


async def _expire_hold(uow: UnitOfWork, transfer_id: int) -> bool:
    hold = await Transfer.get(id=transfer_id)
    if hold.state is not TransferState.PENDING:
        return False  # settled meanwhile
    reward_id = hold.reward_id  # type: ignore[attr-defined]
    reward = await Reward.get_or_none(id=reward_id) if reward_id else None
    await resolve_pending(uow, hold, post_amount=None, member_id=reward.member_id if reward else None)
    if reward is not None and reward.status is RewardStatus.PENDING:
        await change_status(uow, reward, RewardStatus.EXPIRED, "hold expired")
    return True
