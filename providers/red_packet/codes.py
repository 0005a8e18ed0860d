"""The platform's answer codes (`errcode`) and a packet's failure codes (`fail_code`): meaning and retry safety.

Two tables, because the platform reports trouble at two levels:
- `errcode` refuses a whole call. The seed knows only `0` ("ok"); its global code page (/error-code.html)
  is not public, so the other codes are PROTOCOLS.md §4's invented ones (40001, 40004, 50001) plus three
  this adapter and its sandbox invent for the same purpose (40003, 40100, 40101), all labelled ASSUMPTION.
- `fail_code` says why one packet record failed (status 1). The platform mirrors WeChat Pay's v2
  `sendredpack` err_code there: the seed's sample shows NOTENOUGH; PROTOCOLS.md §4 names SENDNUM_LIMIT,
  SYSTEMERROR, PROCESSING and NOT_FOUND; the rest are WeChat Pay's documented sendredpack codes. A
  fail_code on a record that is not failed is informational only (the seed's sample has status 2 with
  NOTENOUGH).

`retry_safe` answers: may the very same request (the same send call; for a failed record, a resend of that
record) be made again without risking a second payout, with a chance that it succeeds later? Everything
that might have paid (SYSTEMERROR, PROCESSING, NOT_FOUND, an unknown code) is False: first refresh the
record (update-cash-redpack-data-status) and read it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CodeInfo:
    code: str
    kind: str  # "errcode" | "fail_code" | "unknown"
    meaning_zh: str
    meaning_en: str
    retry_safe: bool
    source: str  # where the code comes from: seed, PROTOCOLS, ASSUMPTION or WeChat


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

# (code, zh, en, retry_safe, source); the why of each True is in its comment.
_ERRCODES: list[tuple[str, str, str, bool, str]] = [
    ("0", "ok", "ok", False, "seed"),
    ("40001", "参数错误", "bad parameters", False, "PROTOCOLS (invented)"),
    ("40003", "该红包数据不可重新派发", "the record is not failed, so it cannot be resent", False,
     "ASSUMPTION (sandbox: resend only from status 1)"),
    ("40004", "数据不存在", "not found (activity, group or record)", False, "PROTOCOLS (invented)"),
    ("40100", "无效的项目(db)", "unknown project key (db)", False, "ASSUMPTION"),
    ("40101", "AppSign校验失败", "AppSign missing or wrong", False, "ASSUMPTION"),
    # The whole call was refused before any packet was made; the same call works once the balance is topped up.
    ("50001", "商户余额不足", "merchant balance insufficient (mirrors NOTENOUGH)", True, "PROTOCOLS (invented)"),
]

_FAIL_CODES: list[tuple[str, str, str, bool, str]] = [
    # Refused by WeChat before paying; resending the record after topping up pays once.
    ("NOTENOUGH", "帐号余额不足", "merchant account balance insufficient", True, "seed, PROTOCOLS"),
    # The member's daily packet count is reached; resending on a later day works.
    ("SENDNUM_LIMIT", "该用户今日领取红包个数超过限制", "member's daily packet count reached", True, "PROTOCOLS"),
    # WeChat: "retry with the original mch_billno" - the packet may have been paid. Refresh, do not resend.
    ("SYSTEMERROR", "系统繁忙,请稍后再试", "system error: outcome unknown, refresh the record", False, "PROTOCOLS"),
    ("PROCESSING", "请求已受理,请稍后使用原单号查询", "accepted: query later with the same number", False, "PROTOCOLS"),
    ("NOT_FOUND", "指定单号数据不存在", "no data yet for the number: may still be processing", False, "PROTOCOLS"),
    # Rate refusals before paying; a later attempt may pass.
    ("FREQ_LIMIT", "超过频率限制,请稍后再试", "rate limit: try later", True, "WeChat"),
    ("SENDAMOUNT_LIMIT", "商户号今日发放金额超过限制", "merchant's daily amount reached", True, "WeChat"),
    ("RCVDAMOUNT_LIMIT", "该用户今日领取金额超过限制", "member's daily amount reached", True, "WeChat"),
    # WeChat: "change the number and send again" - it says definitely not paid.
    ("SEND_FAILED", "红包发放失败,请更换单号再重发", "sending failed: not paid", True, "WeChat"),
    ("MONEY_LIMIT", "红包金额发放限制", "amount outside the allowed range", False, "WeChat"),
    ("NO_AUTH", "发放失败,此请求可能存在风险,已被微信拦截", "blocked by WeChat's risk control", False, "WeChat"),
    ("OPENID_ERROR", "openid和appid不匹配", "the member's openid does not match the app", False, "WeChat"),
    ("PARAM_ERROR", "参数错误", "bad parameters", False, "WeChat"),
    ("FATAL_ERROR", "已存在该单号,并且两次请求参数不一致", "number reused with other parameters", False, "WeChat"),
    ("CA_ERROR", "商户API证书校验出错", "merchant certificate rejected", False, "WeChat"),
    ("SIGN_ERROR", "签名错误", "signature rejected", False, "WeChat"),
]


def _table(kind: str, rows: list[tuple[str, str, str, bool, str]]) -> dict[str, CodeInfo]:
    return {code: CodeInfo(code=code, kind=kind, meaning_zh=zh, meaning_en=en, retry_safe=safe, source=source)
            for code, zh, en, safe, source in rows}


ERRCODES: dict[str, CodeInfo] = _table("errcode", _ERRCODES)
FAIL_CODES: dict[str, CodeInfo] = _table("fail_code", _FAIL_CODES)


def normalise_errcode(value: object) -> str:
    """`errcode` arrives as 0 or "0"; the tables key it as text."""
    text = str(value).strip()
    return str(int(text)) if re.fullmatch(r"-?[0-9]+", text) else text


def describe_errcode(code: str) -> CodeInfo:
    """What an errcode means; one missing from the table is "unknown" and never retry-safe."""
    code = normalise_errcode(code)
    return ERRCODES.get(code) or CodeInfo(code=code, kind="unknown", meaning_zh="未知错误码",
                                          meaning_en=f"unknown errcode {code}", retry_safe=False, source="none")


def describe_fail_code(code: str) -> CodeInfo:
    """What a fail_code means; one missing from the table is "unknown" and never retry-safe."""
    code = str(code).strip().upper()
    return FAIL_CODES.get(code) or CodeInfo(code=code, kind="unknown", meaning_zh="未知失败原因",
                                            meaning_en=f"unknown fail_code {code}", retry_safe=False, source="none")
