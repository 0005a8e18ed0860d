"""The sandbox's qual.reduce and backendToken: checking the envelope, replaying by transNumber, drawing.

Checks in order: appId, signature/nonceStr/timestamp present, timestamp within ±300 s (ASSUMPTION, then
BC0024), qualValue/certId decrypted and the RSA signature verified over the plaintext (BC0025; in lenient
mode ileapy's variant, the ciphertext signed, passes too), required fields, then the transNumber: the
same content replays the original answer, other content is refused (SBX002). A new draw needs a known
pool (S52172) and a qualification left for the value (SBX001); it consumes one and picks a prize by weight.

Answers take the shapes the sources print: a prize as the seed's 返回结果 (`resp, respTime, awardInfo,
transNumber` at the top level, awardInfo with all fourteen of its fields, every value a string); a refusal
as PROTOCOLS.md §0's live example (`{"resp", "msg", "params": {}}`); a backendToken as its live answer. The
seed prints no blank draw: the sandbox answers one as a refusal-shaped SBX004 (ASSUMPTION, codes.py).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from providers.unionpay import codes
from providers.unionpay.crypto import decrypt_field
from providers.unionpay.sandbox_state import TOKEN_TTL_SECONDS, Award, Draw, SandboxState, mask_value
from providers.unionpay.signing import backend_token_signature, verify_request
from providers.unionpay.times import beijing_stamp
from providers.unionpay.wire import BUSINESS_FIELDS, ENCRYPTED_FIELDS, QUAL_TYPES

TIMESTAMP_WINDOW_SECONDS = 300
_REQUIRED = ("activityNumber", "qualNum", "qualType", "qualValue", "transNumber")


@dataclass(frozen=True)
class Answer:
    """An answer as UnionPay sends it, before the sandbox signs it."""

    body: dict[str, Any]


def refusal(code: str, msg: str | None = None) -> Answer:
    """Any non-award answer, in the shape of PROTOCOLS.md §0's live BC0024."""
    return Answer({"resp": code, "msg": msg or codes.describe(code).meaning, "params": {}})


def award_answer(trans_number: str, resp_time: str, award_info: dict[str, str]) -> Answer:
    """A prize, in the shape of the seed's 返回结果 (no msg, no params)."""
    return Answer({"resp": codes.SUCCESS, "respTime": resp_time, "awardInfo": award_info,
                   "transNumber": trans_number})


def qual_reduce(state: SandboxState, body: Any) -> Answer:
    if not isinstance(body, dict) or not all(isinstance(value, str | int) for value in body.values()):
        return refusal(codes.PARAMS_INVALID, "the body must be a JSON object of strings")
    params = {name: str(value) for name, value in body.items()}
    if params.get("appId") != state.app_id:
        return refusal(codes.APP_ID_UNKNOWN)
    for name, code in (("signature", codes.SIGNATURE_EMPTY), ("nonceStr", codes.NONCE_EMPTY),
                       ("timestamp", codes.TIMESTAMP_EMPTY)):
        if not params.get(name):
            return refusal(code)
    stamp = params["timestamp"]
    now = state.clock.now().timestamp()
    if not stamp.isdigit() or abs(int(stamp) - now) > TIMESTAMP_WINDOW_SECONDS:
        return refusal(codes.ILLEGAL_REQUEST, "非法请求[timestamp outside the allowed window]")
    plain = dict(params)
    try:
        for name in ENCRYPTED_FIELDS:
            if plain.get(name):
                plain[name] = decrypt_field(plain[name], state.keys.symmetric_key)
    except ValueError:
        return refusal(codes.SIGNATURE_INVALID)
    signed_fields = {name: plain.get(name, "") for name in (*BUSINESS_FIELDS, "appId", "nonceStr", "timestamp")}
    signed_fields["signature"] = params["signature"]
    if not verify_request(signed_fields, state.keys.merchant_public_pem) and not (
            state.lenient and verify_request(params, state.keys.merchant_public_pem)):
        return refusal(codes.SIGNATURE_INVALID)
    missing = [name for name in _REQUIRED if not plain.get(name)]
    if missing or plain["qualType"] not in QUAL_TYPES.values():
        return refusal(codes.PARAMS_INVALID, f"missing or malformed: {', '.join(missing) or 'qualType'}")
    content = {name: plain.get(name, "") for name in BUSINESS_FIELDS}
    previous = state.draws.get(content["transNumber"])
    if previous is not None:
        if previous.content != content:
            return refusal(codes.TRANS_NUMBER_REUSED)
        return Answer(previous.answer)
    return _new_draw(state, content)


def _new_draw(state: SandboxState, content: dict[str, str]) -> Answer:
    pool = state.pools.get((content["activityNumber"], content["qualNum"]))
    if pool is None:
        return refusal(codes.ACTIVITY_MISMATCH)
    value = content["qualValue"]
    if pool.used.get(value, 0) >= pool.qualifications:
        return refusal(codes.NO_QUALIFICATION)
    pool.used[value] = pool.used.get(value, 0) + 1
    award = _pick(state, pool.awards, pool.no_award_weight)
    now = state.clock.now()
    if award is None:
        answer = refusal(codes.NO_AWARD, "未中奖")
    else:
        answer = award_answer(content["transNumber"], beijing_stamp(now),
                              _award_info(award, content["activityNumber"], now))
    state.draws[content["transNumber"]] = Draw(content["transNumber"], content, answer.body, mask_value(value))
    return answer


def _pick(state: SandboxState, awards: list[Award], no_award_weight: int) -> Award | None:
    total = no_award_weight + sum(award.weight for award in awards)
    if total <= 0:
        return None
    point = state.rng.randrange(total)
    for award in awards:
        if point < award.weight:
            return award
        point -= award.weight
    return None


def _award_info(award: Award, activity_number: str, now: Any) -> dict[str, str]:
    """The seed's fourteen awardInfo fields, in its order; a red packet leaves the coupon's ones empty."""
    coupon = award.award_type == "07"
    return {
        "activityNumber": activity_number,
        "activityName": f"沙箱抽奖活动{activity_number}",
        "beginTime": beijing_stamp(now - timedelta(days=1)),
        "endTime": beijing_stamp(now + timedelta(days=30)),
        "awardId": hashlib.sha256(f"{award.award_type}:{award.award_name}".encode()).hexdigest()[:12],
        "awardType": award.award_type,
        "awardName": award.award_name,
        "awardValue": str(award.award_value),
        "extAcctId": (award.ext_acct_id or "") if coupon else "",
        "extAcctName": (award.ext_acct_name or award.award_name) if coupon else "",
        "drawDesc": f"恭喜获得{award.award_name}",
        "couponStartDate": beijing_stamp(now)[:8] if coupon else "",
        "couponEndDate": beijing_stamp(now + timedelta(days=30))[:8] if coupon else "",
        "couponGoodsUrl": (award.goods_url or "") if coupon else "",
    }


def backend_token(state: SandboxState, body: Any) -> Answer:
    """`POST backendToken`: checks the sha256 signature and the window, issues a token valid 7200 s."""
    if not isinstance(body, dict):
        return refusal(codes.PARAMS_INVALID)
    params = {name: str(value) for name, value in body.items() if isinstance(value, str | int)}
    if params.get("appId") != state.app_id:
        return refusal(codes.APP_ID_UNKNOWN)
    if not params.get("nonceStr"):
        return refusal(codes.NONCE_EMPTY)
    stamp = params.get("timestamp", "")
    if not stamp.isdigit() or abs(int(stamp) - state.clock.now().timestamp()) > TIMESTAMP_WINDOW_SECONDS:
        return refusal(codes.ILLEGAL_REQUEST)
    expected = backend_token_signature(state.app_id, params["nonceStr"], state.keys.backend_secret, stamp)
    if not secrets.compare_digest(expected, params.get("signature", "")):
        return refusal(codes.SIGNATURE_INVALID)
    token = secrets.token_hex(12)
    state.tokens[token] = state.clock.now() + timedelta(seconds=TOKEN_TTL_SECONDS)
    # PROTOCOLS.md §0's live answer: {"resp":"00","msg":"成功","params":{"expiresIn":7200,"backendToken":…}}
    return Answer({"resp": codes.SUCCESS, "msg": "成功",
                   "params": {"expiresIn": TOKEN_TTL_SECONDS, "backendToken": token}})
