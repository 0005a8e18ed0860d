"""The sandbox's side of the envelope: reading and checking a request's common parameters, and signing
every answer with the gateway's key (PROTOCOLS.md §2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from providers.allinpay import codes
from providers.allinpay.sandbox_state import SandboxState
from providers.allinpay.signing import SIGN_TYPE, sign_response, verify_request
from providers.allinpay.times import parse_gateway_timestamp
from providers.allinpay.wire import CHARSET, FORMAT

TIMESTAMP_WINDOW_SECONDS = 10 * 60  # ASSUMPTION: the real window is not published
API_VERSION = "1.0"


@dataclass(frozen=True)
class Answer:
    """The gateway's answer before it is signed: `{"code", "msg", "data"}`. A success has no msg: the
    seed's sample answer is `{"code": 0, "data": {...}, "sign"}`."""

    code: int | str  # an int, as the seed types it; a staged code that is not a number stays text
    msg: str | None
    data: dict[str, Any] | None = None


def refusal(code: int | str, msg: str | None = None) -> Answer:
    return Answer(code=code, msg=msg or codes.describe(code).meaning_zh)


def staged_code(code: str) -> Answer:
    """The answer of the `code` fault: the gateway's refusal envelope carrying `code` (a number, as the
    seed types `code`, when it is one) and that code's meaning from codes.py as its msg."""
    text = code.strip()
    number = text[1:] if text.startswith("-") else text
    return refusal(int(text) if number.isascii() and number.isdigit() else code)


@dataclass(frozen=True)
class GatewayRequest:
    """A request whose envelope passed: its method and its bizContent, decoded."""

    method: str
    biz: dict[str, Any]


def read_form(body: bytes) -> dict[str, str]:
    """An application/x-www-form-urlencoded body; a repeated name keeps its last value."""
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def check_request(state: SandboxState, form: dict[str, str]) -> GatewayRequest | Answer:
    """The common parameters, in order: appId, sign, timestamp window, the fixed values, bizContent."""
    if form.get("appId") != state.app_id:
        return refusal(codes.APP_ID_INVALID)
    if not verify_request(form, state.keys.merchant_public_pem, state.sign_variant):
        return refusal(codes.SIGNATURE_INVALID)
    moment = parse_gateway_timestamp(form.get("timestamp", ""))
    if moment is None or abs((moment - state.clock.now()).total_seconds()) > TIMESTAMP_WINDOW_SECONDS:
        return refusal(codes.TIMESTAMP_INVALID)
    fixed = {"charset": CHARSET, "format": FORMAT, "signType": SIGN_TYPE, "version": API_VERSION}
    wrong = [name for name, wanted in fixed.items() if form.get(name, "").lower() != wanted.lower()]
    if wrong:
        return refusal(codes.PARAMS_INVALID, f"公共请求参数错误: {', '.join(wrong)}")
    biz = _biz_content(form.get("bizContent", ""))
    if biz is None:
        return refusal(codes.PARAMS_INVALID, "bizContent不是JSON对象")
    return GatewayRequest(method=form.get("method", ""), biz=biz)


def signed_envelope(state: SandboxState, answer: Answer) -> dict[str, Any]:
    """The answer as sent: the envelope plus its `sign`, made with the gateway key in the current variant."""
    envelope: dict[str, Any] = {"code": answer.code, "data": answer.data}
    if answer.msg is not None:
        envelope["msg"] = answer.msg
    envelope["sign"] = sign_response(envelope, state.keys.gateway_private_pem, state.sign_variant)
    return envelope


def _biz_content(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return None
    return value if isinstance(value, dict) else None
