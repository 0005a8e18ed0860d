"""GraphQL for issuing coupons through a provider, and reading the coupons issued."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry
from tortoise.queryset import QuerySet

from api.context import Info, principal_of, require_role
from api.errors import UserError
from api.ids import decode_id_of, encode_id
from api.mutations import attempt, require_id
from api.provider_refusals import allinpay_refusal
from api.types.connections import Connection, connection_of, cursor_position, page_size
from api.types.nodes import Reward
from ledger.domain.access import Principal, Role
from ledger.persistence import models
from ledger.persistence.coupon_models import IssuedCoupon
from ledger.ports import NEVER_SENT
from ledger.services import coupons
from ledger.services.reads import paginate


@strawberry.enum(description="The provider's couponType: 1 electronic, 2 paper.")
class CouponType(StrEnum):
    ELECTRONIC = "1"
    PAPER = "2"


@strawberry.type(description="One coupon a provider issued: a number for a member, or a QR code's content.")
class Coupon:
    id: strawberry.ID
    coupon_template_id: str
    coupon_no: str | None
    qr_code_context: str | None
    member_id: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: IssuedCoupon) -> Coupon:
        return cls(id=strawberry.ID(encode_id("Coupon", row.id)), coupon_template_id=row.coupon_template_id,
                   coupon_no=row.coupon_no, qr_code_context=row.qr_code_context, member_id=row.member_id,
                   created_at=row.created_at)


@strawberry.input
class IssueCouponsInput:
    campaign_id: strawberry.ID
    coupon_template_id: str
    num: int
    oper_user_id: str
    idempotency_key: str
    coupon_type: CouponType = CouponType.ELECTRONIC
    shop_id: str | None = strawberry.field(default=None, description=(
        "The issuing shop's ID. One of shopId or shopCode is required (shopId wins when both are given); "
        "without either the answer is the user error INVALID_INPUT."))
    shop_code: str | None = strawberry.field(default=None, description=(
        "The issuing shop's code. One of shopId or shopCode is required; without either the answer is the "
        "user error INVALID_INPUT."))
    member_id: str | None = strawberry.field(default=None, description=(
        "Owns the ledger wallet; sent to the provider as the external ID (idType 5) unless idType and "
        "providerMemberAccount say otherwise. Without it the coupons are QR codes."))
    id_type: str | None = strawberry.field(default=None, description="1 mobile, 2 member card, 3 openid, 5 external")
    provider_member_account: str | None = None
    source_type: str | None = None
    source_value: str | None = None
    remark: str | None = None


@strawberry.type
class IssueCouponsPayload:
    reward: Reward | None
    coupons: list[Coupon]
    user_errors: list[UserError]


@strawberry.input
class CouponFilter:
    member_id: str | None = None
    coupon_template_id: str | None = None
    reward_id: strawberry.ID | None = None


def _coupons(principal: Principal) -> QuerySet[IssuedCoupon]:
    query = IssuedCoupon.filter(tenant_id=principal.tenant_id)
    return query.filter(member_id=principal.member_id) if principal.is_member else query


@strawberry.type
class CouponQuery:
    @strawberry.field(description="Coupons issued to members or as QR codes, oldest first.")
    async def coupons(self, info: Info, first: int | None = None, after: str | None = None,
                      filter: CouponFilter | None = None) -> Connection[Coupon]:
        principal = principal_of(info)
        f = filter or CouponFilter()
        query = _coupons(principal)
        if f.member_id is not None:
            query = query.filter(member_id=f.member_id[:64])
        if f.coupon_template_id is not None:
            query = query.filter(coupon_template_id=f.coupon_template_id[:64])
        if f.reward_id is not None:
            query = query.filter(reward_id=decode_id_of("Reward", f.reward_id) or 0)
        page = await paginate(query, first=page_size(first), after=cursor_position(after))
        return connection_of(page, Coupon.from_row, lambda row: row.id)


@strawberry.type
class CouponMutation:
    @strawberry.mutation(description="Operator: issue `num` coupons of a template from a campaign holding "
                         "that template's stock, through Allinpay. Needs `shopId` or `shopCode` (one of the two; "
                         "without either the answer is the user error INVALID_INPUT).")
    async def issue_coupons(self, info: Info, input: IssueCouponsInput) -> IssueCouponsPayload:
        principal = require_role(info, Role.OPERATOR, "issue coupons")

        async def run() -> models.Reward:
            request = coupons.CouponRequest(
                campaign_id=require_id("Campaign", "campaignId", input.campaign_id),
                coupon_template_id=input.coupon_template_id, num=input.num, coupon_type=input.coupon_type.value,
                oper_user_id=input.oper_user_id, member_id=input.member_id, shop_id=input.shop_id,
                shop_code=input.shop_code, id_type=input.id_type,
                provider_member_account=input.provider_member_account, source_type=input.source_type,
                source_value=input.source_value, remark=input.remark)
            return await coupons.issue_coupons(principal.tenant_id, request, input.idempotency_key)

        reward, errors = await attempt(run())
        if reward is None:
            return IssueCouponsPayload(reward=None, coupons=[], user_errors=errors)
        issued = await IssuedCoupon.filter(reward_id=reward.id).order_by("id")
        if reward.status.value == "FAILED" and reward.details.get("code") == NEVER_SENT:
            errors = [UserError.never_sent("Allinpay", str(reward.details.get("message")))]
        elif reward.status.value == "FAILED":
            errors = [allinpay_refusal(reward.details.get("code"), reward.details.get("message")).user_error()]
        return IssueCouponsPayload(reward=Reward.from_row(reward), coupons=[Coupon.from_row(c) for c in issued],
                                   user_errors=errors)
