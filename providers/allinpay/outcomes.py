"""What a couponSend answer means for the reward: the kind codes.py gives its code, applied to the order.

DONE is Accepted only when the answer shows what was issued (a tranNo and a list that accounts for all
`num` coupons); REFUSED is Rejected (FAILED, the hold released) unless it is a resend refused at the
envelope; everything else, and no answer at all, is Unknown (the hold kept until syncReward asks again).
"""

from __future__ import annotations

from typing import Any

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from providers.allinpay import codes
from providers.allinpay.codes import AnswerKind, CodeInfo
from providers.allinpay.wire import CouponAnswer


def coupon_outcome(answer: CouponAnswer | None, order_id: str, num: int, *, resend: bool = False,
                   refused_before_processing: frozenset[int] = codes.REFUSED_BEFORE_PROCESSING) -> Outcome:
    """What a couponSend answer means for the reward; no answer (None) is Unknown. `resend`: the answer is
    to the order sent again by syncReward. `refused_before_processing`: the tenant's envelope codes."""
    if answer is None:
        return Unknown("no verifiable answer from the gateway")
    info = codes.classify(answer.code, answer.msg, refused_before_processing)
    if info.kind is AnswerKind.DONE:
        return _issued(answer, order_id, num)
    if info.kind is AnswerKind.REFUSED:
        return _refused(answer, info, resend)
    return Unknown(f"code {answer.code}: {info.reason}")


def issued_coupons(answer: CouponAnswer, num: int) -> list[dict[str, str]] | None:
    """One entry per coupon of the order, or None when the answer's list cannot be matched to `num`.

    The list holds either one entry per coupon (a couponNo each) or, as the seed's sample shows (num 10,
    one entry), one entry for the whole order: a QR code through which its coupons are handed out. That
    entry is then recorded once per coupon, so every coupon in the ledger names how it is reached. Any
    other count (none, more than num, or several that are neither one each nor one in all) and any entry
    with neither a couponNo nor a qrCodeContext cannot be matched to the coupons, and is not guessed at."""
    entries = [dict(entry) for entry in answer.coupons]
    if answer.unreadable_coupons or not entries:
        return None
    if len(entries) == num:
        return entries
    if len(entries) == 1:
        return [dict(entries[0]) for _ in range(num)]
    return None


def _issued(answer: CouponAnswer, order_id: str, num: int) -> Outcome:
    # Code 0 alone is not enough to post `num` coupons: the answer has to show them.
    if not answer.tran_no:
        return Unknown("success without a tranNo")
    coupons = issued_coupons(answer, num)
    if coupons is None:
        return Unknown(f"success listing {len(answer.coupons)} readable entries "
                       f"({answer.unreadable_coupons} unreadable) for {num} coupons")
    details: dict[str, Any] = {"coupons": coupons, "tranDateTime": answer.tran_date_time}
    return Accepted(status=RewardStatus.ISSUED, amount=num, refs={"orderId": order_id, "tranNo": answer.tran_no},
                    details=details)


def _refused(answer: CouponAnswer, info: CodeInfo, resend: bool) -> Outcome:
    if resend and answer.code != codes.BUSINESS_FAILURE:
        # Refused at the envelope, the resend was never read: it says nothing of the first send, which may
        # have issued. A code 3 does say it: the gateway looks the orderId up first and would have answered
        # a known one with its original result (PROTOCOLS.md §2), so no order under it exists.
        return Unknown(f"the resend was refused before it was read (code {answer.code}); the first send may "
                       "have issued")
    return Rejected(code=str(answer.code), message=answer.msg or info.meaning_en, retryable=info.retry_safe,
                    status=RewardStatus.FAILED)
