"""The gateway's wire format: the signed request form, and reading its signed answers.

Requests: a form POST of `appId, method, charset, format, signType, timestamp, version, bizContent,
sign`, with the business parameters as the JSON string `bizContent`. Answers: `{"code": int, "msg",
"data": {"tranNo", "shopName", "tranDateTime", "list": [...]}, "sign"}`, signed by the gateway. An answer
whose signature does not verify is treated like no answer at all: it may not be the gateway's. What an
answer means for the reward is outcomes.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from providers.allinpay.settings import AllinpaySettings
from providers.allinpay.signing import SIGN_TYPE, sign_request, verify_response
from providers.allinpay.times import gateway_timestamp, normalise_tran_date_time

COUPON_SEND = "allinpay.shopoint.couponService.couponSend"
CHARSET = "utf-8"
FORMAT = "JSON"


@dataclass(frozen=True)
class CouponAnswer:
    """A verified answer. `coupons` holds each readable `list` entry's `couponNo` or `qrCodeContext` (or
    both): an entry is one coupon or, as in the seed's sample, a QR code for the whole order."""

    code: int
    msg: str
    tran_no: str | None = None
    tran_date_time: str | None = None  # ISO-8601, +08:00
    coupons: tuple[dict[str, str], ...] = ()
    unreadable_coupons: int = 0  # list entries with neither a couponNo nor a qrCodeContext
    data: dict[str, Any] = field(default_factory=dict)  # as received, for diagnosis


def biz_content_text(biz: dict[str, Any]) -> str:
    """`bizContent` as sent. Keys are sorted so that a re-sent order is byte-identical to the first send
    even after its stored copy went through a database that reorders keys (PostgreSQL's jsonb)."""
    return json.dumps(biz, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def request_form(settings: AllinpaySettings, biz: dict[str, Any], moment: datetime, *,
                 method: str = COUPON_SEND) -> dict[str, str]:
    form = {
        "appId": settings.app_id,
        "method": method,
        "charset": CHARSET,
        "format": FORMAT,
        "signType": SIGN_TYPE,
        "timestamp": gateway_timestamp(moment),
        "version": settings.version,
        "bizContent": biz_content_text(biz),
    }
    form["sign"] = sign_request(form, settings.private_key_pem, settings.sign_variant)
    return form


def parse_response(status_code: int, body: bytes, settings: AllinpaySettings) -> CouponAnswer | None:
    """The gateway's verified answer, or None: not HTTP 200, not the JSON envelope, or a `sign` that does
    not verify with the gateway's public key."""
    if status_code != 200:
        return None
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(envelope, dict):
        return None
    code = _code(envelope.get("code"))
    if code is None or not verify_response(envelope, settings.provider_public_key_pem, settings.sign_variant):
        return None
    data = envelope.get("data")
    data = data if isinstance(data, dict) else {}
    entries = [entry for entry in data.get("list") or [] if isinstance(entry, dict)]
    coupons = tuple(_coupon(entry) for entry in entries)
    tran_no = data.get("tranNo")
    return CouponAnswer(
        code=code,
        msg=str(envelope.get("msg") or ""),
        tran_no=str(tran_no) if isinstance(tran_no, (str, int)) and str(tran_no) else None,
        tran_date_time=normalise_tran_date_time(data.get("tranDateTime")),
        coupons=tuple(coupon for coupon in coupons if coupon),
        unreadable_coupons=sum(1 for coupon in coupons if not coupon),
        data=data,
    )


def _code(value: Any) -> int | None:
    """The seed says Integer; digits in a string are accepted, anything else is not an answer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _coupon(entry: dict[str, Any]) -> dict[str, str]:
    return {name: str(entry[name]) for name in ("couponNo", "qrCodeContext")
            if isinstance(entry.get(name), (str, int)) and str(entry[name])}

