"""Draw results pushed by Randou: each push is recorded once, and moves its draw's reward forward.

A draw is named by Randou's `serialNo`; its stages (hit, receive, order result) may arrive repeated or out
of order. Each stage is recorded once (a unique row), every push is applied to the reward's status only
forward (a late, older stage changes nothing), and value moves once: a CREDITS prize the member received
moves `credits_gain` from Randou's prize pool to the member's CREDITS wallet; a goods or coupon prize moves
one `GOODS:`/`COUPON:` unit when its order succeeded.

Randou pushes again until it reads `success`, on a schedule it does not publish. So a push whose draw and
stage are already recorded is answered ALREADY_RECORDED (the webhook replies `success`) before anything
else is looked at: its age, its nonce. Replaying it changes nothing, so there is nothing to protect. Only a
new stage is held to the accept window and to its nonce: a nonce seen before names another push, which
is refused.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from ledger.domain.statuses import FINAL_STATUSES, AccountKind, RewardKind, RewardStatus, TransferState, can_transition
from ledger.persistence.draw_models import DrawStage, ProviderReference, WebhookNonce
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_write
from ledger.services.accounts import member_wallet, named_account
from ledger.services.rewards import change_status, check_member_id
from ledger.services.transfers import create_transfer

PROVIDER = "randou"
PRIZE_POOL_OWNER = f"{PROVIDER}:prize-pool"


class PushOutcome(StrEnum):
    RECORDED = "RECORDED"  # a new stage of a draw, recorded now
    ALREADY_RECORDED = "ALREADY_RECORDED"  # this draw's stage was recorded before: nothing changed
    OUTSIDE_WINDOW = "OUTSIDE_WINDOW"  # a new stage, but sent too long ago: refused, nothing recorded
    NONCE_REUSED = "NONCE_REUSED"  # a new stage, but its nonce was already used: refused, nothing recorded

    @property
    def accepted(self) -> bool:
        return self in (PushOutcome.RECORDED, PushOutcome.ALREADY_RECORDED)


class DrawPush(Protocol):
    """A verified push, as the adapter parsed it (read-only)."""

    @property
    def serial_no(self) -> str: ...

    @property
    def uid(self) -> str: ...

    @property
    def nonce(self) -> str: ...

    @property
    def stage(self) -> str: ...

    @property
    def hit(self) -> bool | None: ...

    @property
    def receive(self) -> bool | None: ...

    @property
    def prize_type(self) -> str | None: ...

    @property
    def prize_kind(self) -> str | None: ...

    @property
    def credits(self) -> int | None: ...

    @property
    def credits_gain(self) -> int | None: ...

    @property
    def product_id(self) -> str | None: ...

    @property
    def order_result(self) -> str | None: ...


def prize_asset(push: DrawPush) -> str:
    kind = (push.prize_kind or "").upper()
    if kind == "GOODS" and push.product_id:
        return f"GOODS:{push.product_id}"
    if kind == "COUPON" and push.product_id:
        return f"COUPON:{push.product_id}"
    return "CREDITS"


def target_status(push: DrawPush) -> RewardStatus:
    """Where this push says the draw is. Unknown combinations stay PENDING: never a success by guess."""
    kind = (push.prize_kind or "").upper()
    if push.hit is False:
        return RewardStatus.NOT_WON
    if push.receive is False:
        return RewardStatus.EXPIRED
    if push.order_result == "fail":
        return RewardStatus.FAILED
    if push.receive is True and kind in ("CREDITS", "FREE_DRAW"):
        return RewardStatus.ISSUED
    if push.order_result == "success" and kind in ("GOODS", "COUPON"):
        return RewardStatus.ISSUED
    return RewardStatus.PENDING


async def record_push(tenant_id: int, push: DrawPush, *, within_accept_window: bool) -> PushOutcome:
    """Records one authentic push durably, once per draw and stage. `within_accept_window` says whether
    the push is recent enough to be recorded if it is new (the provider's setting decides); a push already
    recorded is ALREADY_RECORDED whatever it says. Raises LedgerError (INVALID_INPUT) for a bad member id."""
    check_member_id(push.uid)
    # Racing pushes of one draw collide on the unique keys; the unit of work retries and then finds the
    # reward, the stage or the nonce the other one recorded (so an identical push racing itself is
    # ALREADY_RECORDED on the retry, not NONCE_REUSED).
    return await run_write(tenant_id, lambda uow: _record(uow, tenant_id, push, within_accept_window))


async def _record(uow: UnitOfWork, tenant_id: int, push: DrawPush, within_accept_window: bool) -> PushOutcome:
    # Every refusal below returns before the first write, so returning (not raising) commits nothing.
    if await DrawStage.exists(tenant_id=tenant_id, provider=PROVIDER, reference=push.serial_no, stage=push.stage):
        return PushOutcome.ALREADY_RECORDED
    if not within_accept_window:
        return PushOutcome.OUTSIDE_WINDOW
    if await WebhookNonce.exists(tenant_id=tenant_id, provider=PROVIDER, nonce=push.nonce):
        return PushOutcome.NONCE_REUSED
    await WebhookNonce.create(tenant_id=tenant_id, provider=PROVIDER, nonce=push.nonce)
    reward = await _reward_for(uow, tenant_id, push)
    await DrawStage.create(tenant_id=tenant_id, provider=PROVIDER, reference=push.serial_no, stage=push.stage,
                           reward_id=reward.id)
    await _advance(uow, reward, push)
    return PushOutcome.RECORDED


async def _reward_for(uow: UnitOfWork, tenant_id: int, push: DrawPush) -> Reward:
    known = await ProviderReference.get_or_none(tenant_id=tenant_id, provider=PROVIDER, reference=push.serial_no)
    if known is not None:
        return await Reward.get(id=known.reward_id)  # type: ignore[attr-defined]
    reward = await Reward.create(
        tenant_id=tenant_id, kind=RewardKind.DRAW, status=RewardStatus.PENDING, provider=PROVIDER,
        member_id=push.uid, asset=prize_asset(push), amount=0, provider_refs={"serialNo": push.serial_no},
        details={"credits": push.credits, "prizeType": push.prize_type},
    )
    # Two first pushes of one draw racing: the unique reference makes one transaction retry and find it.
    await ProviderReference.create(tenant_id=tenant_id, provider=PROVIDER, reference=push.serial_no,
                                   reward_id=reward.id)
    uow.emit("reward.created", reward_id=reward.id, member_id=push.uid,
             data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
    return reward


async def _advance(uow: UnitOfWork, reward: Reward, push: DrawPush) -> None:
    reward.details = {**reward.details, **{k: v for k, v in (
        ("prizeType", push.prize_type), ("credits", push.credits), ("creditsGain", push.credits_gain),
        ("productId", push.product_id), ("orderResult", push.order_result)) if v is not None},
        "stages": sorted({*reward.details.get("stages", []), push.stage})}
    if push.prize_type and reward.amount == 0:
        reward.asset = prize_asset(push)
    await reward.save(update_fields=["details", "asset"])
    target = target_status(push)
    if reward.status in FINAL_STATUSES or reward.status is target or not can_transition(reward.status, target):
        return  # an older stage arriving late changes nothing
    if target is RewardStatus.ISSUED:
        await _pay(uow, reward, push)
    await change_status(uow, reward, target, f"randou {push.stage}")


async def _pay(uow: UnitOfWork, reward: Reward, push: DrawPush) -> None:
    kind = (push.prize_kind or "").upper()
    amount = int(push.credits_gain or 0) if kind == "CREDITS" else (1 if kind in ("GOODS", "COUPON") else 0)
    if amount <= 0 or await Transfer.exists(reward_id=reward.id, state=TransferState.POSTED):
        return  # a free draw moves nothing; a prize posts once
    asset = prize_asset(push)
    pool = await named_account(reward.tenant_id, AccountKind.PROVIDER_CLEARING, asset, PRIZE_POOL_OWNER)  # type: ignore[attr-defined]
    wallet = await member_wallet(reward.tenant_id, reward.member_id, asset)  # type: ignore[attr-defined]
    reward.asset, reward.amount = asset, amount
    await reward.save(update_fields=["asset", "amount"])
    await create_transfer(uow, debit=pool, credit=wallet, amount=amount, reward_id=reward.id,
                          member_id=reward.member_id)
