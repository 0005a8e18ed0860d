"""qual.reduce on the wire, and pure mapping from UnionPay's answers to typed outcomes.

Request: a JSON POST to `<baseUrl>/qual.reduce` with `appId, activityNumber, orderAmount, qualNum,
qualType, qualValue, certId, icTerminal, qrCode, transNumber, nonceStr, timestamp, signature`, every
optional field present as "" when unset, all values strings. `qualValue` and `certId` are signed in
plaintext, then replaced by their 3DES ciphertext (zingson's rule, PROTOCOLS.md §0 conflicts A and B).
Answer: `{"resp", "msg", "params": {"transNumber", "respTime", "awardInfo": {...}}}`; with
`resp == "00"` and an awardInfo the user won, with no awardInfo the draw was a blank.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from providers.unionpay import codes
from providers.unionpay.crypto import encrypt_field
from providers.unionpay.settings import UnionPaySettings
from providers.unionpay.signing import sign_request, verify_response

QUAL_REDUCE = "qual.reduce"
QUAL_TYPES = {"OPEN_ID": "open_id", "MOBILE": "mobile", "CARD_NO": "card_no"}
RED_PACKET = "06"
MALL_COUPON = "07"
BUSINESS_FIELDS = ("activityNumber", "orderAmount", "qualNum", "qualType", "qualValue", "certId", "icTerminal",
                   "qrCode", "transNumber")
ENCRYPTED_FIELDS = ("qualValue", "certId")


def qual_reduce_body(settings: UnionPaySettings, business: dict[str, str], nonce: str, timestamp: int
                     ) -> dict[str, str]:
    """The signed, encrypted request body from the plaintext business fields."""
    body = {name: business.get(name) or "" for name in BUSINESS_FIELDS}
    body.update(appId=settings.app_id, nonceStr=nonce, timestamp=str(timestamp))
    body["signature"] = sign_request(body, settings.private_key_pem)
    for name in ENCRYPTED_FIELDS:
        if body[name]:
            body[name] = encrypt_field(body[name], settings.symmetric_key)
    return body


@dataclass(frozen=True)
class DrawAnswer:
    resp: str
    msg: str
    params: dict[str, Any] = field(default_factory=dict)


def parse_response(status_code: int, body: bytes, settings: UnionPaySettings) -> DrawAnswer | None:
    """UnionPay's answer, or None: not HTTP 200, not the JSON envelope, or a signature that the settings
    require and that does not verify."""
    if status_code != 200:
        return None
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(envelope, dict):
        return None
    resp = envelope.get("resp")
    if not isinstance(resp, str) or not resp.strip():
        return None
    mode = settings.response_signature
    signed = "signature" in envelope
    if (mode == "required" or (mode == "if_present" and signed)) and not verify_response(
            envelope, settings.provider_public_key_pem):
        return None
    params = envelope.get("params")
    return DrawAnswer(resp=resp.strip(), msg=str(envelope.get("msg") or ""),
                      params=params if isinstance(params, dict) else {})


def draw_outcome(answer: DrawAnswer | None, trans_number: str) -> Outcome:
    """What a qual.reduce answer means for the reward; no answer (None) is Unknown."""
    if answer is None:
        return Unknown("no verifiable answer from UnionPay")
    if answer.resp != codes.SUCCESS:
        if answer.resp == codes.TRANS_NUMBER_REUSED:
            # A draw under our transNumber exists at UnionPay and may have won: no proof nothing was issued.
            return Unknown("UnionPay already holds another draw under this transNumber")
        info = codes.describe(answer.resp)
        if info.table == "unknown":
            return Unknown(f"unrecognised answer resp={answer.resp}")
        return Rejected(code=answer.resp, message=answer.msg or info.meaning, retryable=info.retry_safe,
                        status=RewardStatus.FAILED)
    echoed = answer.params.get("transNumber")
    if echoed not in (None, "", trans_number):
        return Unknown("UnionPay answered for another transNumber")
    refs = {"transNumber": trans_number}
    award = answer.params.get("awardInfo")
    if not award:
        return Accepted(status=RewardStatus.NOT_WON, amount=0, refs=refs, details={})
    if not isinstance(award, dict):
        return Unknown("unreadable awardInfo")
    award_type = str(award.get("awardType") or "")
    value = _whole_number(award.get("awardValue"))
    if award_type not in (RED_PACKET, MALL_COUPON) or value is None:
        return Unknown(f"award of type {award_type or '?'} without a readable awardValue")
    details: dict[str, Any] = {
        "awardType": award_type,
        "awardId": _text(award.get("awardId")),
        "awardName": _text(award.get("awardName")),
        "couponStartDate": _text(award.get("couponStartDate")),
        "couponEndDate": _text(award.get("couponEndDate")),
        "goodsUrl": _text(award.get("couponGoodsUrl")),
        "description": _text(award.get("drawDesc")),
        "respTime": _text(answer.params.get("respTime")),
    }
    if award_type == MALL_COUPON:
        details["extAcctId"] = _text(award.get("extAcctId"))
        details["extAcctName"] = _text(award.get("extAcctName"))
    return Accepted(status=RewardStatus.ISSUED, amount=value, refs=refs, details=details)


def _whole_number(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) else None
