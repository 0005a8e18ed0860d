"""The sandbox's couponSend (seed 002): the seed's parameter rules, stock, coupons, and orderId repeats.

Refusals are code 3 with the reason in msg, as the seed describes. Rules the seed states: shopId or
shopCode is required; num is a positive integer; memberId is required when idType is given; sourceValue
when sourceType is. Rules that are ASSUMPTIONs (PROTOCOLS.md §2): memberId without idType is refused as a
bad pairing; a repeated orderId with the same bizContent gets the original answer and issues nothing, with
other content it is refused ("订单号重复"); only issued orders are remembered, so a refused order may be
sent again.

The answer's `list` follows the seed's sample: an electronic order to nobody in particular is ONE
entry, a QR code for the whole order (the sample: num 10, one entry). Numbered coupons (to a member, or
paper) are one entry each, with its couponNo (ASSUMPTION: the seed prints no such answer; PROTOCOLS.md §2
says one couponNo per coupon).
"""

from __future__ import annotations

import secrets
from typing import Any

from providers.allinpay import codes
from providers.allinpay.sandbox_envelope import Answer, refusal
from providers.allinpay.sandbox_state import Order, SandboxState
from providers.allinpay.times import BEIJING, local_date_time_array

REQUIRED = ("orderId", "couponTemplateId", "num", "couponType", "operUserId")
COUPON_TYPES = {"1": "electronic", "2": "paper"}
ID_TYPES = {"1": "mobile", "2": "member card", "3": "openid", "5": "external id"}
# ASSUMPTION: no published cap; this one keeps a careless test from filling the sandbox's memory.
MAX_COUPONS_PER_ORDER = 1000


class Refused(Exception):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


def coupon_send(state: SandboxState, biz: dict[str, Any]) -> Answer:
    try:
        return _coupon_send(state, biz)
    except Refused as refused:
        return refusal(codes.BUSINESS_FAILURE, refused.msg)


def answer_for(state: SandboxState, order: Order) -> Answer:
    """The answer to an order, first time or repeated: the same tranNo, time and list."""
    when: Any = local_date_time_array(order.issued_at)
    if state.tran_date_time_format == "string":
        when = order.issued_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    data = {"tranNo": order.tran_no, "shopName": None, "tranDateTime": when, "list": list(order.entries)}
    return Answer(code=codes.SUCCESS, msg=None, data=data)


def _coupon_send(state: SandboxState, biz: dict[str, Any]) -> Answer:
    for name in REQUIRED:
        _text(biz, name, required=True)
    order_id = _text(biz, "orderId")
    earlier = state.orders.get(order_id)
    if earlier is not None:
        if earlier.biz != biz:
            raise Refused(codes.DUPLICATE_ORDER_MSG)
        return answer_for(state, earlier)
    if not (_text(biz, "shopId") or _text(biz, "shopCode")):
        raise Refused("shopId和shopCode必输一项")
    num = _positive_count(biz.get("num"))
    coupon_type = _text(biz, "couponType")
    if coupon_type not in COUPON_TYPES:
        raise Refused("券类型错误: 1-电子券 2-纸质券")
    id_type, member_id = _member(biz)
    if _text(biz, "sourceType") and not _text(biz, "sourceValue"):
        raise Refused("sourceType存在时sourceValue必填")
    template = state.templates.get(_text(biz, "couponTemplateId"))
    if template is None:
        raise Refused("券模板不存在")
    if template.stock < num:
        raise Refused("券库存不足")
    template.stock -= num
    # The seed: a couponNo for a member target or a paper coupon, a QR code for an electronic coupon
    # sent to nobody in particular (one for the whole order, as in its sample answer).
    numbered = member_id is not None or coupon_type == "2"
    template_id: Any = int(template.template_id) if template.template_id.isdigit() else template.template_id
    entries = tuple(_coupon(state, template_id, template.coupon_name, numbered) for _ in range(num if numbered else 1))
    now = state.clock.now()
    order = Order(order_id=order_id, biz=dict(biz), tran_no=f"5080{now.astimezone(BEIJING):%Y%m%d}"
                  f"{state.next_serial():08d}", issued_at=now, template_id=template.template_id, num=num,
                  id_type=id_type, member_id=member_id, entries=entries)
    state.orders[order_id] = order
    return answer_for(state, order)


def _coupon(state: SandboxState, template_id: Any, name: str, numbered: bool) -> dict[str, Any]:
    if numbered:
        return {"templateId": template_id, "couponName": name, "couponNo": f"8{state.next_serial():015d}",
                "qrCodeContext": None}
    ticket = secrets.token_urlsafe(24)
    return {"templateId": template_id, "couponName": name, "couponNo": None,
            "qrCodeContext": f"https://sandbox.allinpay.invalid/coupon/qr?ticket={ticket}"}


def _member(biz: dict[str, Any]) -> tuple[str | None, str | None]:
    id_type, member_id = _text(biz, "idType"), _text(biz, "memberId")
    if id_type and not member_id:
        raise Refused("idType存在时memberId必填")
    if member_id and not id_type:
        raise Refused("memberId须与idType同时输入")
    if id_type and id_type not in ID_TYPES:
        raise Refused("会员账号类型错误: 1-手机号 2-会员卡号 3-Openid 5-外部ID")
    return (id_type, member_id) if id_type else (None, None)


def _positive_count(value: Any) -> int:
    """The seed types num as a String holding a positive integer; a JSON number is accepted too."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise Refused("发券数量必须为正整数")
    if int(text) > MAX_COUPONS_PER_ORDER:
        raise Refused(f"单次发券数量不能超过{MAX_COUPONS_PER_ORDER}")
    return int(text)


def _text(biz: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = biz.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        if required:
            raise Refused(f"缺少必填参数{name}")
        return ""
    if not isinstance(value, str):
        raise Refused(f"参数{name}格式错误")
    return value.strip()
