"""What a qual.reduce answer means for the reward: the kind codes.py gives its `resp`, applied to the draw.

DONE is Accepted only when the answer shows what was won: an awardInfo (at the top level as the seed prints
it, or under params as PROTOCOLS.md §0 does) with a known awardType and a whole awardValue, and for a mall
coupon the coupon's extAcctId. A success whose prize cannot be read is Unknown, never NOT_WON: the seed
prints no blank, so such a draw may have won. REFUSED is Rejected (FAILED), unless it answers a resend and
came before UnionPay looked the transNumber up: then it says nothing of the first send. Everything else,
and no answer at all, is Unknown.
"""

from __future__ import annotations

import json
from typing import Any

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from providers.unionpay import codes
from providers.unionpay.codes import AnswerKind
from providers.unionpay.wire import MALL_COUPON, RED_PACKET, DrawAnswer


def draw_outcome(answer: DrawAnswer | None, trans_number: str, *, resend: bool = False) -> Outcome:
    """What a qual.reduce answer means for the reward; no answer (None) is Unknown. `resend`: the answer is
    to the draw sent again (same transNumber) by syncReward."""
    if answer is None:
        return Unknown("no verifiable answer from UnionPay")
    info = codes.describe(answer.resp)
    if info.kind is AnswerKind.DONE and answer.resp == codes.NO_AWARD:
        return Accepted(status=RewardStatus.NOT_WON, amount=0, refs={"transNumber": trans_number}, details={})
    if info.kind is AnswerKind.DONE:
        return _awarded(answer, trans_number)
    if info.kind is AnswerKind.REFUSED:
        if resend and not info.after_replay_check:
            return Unknown(f"the resend was refused ({answer.resp}) before UnionPay is known to look the "
                           "transNumber up: the first send may have drawn")
        return Rejected(code=answer.resp, message=answer.msg or info.meaning_en, retryable=info.retry_safe,
                        status=RewardStatus.FAILED)
    return Unknown(f"resp {answer.resp}: {info.reason}")


def _awarded(answer: DrawAnswer, trans_number: str) -> Outcome:
    values = {name: answer.values(name) for name in ("transNumber", "respTime", "awardInfo")}
    disagreeing = [name for name, found in values.items() if len({_canonical(v) for v in found}) > 1]
    if disagreeing:
        return Unknown(f"the answer's top level and params disagree on {', '.join(disagreeing)}")
    echoed = next(iter(values["transNumber"]), None)
    if echoed not in (None, "", trans_number):
        return Unknown("UnionPay answered for another transNumber")
    award = next(iter(values["awardInfo"]), None)
    if not isinstance(award, dict) or not award:
        return Unknown("resp 00 without a readable awardInfo: the seed prints no blank, so the draw may have won")
    award_type = _text(award.get("awardType")) or ""
    value = _whole_number(award.get("awardValue"))
    if award_type not in (RED_PACKET, MALL_COUPON) or value is None or value < 1:
        return Unknown(f"an award of type {award_type or '?'} without a readable awardValue")
    if award_type == MALL_COUPON and not _text(award.get("extAcctId")):
        return Unknown("a mall coupon award without extAcctId: which coupon was won is not known")
    details: dict[str, Any] = {
        "awardType": award_type,
        "awardId": _text(award.get("awardId")),
        "awardName": _text(award.get("awardName")),
        "couponStartDate": _text(award.get("couponStartDate")),
        "couponEndDate": _text(award.get("couponEndDate")),
        "goodsUrl": _text(award.get("couponGoodsUrl")),
        "description": _text(award.get("drawDesc")),
        "respTime": _text(next(iter(values["respTime"]), None)),
    }
    if award_type == MALL_COUPON:
        details["extAcctId"] = _text(award.get("extAcctId"))
        details["extAcctName"] = _text(award.get("extAcctName"))
    return Accepted(status=RewardStatus.ISSUED, amount=value, refs={"transNumber": trans_number}, details=details)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _whole_number(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) else None
