"""The Allinpay adapter: signed couponSend calls, and settling a lost answer by sending the order again.

The order's `orderId` is its idempotency key at the gateway (PROTOCOLS.md §2): the same orderId with the
same bizContent is answered with the original result and issues nothing more, the same orderId with other
content is refused. So there is no separate query flow; `query_status` re-sends the stored order.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

import httpx

from ledger.ports import NeverSent, Outcome, RewardSnapshot, Unknown
from providers.allinpay.member_accounts import member_account_sealer
from providers.allinpay.outcomes import coupon_outcome
from providers.allinpay.settings import PROVIDER, AllinpaySettings
from providers.allinpay.wire import parse_response, request_form
from providers.http import ProviderHttp, ProviderTransportError, TransportFailure

MAX_NOT_SENT_RETRIES = 2
RETRY_BACKOFF_S = 0.2
SEND_FLOW = "couponSend"
RESEND_FLOW = "couponSend.resend"

# CouponSendRequest field -> the seed's bizContent name.
_BIZ_NAMES = {
    "order_id": "orderId",
    "coupon_template_id": "couponTemplateId",
    "num": "num",
    "coupon_type": "couponType",
    "oper_user_id": "operUserId",
    "shop_id": "shopId",
    "shop_code": "shopCode",
    "id_type": "idType",
    "member_account": "memberId",
    "source_type": "sourceType",
    "source_value": "sourceValue",
    "remark": "remark",
}


@dataclass(frozen=True)
class CouponSendRequest:
    """One couponSend order. `coupon_type` is "1" (electronic) or "2" (paper); `id_type` names what
    `member_account` is ("1" mobile, "2" member card, "3" openid, "5" external id). Values are passed as
    given: the gateway is the judge of them, and answers code 3 with its reason."""

    order_id: str
    coupon_template_id: str
    num: int
    coupon_type: str
    oper_user_id: str
    shop_id: str | None = None
    shop_code: str | None = None
    id_type: str | None = None
    member_account: str | None = None
    source_type: str | None = None
    source_value: str | None = None
    remark: str | None = None

    def biz_content(self) -> dict[str, str]:
        """The business parameters under the seed's names, every value a string (the seed types `num` as
        String), unset ones left out."""
        return {_BIZ_NAMES[name]: str(value) for name, value in asdict(self).items() if value is not None}

    @classmethod
    def from_fields(cls, order: Any) -> CouponSendRequest:
        """The request for any object with these field names (the ledger's own order type, say)."""
        if isinstance(order, cls):
            return order
        return cls(**{item.name: getattr(order, item.name) for item in fields(cls)})

    def __repr__(self) -> str:
        # The member account is personal data (a mobile number, say): keep it out of logs and tracebacks.
        return (f"CouponSendRequest(order_id={self.order_id!r}, coupon_template_id={self.coupon_template_id!r}, "
                f"num={self.num!r}, coupon_type={self.coupon_type!r}, has_member={self.member_account is not None})")


class AllinpayClient:
    name = PROVIDER

    def __init__(self, tenant_id: int, settings: AllinpaySettings, http: httpx.AsyncClient) -> None:
        self.tenant_id = tenant_id
        self.settings = settings
        self._http = ProviderHttp(PROVIDER, http, settings.timeouts)

    async def send_coupons(self, request: CouponSendRequest) -> Outcome:
        """Issues the order's coupons. Keep `request.biz_content()` with the reward (as
        `details["request"]`): `query_status` needs it to settle an Unknown outcome."""
        return await self._send(SEND_FLOW, request.biz_content(), request.order_id, request.num)

    async def issue(self, order: Any) -> Outcome:
        """The port's `issue` flow (DESIGN.md §4): `send_coupons` for an object with CouponSendRequest's fields."""
        return await self.send_coupons(CouponSendRequest.from_fields(order))

    def seal(self, value: str) -> str:
        """A member account (a mobile number, say) as the ledger may keep it (allinpay/member_accounts.py)."""
        return member_account_sealer(self.settings.private_key_pem).seal(value)

    def unseal(self, sealed: str) -> str:
        """The inverse of `seal`; ValueError if it was sealed under another private key."""
        return member_account_sealer(self.settings.private_key_pem).unseal(sealed)

    async def query_status(self, reward: RewardSnapshot) -> Outcome:
        """Settles a reward by sending its order again, unchanged.

        The gateway has no query method for couponSend that we know of; instead it answers a repeated
        orderId with identical bizContent with the original result (the same tranNo and coupons) and
        issues nothing more. So re-sending the bizContent stored in `reward.details["request"]` tells
        whether the first send was issued, refused or never arrived (then this send issues it, exactly
        once); a resend refused before the gateway read it says nothing of the first and is Unknown. The
        stored order may also be `asdict()` of the CouponSendRequest (or of an order with its fields). A
        stored order that is missing or unreadable is Unknown: sending anything else would be a different
        order."""
        biz = _stored_order(reward.details.get("request"))
        if biz is None:
            return Unknown("the reward has no stored couponSend order to re-send")
        num = biz["num"]
        if not (num.isascii() and num.isdigit()):
            return Unknown("the stored couponSend order has no readable num")
        return await self._send(RESEND_FLOW, biz, biz["orderId"], int(num))

    async def _send(self, flow: str, biz: dict[str, str], order_id: str, num: int) -> Outcome:
        for attempt in range(MAX_NOT_SENT_RETRIES + 1):
            # Signed afresh each attempt: the timestamp must stay inside the gateway's window.
            form = request_form(self.settings, biz, datetime.now(UTC))
            try:
                response = await self._http.post_form(flow, self.settings.base_url, form)
            except ProviderTransportError as exc:
                # A request that never left cannot have issued anything; one that may have arrived is left
                # for query_status, which repeats it under the same orderId. A refused TLS certificate
                # would be refused again: a first send ends there; a resend says nothing of the first.
                if exc.tls_refused and flow == SEND_FLOW:
                    return NeverSent.because(f"{flow}: {exc.reason}")
                if exc.failure is TransportFailure.NOT_SENT and not exc.tls_refused and attempt < MAX_NOT_SENT_RETRIES:
                    await asyncio.sleep(RETRY_BACKOFF_S * (attempt + 1))
                    continue
                return Unknown(f"{flow}: {exc.failure.value} ({exc.reason})")
            answer = parse_response(response.status_code, response.content, self.settings)
            if answer is None:
                self._http.log_outcome(flow, f"unverifiable http {response.status_code}")
                return Unknown(f"{flow}: no verifiable gateway answer (HTTP {response.status_code})")
            # Only the code is logged: msg may quote the order's member account.
            self._http.log_outcome(flow, f"code {answer.code}")
            return coupon_outcome(answer, order_id, num, resend=flow == RESEND_FLOW,
                                  refused_before_processing=self.settings.refused_before_processing_codes)
        raise AssertionError("unreachable")


def _stored_order(value: Any) -> dict[str, str] | None:
    """The bizContent to send again, from what the caller stored: the bizContent itself, or the request's
    fields. Either is used only if it is exactly what the first send was made from, because different
    content would be refused as a duplicate orderId."""
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        return None
    if "order_id" in value:
        return _biz_from_request_fields(value)
    if not all(isinstance(item, str) for item in value.values()) or not value.get("orderId") or "num" not in value:
        return None
    return dict(value)


def _biz_from_request_fields(value: dict[str, Any]) -> dict[str, str] | None:
    """`asdict()` of a CouponSendRequest back into its bizContent, if every field has the type it had."""
    known = {item.name for item in fields(CouponSendRequest)}
    num = value.get("num")
    if not set(value) <= known or not isinstance(num, int) or isinstance(num, bool):
        return None
    for name in known - {"num"}:
        item = value.get(name)
        required = name in _REQUIRED_TEXT
        if not (isinstance(item, str) and (item or not required)) and not (item is None and not required):
            return None
    return CouponSendRequest(**value).biz_content()


_REQUIRED_TEXT = frozenset({"order_id", "coupon_template_id", "coupon_type", "oper_user_id"})
