"""The platform's answer codes (`errcode`), a packet's failure codes (`fail_code`) and its statuses: what each
means, which of the three kinds of answer it is, and why.

The three kinds (issue 10), which decide what the ledger does with an answer:
- DONE: the platform did it (`Accepted`); the amount is posted once it can be read.
- REFUSED: refused before anything happened (`Rejected`, final): the hold is released.
- MAY_HAVE_HAPPENED: packets may exist (`Unknown`): the hold stays and syncReward settles it by listing the
  member's packets, never by sending again. Every code no document explains is this kind.

Three tables, because the platform reports at three levels:
- `errcode` answers a whole call. The seed knows only `0` ("ok"); its global code page (/error-code.html)
  is not public, so the other codes are PROTOCOLS.md §4's invented ones (40001, 40004, 50001), which it
  describes as refusals, plus three that only this adapter's sandbox uses (40003, 40100, 40101): no
  document says a real platform refuses with them before doing any work, so they are MAY_HAVE_HAPPENED.
- `fail_code` says why one packet failed (status 1). The platform mirrors WeChat Pay's v2 `sendredpack`
  err_code there: the seed's sample shows NOTENOUGH; PROTOCOLS.md §4 names SENDNUM_LIMIT, SYSTEMERROR,
  PROCESSING and NOT_FOUND; the rest are WeChat Pay's documented sendredpack codes. A fail_code on a packet
  that is not failed is informational only (the seed's sample has status 2 with NOTENOUGH). Only
  scan-send's answer carries fail_code; the seed's list rows do not.
- `status` is a packet's state (seed: 1发放失败 2未领取 3已领取 4已退款 5发放中).

`retry_safe` answers: may the very same request (the same send call; for a failed record, a resend of that
record) be made again without risking a second payout, with a chance that it succeeds later?
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ledger.domain.statuses import RewardStatus


class AnswerKind(StrEnum):
    DONE = "done"
    REFUSED = "refused"
    MAY_HAVE_HAPPENED = "may_have_happened"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    kind: str  # "errcode" | "fail_code" | "unknown"
    meaning_zh: str
    meaning_en: str
    retry_safe: bool
    source: str  # where the code comes from: seed, PROTOCOLS, ASSUMPTION or WeChat
    answer_kind: AnswerKind = AnswerKind.MAY_HAVE_HAPPENED
    why: str = "no document explains this code, so packets may exist"


@dataclass(frozen=True)
class StatusInfo:
    status: int
    meaning_zh: str
    meaning_en: str
    reward_status: RewardStatus
    answer_kind: AnswerKind
    why: str


OK = "0"
BAD_PARAMS = "40001"
NOT_RESENDABLE = "40003"
NOT_FOUND = "40004"
UNKNOWN_PROJECT = "40100"
BAD_APP_SIGN = "40101"
INSUFFICIENT_BALANCE = "50001"

NOTENOUGH = "NOTENOUGH"
SENDNUM_LIMIT = "SENDNUM_LIMIT"
SYSTEMERROR = "SYSTEMERROR"

DONE, REFUSED, MAYBE = AnswerKind.DONE, AnswerKind.REFUSED, AnswerKind.MAY_HAVE_HAPPENED
_SANDBOX_ONLY = "only this adapter's sandbox uses it; no document says the platform did nothing"

# (code, zh, en, retry_safe, source, kind, why)
_ERRCODES: list[tuple[str, str, str, bool, str, AnswerKind, str]] = [
    ("0", "ok", "ok", False, "seed", DONE, "seed: the call succeeded"),
    ("40001", "参数错误", "bad parameters", False, "PROTOCOLS (invented)", REFUSED,
     "PROTOCOLS §4: the parameters are refused before anything is sent"),
    ("40003", "该红包数据不可重新派发", "the record is not failed, so it cannot be resent", False,
     "ASSUMPTION (sandbox: resend only from status 1)", MAYBE, _SANDBOX_ONLY),
    ("40004", "数据不存在", "not found (activity, group or record)", False, "PROTOCOLS (invented)", REFUSED,
     "PROTOCOLS §4: what the call names does not exist, so nothing was sent"),
    ("40100", "无效的项目(db)", "unknown project key (db)", False, "ASSUMPTION", MAYBE, _SANDBOX_ONLY),
    ("40101", "AppSign校验失败", "AppSign missing or wrong", False, "ASSUMPTION", MAYBE, _SANDBOX_ONLY),
    # The same call works once the balance is topped up.
    ("50001", "商户余额不足", "merchant balance insufficient (mirrors NOTENOUGH)", True, "PROTOCOLS (invented)",
     REFUSED, "PROTOCOLS §4: mirrors NOTENOUGH, which WeChat refuses before paying"),
]

_FAIL_CODES: list[tuple[str, str, str, bool, str, AnswerKind, str]] = [
    # Resending the record after topping up pays once.
    ("NOTENOUGH", "帐号余额不足", "merchant account balance insufficient", True, "seed, PROTOCOLS", REFUSED,
     "WeChat refuses before paying: the balance does not cover it"),
    ("SENDNUM_LIMIT", "该用户今日领取红包个数超过限制", "member's daily packet count reached", True, "PROTOCOLS",
     REFUSED, "WeChat refuses before paying: the member's daily count is reached"),
    ("SYSTEMERROR", "系统繁忙,请稍后再试", "system error: outcome unknown, refresh the record", False, "PROTOCOLS",
     MAYBE, "WeChat: retry with the same number, the packet may have been paid"),
    ("PROCESSING", "请求已受理,请稍后使用原单号查询", "accepted: query later with the same number", False,
     "PROTOCOLS", MAYBE, "WeChat accepted it and is still paying"),
    ("NOT_FOUND", "指定单号数据不存在", "no data yet for the number: may still be processing", False, "PROTOCOLS",
     MAYBE, "WeChat: not final, it may still be processing"),
    # Rate refusals before paying; a later attempt may pass.
    ("FREQ_LIMIT", "超过频率限制,请稍后再试", "rate limit: try later", True, "WeChat", REFUSED,
     "WeChat refuses before paying: too many calls"),
    ("SENDAMOUNT_LIMIT", "商户号今日发放金额超过限制", "merchant's daily amount reached", True, "WeChat", REFUSED,
     "WeChat refuses before paying: the merchant's daily amount is reached"),
    ("RCVDAMOUNT_LIMIT", "该用户今日领取金额超过限制", "member's daily amount reached", True, "WeChat", REFUSED,
     "WeChat refuses before paying: the member's daily amount is reached"),
    ("SEND_FAILED", "红包发放失败,请更换单号再重发", "sending failed: not paid", True, "WeChat", REFUSED,
     "WeChat says change the number and send again: definitely not paid"),
    ("MONEY_LIMIT", "红包金额发放限制", "amount outside the allowed range", False, "WeChat", REFUSED,
     "WeChat refuses the amount before paying"),
    ("NO_AUTH", "发放失败,此请求可能存在风险,已被微信拦截", "blocked by WeChat's risk control", False, "WeChat",
     REFUSED, "WeChat blocked it before paying"),
    ("OPENID_ERROR", "openid和appid不匹配", "the member's openid does not match the app", False, "WeChat", REFUSED,
     "WeChat refuses the recipient before paying"),
    ("PARAM_ERROR", "参数错误", "bad parameters", False, "WeChat", REFUSED, "WeChat refuses the request before paying"),
    ("FATAL_ERROR", "已存在该单号,并且两次请求参数不一致", "number reused with other parameters", False, "WeChat",
     MAYBE, "a packet already exists under this number and may have been paid"),
    ("CA_ERROR", "商户API证书校验出错", "merchant certificate rejected", False, "WeChat", REFUSED,
     "WeChat refuses the merchant's certificate before paying"),
    ("SIGN_ERROR", "签名错误", "signature rejected", False, "WeChat", REFUSED,
     "WeChat refuses the signature before paying"),
]

# The seed's statuses (1发放失败 2未领取 3已领取 4已退款 5发放中). Anything else is UNKNOWN, never a success.
STATUSES: dict[int, StatusInfo] = {info.status: info for info in (
    StatusInfo(5, "发放中", "being sent to WeChat", RewardStatus.PENDING, DONE,
               "accepted and being sent: the hold stays until it is claimed, refunded or failed"),
    StatusInfo(2, "未领取", "sent, not claimed yet", RewardStatus.ISSUED, DONE,
               "sent: the hold stays until the member claims it or it is refunded"),
    StatusInfo(3, "已领取", "claimed by the member", RewardStatus.CLAIMED, DONE,
               "paid: its amount is posted to the member, the rest of the hold released"),
    StatusInfo(1, "发放失败", "failed: not sent", RewardStatus.FAILED, REFUSED,
               "WeChat did not pay it; only a resend of the record could"),
    StatusInfo(4, "已退款", "refunded: unclaimed until expiry", RewardStatus.REFUNDED, DONE,
               "unclaimed, the money went back to the merchant: the hold is released"),
)}


def _table(kind: str, rows: list[tuple[str, str, str, bool, str, AnswerKind, str]]) -> dict[str, CodeInfo]:
    return {code: CodeInfo(code=code, kind=kind, meaning_zh=zh, meaning_en=en, retry_safe=safe, source=source,
                           answer_kind=answer_kind, why=why)
            for code, zh, en, safe, source, answer_kind, why in rows}


ERRCODES: dict[str, CodeInfo] = _table("errcode", _ERRCODES)
FAIL_CODES: dict[str, CodeInfo] = _table("fail_code", _FAIL_CODES)
# The errcodes that refuse a call before anything happened, unless a tenant names its platform's own
# (settings `refusedErrcodes`, for a platform whose code page it has).
REFUSED_ERRCODES = frozenset(code for code, info in ERRCODES.items() if info.answer_kind is REFUSED)


def normalise_errcode(value: object) -> str:
    """`errcode` arrives as 0 or "0"; the tables key it as text."""
    text = str(value).strip()
    return str(int(text)) if re.fullmatch(r"-?[0-9]+", text) else text


def describe_errcode(code: str) -> CodeInfo:
    """What an errcode means; one missing from the table is "unknown": may have happened, never retry-safe."""
    code = normalise_errcode(code)
    return ERRCODES.get(code) or CodeInfo(code=code, kind="unknown", meaning_zh="未知错误码",
                                          meaning_en=f"unknown errcode {code}", retry_safe=False, source="none")


def errcode_kind(code: str, refused: frozenset[str] = REFUSED_ERRCODES) -> tuple[AnswerKind, str]:
    """The kind of an answer with this errcode, and why: 0 is done, a code in `refused` (the tenant's, or
    REFUSED_ERRCODES) refused, any other may have happened."""
    info = describe_errcode(code)
    if info.code == OK:
        return DONE, info.why
    if info.code in refused:
        return REFUSED, info.why if info.answer_kind is REFUSED else "the tenant's settings name it a refusal"
    return MAYBE, info.why if info.answer_kind is MAYBE else "the tenant's settings do not name it a refusal"


def describe_fail_code(code: str) -> CodeInfo:
    """What a fail_code means; one missing from the table is "unknown": may have happened, never retry-safe."""
    code = str(code).strip().upper()
    return FAIL_CODES.get(code) or CodeInfo(code=code, kind="unknown", meaning_zh="未知失败原因",
                                            meaning_en=f"unknown fail_code {code}", retry_safe=False, source="none")


def describe_status(status: int | None) -> StatusInfo:
    """What a packet status means; any other value (or a boolean, which equals 1 as a key) may have happened."""
    known = None if isinstance(status, bool) or not isinstance(status, int) else STATUSES.get(status)
    return known or StatusInfo(status if isinstance(status, int) else -1, "未知状态", f"unknown status {status}",
                               RewardStatus.UNKNOWN, MAYBE, "the seed does not name this status")


def packet_kind(status: int | None, fail_code: str | None) -> tuple[AnswerKind, str]:
    """The kind of one packet record and why: its status decides, except that a failed packet whose
    fail_code says it may have been paid (SYSTEMERROR, an unknown code) may have happened."""
    info = describe_status(status)
    if info.answer_kind is REFUSED and fail_code:
        failure = describe_fail_code(fail_code)
        if failure.answer_kind is not REFUSED:
            return failure.answer_kind, f"failed with {failure.code}: {failure.why}"
    return info.answer_kind, info.why
