"""UnionPay draws by qualification (qual.reduce): the ledger's side.

Such a draw has no campaign: the activity's prize pool (a provider clearing account that may go negative)
funds it. The `transNumber` comes from the tenant and the idempotency key, so a replay, or a sync after a
lost answer, asks for the very same draw. Qualification values (mobile, card number, open id) and ID
numbers are personal data: the ledger keeps them only sealed by the adapter (encrypted with the tenant's
key, so the draw can be replayed), shows them masked, and compares requests by a digest of the sealed form.

A draw whose answer was lost (UNKNOWN) is settled by sending it again only where the tenant's settings say
UnionPay replays a transNumber; otherwise syncReward hands it to a person (NEEDS_ATTENTION) and sends
nothing, since a second draw could use a second qualification. A refusal is FAILED either way; one that
may pass later keeps `retryable` in the details, for the API to say so (the client tries again under a new
idempotency key: nothing was drawn).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import FINAL_STATUSES, AccountKind, RewardKind, RewardStatus, TransferState
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write, run_write
from ledger.ports import Accepted, Outcome, ProviderNotConfigured, Rejected, RewardSnapshot, Unknown, provider_for
from ledger.services.accounts import member_wallet, named_account
from ledger.services.rewards import change_status, check_member_id
from ledger.services.transfers import create_transfer

PROVIDER = "unionpay"
QUAL_TYPES = {"OPEN_ID", "MOBILE", "CARD_NO"}
RED_PACKET_AWARD = "06"  # value in fen
MALL_COUPON_AWARD = "07"  # value is a count of COUPON:<extAcctId>
_CODE = re.compile(r"^[A-Za-z0-9_\-]{1,64}\Z")


@dataclass(frozen=True)
class DrawRequest:
    activity_number: str
    qual_num: str
    qual_type: str
    qual_value: str
    member_id: str
    order_amount_fen: int | None = None
    cert_id: str | None = None
    ic_terminal: str | None = None
    qr_code: str | None = None


class DrawGateway(Protocol):
    @property
    def replays_same_trans_number(self) -> bool: ...

    def seal(self, value: str) -> str: ...

    async def draw(self, order: Any) -> Outcome: ...

    async def query_status(self, reward: RewardSnapshot) -> Outcome: ...


def trans_number_for(tenant_id: int, idempotency_key: str) -> str:
    """≤ 32 letters and digits, the same for every replay of one key."""
    return "RL" + hashlib.sha256(f"{tenant_id}:{idempotency_key}".encode()).hexdigest()[:30]


def mask(value: str) -> str:
    """Shows enough to recognise a value, never enough to use it: the first 3 and last 2 characters."""
    return value[:3] + "*" * max(4, len(value) - 5) + value[-2:] if len(value) > 6 else "*" * len(value)


def _check(request: DrawRequest) -> None:
    check_member_id(request.member_id)
    if request.qual_type not in QUAL_TYPES:
        raise LedgerError(ErrorCode.INVALID_INPUT, "qualType must be OPEN_ID, MOBILE or CARD_NO", field="qualType")
    for name in ("activity_number", "qual_num"):
        if not _CODE.match(getattr(request, name) or ""):
            raise LedgerError(ErrorCode.INVALID_INPUT, "1-64 letters, digits, '_' or '-'",
                              field="activityNumber" if name == "activity_number" else "qualNum")
    if not request.qual_value or len(request.qual_value) > 128 or not request.qual_value.isprintable():
        raise LedgerError(ErrorCode.INVALID_INPUT, "1-128 printable characters", field="qualValue")
    if request.order_amount_fen is not None and not 0 <= request.order_amount_fen <= 10**12:
        raise LedgerError(ErrorCode.INVALID_AMOUNT, "orderAmount must be 0 or more", field="orderAmount")
    for name, field in (("cert_id", "certId"), ("ic_terminal", "icTerminal"), ("qr_code", "qrCode")):
        value = getattr(request, name)
        if value is not None and (not value or len(value) > 256 or not value.isprintable()):
            raise LedgerError(ErrorCode.INVALID_INPUT, "1-256 printable characters", field=field)


async def _gateway(tenant_id: int) -> DrawGateway:
    try:
        return await provider_for(tenant_id, PROVIDER)  # type: ignore[no-any-return]
    except ProviderNotConfigured as exc:
        raise LedgerError(ErrorCode.PROVIDER_NOT_CONFIGURED, "UnionPay is not configured for this tenant") from exc


async def draw_lottery(tenant_id: int, request: DrawRequest, idempotency_key: str, make_order: Any) -> Reward:
    """`make_order(trans_number, request)` builds the adapter's order (the composition root knows its type)."""
    _check(request)
    gateway = await _gateway(tenant_id)
    trans_number = trans_number_for(tenant_id, idempotency_key)
    sealed = {**asdict(request), "qual_value": gateway.seal(request.qual_value),
              "cert_id": gateway.seal(request.cert_id) if request.cert_id else None, "trans_number": trans_number}
    fingerprint = {**sealed, "qual_value": hashlib.sha256(sealed["qual_value"].encode()).hexdigest(),
                   "cert_id": hashlib.sha256(sealed["cert_id"].encode()).hexdigest() if sealed["cert_id"] else None}

    async def record(uow: UnitOfWork) -> tuple[dict, tuple[Reward, bool]]:
        reward = await Reward.create(
            tenant_id=tenant_id, kind=RewardKind.DRAW, status=RewardStatus.PENDING, provider=PROVIDER,
            member_id=request.member_id, asset="CNY", amount=0, provider_refs={"transNumber": trans_number},
            details={"activityNumber": request.activity_number, "qualType": request.qual_type,
                     "qualValueMasked": mask(request.qual_value), "sealedRequest": sealed},
        )
        uow.emit("reward.created", reward_id=reward.id, member_id=request.member_id,
                 data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
        return {"reward_id": reward.id}, (reward, True)

    async def replay(reference: dict) -> tuple[Reward, bool]:
        return await Reward.get(id=reference["reward_id"]), False

    reward, created = await run_idempotent_write(tenant_id, operation="drawLottery", key=idempotency_key,
                                                 request=fingerprint, work=record, replay=replay)
    if not created:
        return reward
    return await record_outcome(tenant_id, reward.id, await gateway.draw(make_order(trans_number, request)))


async def record_outcome(tenant_id: int, reward_id: int, outcome: Outcome) -> Reward:
    """Records UnionPay's answer. A reward handed to a person (NEEDS_ATTENTION) still takes a definite one
    (the draw's own answer arriving late is the truth about its transNumber); nothing moves a settled one."""

    async def work(uow: UnitOfWork) -> Reward:
        reward = await Reward.get(id=reward_id)
        if reward.status in FINAL_STATUSES or reward.status is RewardStatus.ISSUED:
            return reward
        if isinstance(outcome, Accepted) and outcome.status is RewardStatus.ISSUED:
            await _pay(uow, reward, outcome)
        elif isinstance(outcome, Accepted):
            await change_status(uow, reward, RewardStatus.NOT_WON, "no award")
        elif isinstance(outcome, Rejected):
            reward.details = {**reward.details, "code": outcome.code, "message": outcome.message,
                              "retryable": outcome.retryable}
            await reward.save(update_fields=["details"])
            await change_status(uow, reward, outcome.status, f"unionpay {outcome.code}")
        elif isinstance(outcome, Unknown) and reward.status is RewardStatus.PENDING:
            await change_status(uow, reward, RewardStatus.UNKNOWN, outcome.reason)
        return reward

    return await run_write(tenant_id, work)


async def _pay(uow: UnitOfWork, reward: Reward, outcome: Accepted) -> None:
    award_type = str(outcome.details.get("awardType"))
    amount = int(outcome.amount or 0)
    if award_type == MALL_COUPON_AWARD:
        asset = f"COUPON:{outcome.details.get('extAcctId')}"
    elif award_type == RED_PACKET_AWARD:
        asset = "CNY"
    else:
        await change_status(uow, reward, RewardStatus.NEEDS_ATTENTION, f"unknown award type {award_type}")
        return
    reward.asset, reward.amount = asset, amount
    reward.details = {**reward.details, "award": outcome.details}
    reward.provider_refs = {**reward.provider_refs, **{k: v for k, v in outcome.refs.items() if v}}
    await reward.save(update_fields=["asset", "amount", "details", "provider_refs"])
    if amount > 0 and not await Transfer.exists(reward_id=reward.id, state=TransferState.POSTED):
        pool = await named_account(reward.tenant_id, AccountKind.PROVIDER_CLEARING, asset,  # type: ignore[attr-defined]
                                   f"{PROVIDER}:{reward.details['activityNumber']}")
        wallet = await member_wallet(reward.tenant_id, reward.member_id, asset)  # type: ignore[attr-defined]
        await create_transfer(uow, debit=pool, credit=wallet, amount=amount, reward_id=reward.id,
                              member_id=reward.member_id)
    await change_status(uow, reward, RewardStatus.ISSUED, "awarded")


NOT_REPLAYED = ("UnionPay's answer to this draw was lost, and the tenant's replaySameTransNumber is off: "
                "sending it again could draw a second time. Ask UnionPay what transNumber {trans} drew, then "
                "settle the reward by hand.")


async def sync_draw_reward(tenant_id: int, reward: Reward) -> Reward:
    """Sends the same transNumber again where UnionPay replays it (the original draw comes back, or the draw
    is made now if the first never arrived); elsewhere hands the reward to a person and sends nothing."""
    if reward.status not in (RewardStatus.PENDING, RewardStatus.UNKNOWN):
        return reward
    gateway = await _gateway(tenant_id)
    if not gateway.replays_same_trans_number:
        return await _hand_to_a_person(tenant_id, reward.id, NOT_REPLAYED.format(
            trans=reward.provider_refs.get("transNumber")))
    snapshot = RewardSnapshot(id=reward.id, tenant_id=tenant_id, member_id=reward.member_id, amount=reward.amount,
                              asset=reward.asset, provider_refs=reward.provider_refs, details=reward.details)
    return await record_outcome(tenant_id, reward.id, await gateway.query_status(snapshot))


async def _hand_to_a_person(tenant_id: int, reward_id: int, reason: str) -> Reward:
    async def work(uow: UnitOfWork) -> Reward:
        reward = await Reward.filter(id=reward_id).select_for_update().get()
        if reward.status not in (RewardStatus.PENDING, RewardStatus.UNKNOWN):
            return reward  # settled meanwhile
        reward.attention_reason = reason
        reward.details = {**reward.details, "attentionReason": reason}
        await reward.save(update_fields=["attention_reason", "details"])
        await change_status(uow, reward, RewardStatus.NEEDS_ATTENTION, reason)
        return reward

    return await run_write(tenant_id, work)
