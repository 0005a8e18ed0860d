"""GraphQL for draws: UnionPay draws by qualification. (Randou's results arrive by webhook, api/webhooks.py.)"""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.context import Info, require_role
from api.errors import ApiErrorCode, UserError
from api.mutations import attempt
from api.provider_refusals import unionpay_refusal
from api.scalars import MinorUnits
from api.types.money import Money
from api.types.nodes import Reward
from ledger.domain.access import Role
from ledger.domain.statuses import RewardStatus
from ledger.persistence import models
from ledger.ports import NEVER_SENT
from ledger.services import unionpay_draws
from providers.unionpay.client import DrawOrder


@strawberry.enum(description="What a qualification value is: an open id, a mobile number or a card number.")
class QualType(StrEnum):
    OPEN_ID = "OPEN_ID"
    MOBILE = "MOBILE"
    CARD_NO = "CARD_NO"


@strawberry.type(description="What a draw won: 06 a red packet in fen, 07 a mall coupon counted in units.")
class DrawAward:
    award_type: str
    award_name: str | None
    value: Money
    valid_from: str | None
    valid_to: str | None
    goods_url: str | None
    description: str | None


@strawberry.input
class DrawLotteryInput:
    activity_number: str
    qual_num: str
    qual_value: str = strawberry.field(description="Personal data: sent encrypted, stored sealed, shown masked.")
    member_id: str
    idempotency_key: str
    qual_type: QualType = QualType.OPEN_ID
    order_amount: MinorUnits | None = None
    cert_id: str | None = None
    ic_terminal: str | None = None
    qr_code: str | None = None


@strawberry.type
class DrawLotteryPayload:
    reward: Reward | None
    award: DrawAward | None
    user_errors: list[UserError]


def award_of(reward: models.Reward) -> DrawAward | None:
    award: dict[str, Any] = reward.details.get("award") or {}
    if reward.status is not RewardStatus.ISSUED or not award:
        return None
    return DrawAward(award_type=str(award.get("awardType")), award_name=award.get("awardName"),
                     value=Money.of(reward.amount, reward.asset), valid_from=award.get("couponStartDate"),
                     valid_to=award.get("couponEndDate"), goods_url=award.get("goodsUrl"),
                     description=award.get("description"))


def retryable_refusal(reward: models.Reward) -> UserError:
    """A refusal made before anything was drawn that may pass later (a stale timestamp, an expired token).
    As a payments connector treats a retryable decline, the attempt is final (FAILED: nothing drawn, nothing
    paid) and the client tries again under a new idempotencyKey; the same key replays this answer."""
    refusal = unionpay_refusal(reward.details.get("code"), reward.details.get("message"))
    return UserError(field=None, code=ApiErrorCode.PROVIDER_UNAVAILABLE.value,
                     message=f"{refusal.message()}; nothing was drawn: try again with a new idempotencyKey",
                     details=JSON(refusal.details()))


@strawberry.type
class DrawMutation:
    @strawberry.mutation(description="Operator: draw by qualification at UnionPay (qual.reduce) for a member.")
    async def draw_lottery(self, info: Info, input: DrawLotteryInput) -> DrawLotteryPayload:
        principal = require_role(info, Role.OPERATOR, "draw")
        request = unionpay_draws.DrawRequest(
            activity_number=input.activity_number, qual_num=input.qual_num, qual_type=input.qual_type.value,
            qual_value=input.qual_value, member_id=input.member_id, order_amount_fen=input.order_amount,
            cert_id=input.cert_id, ic_terminal=input.ic_terminal, qr_code=input.qr_code)
        reward, errors = await attempt(unionpay_draws.draw_lottery(
            principal.tenant_id, request, input.idempotency_key,
            lambda trans_number, r: DrawOrder(trans_number=trans_number, **asdict(r))))
        if reward is None:
            return DrawLotteryPayload(reward=None, award=None, user_errors=errors)
        if reward.status is RewardStatus.FAILED and reward.details.get("code") == NEVER_SENT:
            errors = [UserError.never_sent("UnionPay", str(reward.details.get("message")))]
        elif reward.status is RewardStatus.FAILED and reward.details.get("retryable"):
            errors = [retryable_refusal(reward)]
        elif reward.status is RewardStatus.FAILED:
            errors = [unionpay_refusal(reward.details.get("code"), reward.details.get("message")).user_error()]
        return DrawLotteryPayload(reward=Reward.from_row(reward), award=award_of(reward), user_errors=errors)
