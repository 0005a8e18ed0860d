"""Issuing coupons through a provider (Allinpay's couponSend): the ledger's side.

Coupon templates are assets (`COUPON:<template>`), and a campaign of that asset holds the stock. Issuing
`num` coupons holds them on the campaign's budget before the provider is called; the provider's answer
posts the hold into the member's wallet (or, with no member, into the unassigned-QR account) or voids it.
The provider's `orderId` is derived from the idempotency key, so a replay, or a sync after a lost answer,
sends the very same order, which the provider answers with its original result.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import FINAL_STATUSES, AccountKind, RewardKind, RewardStatus, TransferState
from ledger.persistence.coupon_models import IssuedCoupon
from ledger.persistence.models import Account, Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write, run_write
from ledger.ports import Accepted, Outcome, ProviderNotConfigured, Rejected, RewardSnapshot, Unknown, provider_for
from ledger.services import coupon_member_accounts as member_accounts
from ledger.services.accounts import member_wallet, named_account
from ledger.services.campaigns import find_campaign
from ledger.services.rewards import change_status, check_member_id
from ledger.services.transfers import create_transfer, resolve_pending

PROVIDER = "allinpay"
MAX_COUPONS = 1000
EXTERNAL_ID = "5"  # the provider's idType for "an external (our) member id"
ID_TYPES = {"1", "2", "3", "5"}  # mobile, member card, openid, external id
UNASSIGNED_QR_OWNER = f"{PROVIDER}:unassigned-qr"


@dataclass(frozen=True)
class CouponOrder:
    """What the provider is asked for; the adapter turns it into its wire format."""

    order_id: str
    coupon_template_id: str
    num: int
    coupon_type: str  # "1" electronic, "2" paper
    oper_user_id: str
    shop_id: str | None = None
    shop_code: str | None = None
    id_type: str | None = None
    member_account: str | None = None
    source_type: str | None = None
    source_value: str | None = None
    remark: str | None = None


class CouponGateway(Protocol):
    def seal(self, value: str) -> str: ...

    def unseal(self, sealed: str) -> str: ...

    async def issue(self, order: CouponOrder) -> Outcome: ...

    async def query_status(self, reward: RewardSnapshot) -> Outcome: ...


@dataclass(frozen=True)
class CouponRequest:
    campaign_id: int
    coupon_template_id: str
    num: int
    coupon_type: str
    oper_user_id: str
    member_id: str | None
    shop_id: str | None = None
    shop_code: str | None = None
    id_type: str | None = None
    provider_member_account: str | None = None
    source_type: str | None = None
    source_value: str | None = None
    remark: str | None = None


def order_id_for(tenant_id: int, idempotency_key: str) -> str:
    """≤ 32 letters and digits, the same for every replay of one key."""
    return "RL" + hashlib.sha256(f"{tenant_id}:{idempotency_key}".encode()).hexdigest()[:30]


def _check(request: CouponRequest) -> None:
    if not 1 <= request.num <= MAX_COUPONS:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"num must be 1-{MAX_COUPONS}", field="num")
    if not (request.shop_id or request.shop_code):
        raise LedgerError(ErrorCode.INVALID_INPUT, "give shopId or shopCode", field="shopId")
    if request.id_type is not None and request.id_type not in ID_TYPES:
        raise LedgerError(ErrorCode.INVALID_INPUT, "idType must be 1, 2, 3 or 5", field="idType")
    if (request.id_type is None) != (request.provider_member_account is None):
        raise LedgerError(ErrorCode.INVALID_INPUT, "idType and providerMemberAccount go together",
                          field="providerMemberAccount" if request.id_type else "idType")
    if request.id_type and not request.member_id:
        raise LedgerError(ErrorCode.INVALID_INPUT, "a coupon for a provider account needs the memberId that "
                          "owns it in the ledger", field="memberId")
    if request.source_type is not None and not request.source_value:
        raise LedgerError(ErrorCode.INVALID_INPUT, "sourceType needs sourceValue", field="sourceValue")
    if request.member_id is not None:
        check_member_id(request.member_id)
    for name in ("coupon_template_id", "oper_user_id"):
        value = getattr(request, name)
        if not value or len(value) > 64:
            raise LedgerError(ErrorCode.INVALID_INPUT, "1-64 characters", field=_camel(name))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _order(tenant_id: int, key: str, request: CouponRequest) -> CouponOrder:
    id_type, account = request.id_type, request.provider_member_account
    if id_type is None and request.member_id:
        id_type, account = EXTERNAL_ID, request.member_id  # the member is known to the provider by our id
    return CouponOrder(
        order_id=order_id_for(tenant_id, key), coupon_template_id=request.coupon_template_id, num=request.num,
        coupon_type=request.coupon_type, oper_user_id=request.oper_user_id, shop_id=request.shop_id,
        shop_code=None if request.shop_id else request.shop_code, id_type=id_type, member_account=account,
        source_type=request.source_type, source_value=request.source_value, remark=request.remark,
    )


async def _gateway(tenant_id: int) -> CouponGateway:
    try:
        return await provider_for(tenant_id, PROVIDER)  # type: ignore[no-any-return]
    except ProviderNotConfigured as exc:
        raise LedgerError(ErrorCode.PROVIDER_NOT_CONFIGURED, "Allinpay is not configured for this tenant") from exc


async def issue_coupons(tenant_id: int, request: CouponRequest, idempotency_key: str) -> Reward:
    _check(request)
    gateway = await _gateway(tenant_id)
    order = _order(tenant_id, idempotency_key, request)
    details = member_accounts.kept_details(asdict(order), gateway)  # a mobile number only sealed and masked

    async def record(uow: UnitOfWork) -> tuple[dict, tuple[Reward, bool]]:
        reward = await _record_request(uow, tenant_id, request, order, details)
        return {"reward_id": reward.id}, (reward, True)

    async def replay(reference: dict) -> tuple[Reward, bool]:
        return await Reward.get(id=reference["reward_id"]), False

    reward, created = await run_idempotent_write(
        tenant_id, operation="issueCoupons", key=idempotency_key,
        request=member_accounts.compared_request(asdict(request), details), work=record, replay=replay)
    if not created:
        return reward
    return await record_outcome(tenant_id, reward.id, member_accounts.redacted(await gateway.issue(order),
                                                                               asdict(order)))


async def _record_request(uow: UnitOfWork, tenant_id: int, request: CouponRequest, order: CouponOrder,
                          details: dict[str, Any]) -> Reward:
    campaign = await find_campaign(tenant_id, request.campaign_id)
    asset = f"COUPON:{request.coupon_template_id}"
    if campaign.asset != asset:
        raise LedgerError(ErrorCode.ASSET_MISMATCH, f"the campaign holds {campaign.asset}, not {asset}",
                          field="couponTemplateId")
    budget = await Account.get(id=campaign.budget_account_id)  # type: ignore[attr-defined]
    target = await (member_wallet(tenant_id, request.member_id, asset) if request.member_id
                    else named_account(tenant_id, AccountKind.PROVIDER_CLEARING, asset, UNASSIGNED_QR_OWNER))
    reward = await Reward.create(
        tenant_id=tenant_id, kind=RewardKind.COUPON, status=RewardStatus.PENDING, provider=PROVIDER,
        campaign_id=campaign.id, member_id=request.member_id or "", asset=asset, amount=request.num,
        provider_refs={"orderId": order.order_id}, details=details,
    )
    uow.emit("reward.created", reward_id=reward.id, campaign_id=campaign.id, member_id=request.member_id,
             data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
    await create_transfer(uow, debit=budget, credit=target, amount=request.num, pending=True, reward_id=reward.id,
                          member_id=request.member_id)
    return reward


async def record_outcome(tenant_id: int, reward_id: int, outcome: Outcome) -> Reward:
    """Posts or voids the hold once; a reward already settled keeps its first answer."""

    async def work(uow: UnitOfWork) -> Reward:
        reward = await Reward.get(id=reward_id)
        if reward.status in FINAL_STATUSES or reward.status is RewardStatus.ISSUED:
            return reward
        hold = await Transfer.get_or_none(reward_id=reward.id, state=TransferState.PENDING)
        if isinstance(outcome, Accepted) and hold is not None:
            await resolve_pending(uow, hold, post_amount=hold.amount, member_id=reward.member_id or None)
            await _keep_coupons(reward, outcome)
            await change_status(uow, reward, RewardStatus.ISSUED, "issued")
        elif isinstance(outcome, Rejected) and hold is not None:
            await resolve_pending(uow, hold, post_amount=None, member_id=reward.member_id or None)
            reward.details = {**reward.details, "code": outcome.code, "message": outcome.message}
            await reward.save(update_fields=["details"])
            await change_status(uow, reward, RewardStatus.FAILED, f"provider {outcome.code}")
        elif isinstance(outcome, Unknown) and reward.status is not RewardStatus.UNKNOWN:
            await change_status(uow, reward, RewardStatus.UNKNOWN, outcome.reason)
        return reward

    return await run_write(tenant_id, work)


async def _keep_coupons(reward: Reward, outcome: Accepted) -> None:
    coupons: list[dict[str, Any]] = list(outcome.details.get("coupons") or [])
    template = reward.asset.partition(":")[2]
    await IssuedCoupon.bulk_create([
        IssuedCoupon(tenant_id=reward.tenant_id, reward_id=reward.id, provider=PROVIDER,  # type: ignore[attr-defined]
                     coupon_template_id=template, member_id=reward.member_id or None,
                     coupon_no=c.get("couponNo"), qr_code_context=c.get("qrCodeContext"))
        for c in coupons
    ])
    reward.provider_refs = {**reward.provider_refs, **{k: v for k, v in outcome.refs.items() if v}}
    reward.details = {**reward.details, "tranDateTime": outcome.details.get("tranDateTime")}
    await reward.save(update_fields=["provider_refs", "details"])


async def sync_coupon_reward(tenant_id: int, reward: Reward) -> Reward:
    """Asks the provider about the reward's order (it sends the stored order again: the provider answers a
    repeated orderId with its original result). Not `issue`: a resend's refusal before processing says
    nothing about the first send, and only the adapter's query flow knows it is a resend."""
    if reward.status not in (RewardStatus.PENDING, RewardStatus.UNKNOWN):
        return reward
    gateway = await _gateway(tenant_id)
    try:
        details = member_accounts.details_to_resend(reward.details, gateway)
    except ValueError:  # sealed under a private key the tenant has since replaced: only a person can settle it
        return await record_outcome(tenant_id, reward.id, Unknown(
            "the order's sealed member account cannot be read with the tenant's current Allinpay key"))
    snapshot = RewardSnapshot(id=reward.id, tenant_id=tenant_id, member_id=reward.member_id, amount=reward.amount,
                              asset=reward.asset, provider_refs=reward.provider_refs, details=details)
    outcome = member_accounts.redacted(await gateway.query_status(snapshot), details[member_accounts.ORDER])
    return await record_outcome(tenant_id, reward.id, outcome)
