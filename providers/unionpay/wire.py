"""qual.reduce on the wire: the signed, encrypted request, and reading UnionPay's answer.

Request: a JSON POST to `<baseUrl>/qual.reduce` with `appId, activityNumber, orderAmount, qualNum,
qualType, qualValue, certId, icTerminal, qrCode, transNumber, nonceStr, timestamp, signature`, every
optional field present as "" when unset, all values strings. `qualValue` and `certId` are signed in
plaintext, then replaced by their 3DES ciphertext (zingson's rule, PROTOCOLS.md §0 conflicts A and B).
Answer: the seed (返回结果) puts `resp, respTime, awardInfo, transNumber` at the top level; PROTOCOLS.md §0
(zingson's `RespBody`) wraps them as `{"resp", "msg", "params": {"respCode", "respTime", "transNumber",
"awardInfo"}}`, and a refusal is `{"resp", "msg", "params": {}}`. Both placements are read (`DrawAnswer.values`);
what they mean for the reward is outcomes.py's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from providers.unionpay.crypto import encrypt_field
from providers.unionpay.settings import UnionPaySettings
from providers.unionpay.signing import sign_request, verify_response

QUAL_REDUCE = "qual.reduce"
QUAL_TYPES = {"OPEN_ID": "open_id", "MOBILE": "mobile", "CARD_NO": "card_no"}
RED_PACKET = "06"  # awardType: awardValue in fen
MALL_COUPON = "07"  # awardType: awardValue is a number of coupons, extAcctId the coupon
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
    top: dict[str, Any] = field(default_factory=dict)  # the answer's other top-level fields (the seed's place)
    params: dict[str, Any] = field(default_factory=dict)  # its `params` object (PROTOCOLS.md §0's place)

    def values(self, name: str) -> list[Any]:
        """The answer's `name`, where it stands: at the top level (the seed), under params (PROTOCOLS), in both,
        or nowhere (null counts as nowhere)."""
        return [place[name] for place in (self.top, self.params) if place.get(name) is not None]


def parse_response(status_code: int, body: bytes, settings: UnionPaySettings) -> DrawAnswer | None:
    """UnionPay's answer, or None: not HTTP 200, not a JSON object with a `resp`, or a signature that the
    settings require and that does not verify."""
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
    top = {name: value for name, value in envelope.items() if name not in ("resp", "msg", "params", "signature")}
    return DrawAnswer(resp=resp.strip(), msg=str(envelope.get("msg") or ""), top=top,
                      params=params if isinstance(params, dict) else {})
