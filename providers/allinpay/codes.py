"""The gateway's return codes for couponSend: what each means, which kind of answer it is, and why.

Every answer is one of three kinds (issue 10). `DONE`: the coupons were issued (Accepted, once the answer
lists them). `REFUSED`: the gateway refused the request before anything happened (Rejected: FAILED, the
hold released). `MAY_HAVE_HAPPENED`: nothing certain (Unknown: the hold kept until `syncReward` sends the
same order again, which the gateway answers with the original result).

The seed gives two codes: `0` success and `3` failure with the reason in `msg`. Every other value refers
to "4.1 公共返回码" (the gateway's public return codes), which is not public (PROTOCOLS.md §2), so a code
not in these tables may have happened: never a success, never a reason to release the hold.

The sandbox refuses a bad envelope (unknown appId, stale timestamp, bad signature, unknown method,
unreadable common parameters) with codes of its own, invented because the real numbers are not known.
The gateway checks the envelope before it reads the order, so these are refusals; a tenant connected to
the real gateway names its real envelope codes with the setting `refusedBeforeProcessingCodes`, which
replaces this default set (`classify`).

`retry_safe` answers: may the very same request be sent again at once? Repeating the same `orderId` with
the same content is harmless (the gateway answers a repeat with the original result), but a refusal would
only be refused again, and an unknown code says nothing we could rely on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

SUCCESS = 0
BUSINESS_FAILURE = 3
# The msg of a code 3 for an orderId already used with other content. Its wording is an ASSUMPTION
# (PROTOCOLS.md §2: no public statement on duplicates); the sandbox answers exactly this.
DUPLICATE_ORDER_MSG = "订单号重复"


class AnswerKind(StrEnum):
    DONE = "done"  # Accepted, with the coupons the answer lists
    REFUSED = "refused"  # Rejected before anything happened: FAILED, the hold released
    MAY_HAVE_HAPPENED = "may_have_happened"  # Unknown: the hold kept, settled by syncReward


@dataclass(frozen=True)
class CodeInfo:
    code: str
    table: str  # "seed", "sandbox" (invented), "assumption" (a msg rule) or "unknown"
    meaning_zh: str
    meaning_en: str
    retry_safe: bool
    kind: AnswerKind
    reason: str  # why an answer with this code is of that kind


_SEED: list[tuple[int, str, str, AnswerKind, str]] = [
    (SUCCESS, "成功", "success: the coupons were issued", AnswerKind.DONE,
     "the seed: 0 is success; the coupons are counted from the answer's list"),
    (BUSINESS_FAILURE, "失败,具体失败原因参见msg字段", "refused; the reason is in msg", AnswerKind.REFUSED,
     "the seed: 3 is a failure with its reason in msg (unknown template, no stock, bad parameters): "
     "the order was refused, nothing was issued"),
]

# Invented by this project's sandbox (no public table exists); numbers chosen far from 0 and 3.
APP_ID_INVALID = 9101
TIMESTAMP_INVALID = 9102
SIGNATURE_INVALID = 9103
METHOD_UNKNOWN = 9104
PARAMS_INVALID = 9105
_SANDBOX: list[tuple[int, str, str, AnswerKind, str]] = [
    (APP_ID_INVALID, "appId不存在", "unknown appId (sandbox code)", AnswerKind.REFUSED,
     "the envelope is checked before the order is read: an unknown app's order is never processed"),
    (TIMESTAMP_INVALID, "时间戳无效或超出允许范围", "timestamp missing or outside the window (sandbox code)",
     AnswerKind.REFUSED, "the envelope is checked before the order is read: a stale request is never processed"),
    (SIGNATURE_INVALID, "验签失败", "signature check failed (sandbox code)", AnswerKind.REFUSED,
     "the envelope is checked before the order is read: an unsigned or forged request is never processed"),
    (METHOD_UNKNOWN, "不支持的接口方法", "unsupported method (sandbox code)", AnswerKind.REFUSED,
     "no such method: there is nothing that could have processed the order"),
    (PARAMS_INVALID, "公共请求参数缺失或格式错误", "a common parameter is missing or malformed (sandbox code)",
     AnswerKind.REFUSED, "the envelope or bizContent could not be read, so the order never was"),
]
# The codes that mean "refused before processing" unless a tenant's settings name others.
REFUSED_BEFORE_PROCESSING = frozenset(code for code, *_ in _SANDBOX)

# A code 3 whose msg says the orderId is taken: a refusal of this send, but the order already under our
# orderId may have issued coupons, so it proves nothing about them.
DUPLICATE_ORDER = CodeInfo(
    code=str(BUSINESS_FAILURE), table="assumption", meaning_zh=DUPLICATE_ORDER_MSG,
    meaning_en="this orderId is already used with other content", retry_safe=False,
    kind=AnswerKind.MAY_HAVE_HAPPENED,
    reason="an order under this orderId exists at the gateway and may have issued coupons")

# A code 3 names its reason only in msg, in Chinese. These are the reasons the sandbox gives, following the
# rules the seed states (sandbox_coupons.py); the real gateway's wording is not public, so a msg not listed
# here keeps the code's own meaning. (pattern matched against the whole msg, English with the groups filled)
_REFUSAL_REASONS: list[tuple[str, str]] = [
    (DUPLICATE_ORDER_MSG, "this orderId is already used with other content"),
    (r"shopId和shopCode必输一项", "shopId or shopCode is required"),
    (r"券类型错误.*", "wrong couponType (1 electronic, 2 paper)"),
    (r"sourceType存在时sourceValue必填", "sourceValue is required with sourceType"),
    (r"券模板不存在", "coupon template does not exist"),
    (r"券库存不足", "not enough coupons in stock"),
    (r"idType存在时memberId必填", "memberId is required with idType"),
    (r"memberId须与idType同时输入", "memberId needs idType"),
    (r"会员账号类型错误.*", "wrong idType (1 mobile, 2 member card, 3 openid, 5 external ID)"),
    (r"发券数量必须为正整数", "num must be a positive whole number"),
    (r"单次发券数量不能超过(\d+)", "at most {0} coupons per order"),
    (r"缺少必填参数(\S+)", "required parameter {0} is missing"),
    (r"参数(\S+)格式错误", "parameter {0} is malformed"),
]

_UNKNOWN_REASON = "not explained by the seed (its table 4.1 is not public): the order may have been issued"
_NAMED_BY_SETTINGS = "named by the tenant's refusedBeforeProcessingCodes: refused before the order is read"
_NOT_NAMED_BY_SETTINGS = "left out of the tenant's refusedBeforeProcessingCodes: the order may have been issued"


def _build_table() -> dict[str, CodeInfo]:
    table: dict[str, CodeInfo] = {}
    for name, rows in (("seed", _SEED), ("sandbox", _SANDBOX)):
        for code, zh, en, kind, reason in rows:
            table[str(code)] = CodeInfo(code=str(code), table=name, meaning_zh=zh, meaning_en=en,
                                        retry_safe=False, kind=kind, reason=reason)
    return table


CODES: dict[str, CodeInfo] = _build_table()


def describe(code: int | str) -> CodeInfo:
    """What a `code` means; one missing from the tables is "unknown", may have happened, never retry-safe."""
    text = str(code).strip()
    known = CODES.get(text)
    if known is not None:
        return known
    return CodeInfo(code=text, table="unknown", meaning_zh="未知返回码", meaning_en=f"unknown code {text}",
                    retry_safe=False, kind=AnswerKind.MAY_HAVE_HAPPENED, reason=_UNKNOWN_REASON)


def classify(code: int, msg: str, refused_before_processing: frozenset[int] = REFUSED_BEFORE_PROCESSING) -> CodeInfo:
    """What an answer with `code` and `msg` means. `refused_before_processing` is the set of codes that
    refuse the envelope before the order is read (a tenant's `refusedBeforeProcessingCodes`); 0 and 3 are
    the seed's and keep their meaning whatever it holds."""
    if code == BUSINESS_FAILURE and DUPLICATE_ORDER_MSG in msg:
        return DUPLICATE_ORDER
    info = describe(code)
    if code in (SUCCESS, BUSINESS_FAILURE):
        return info
    if code in refused_before_processing:
        return info if info.kind is AnswerKind.REFUSED else replace(info, kind=AnswerKind.REFUSED,
                                                                    reason=_NAMED_BY_SETTINGS)
    if info.kind is AnswerKind.MAY_HAVE_HAPPENED:
        return info
    return replace(info, kind=AnswerKind.MAY_HAVE_HAPPENED, reason=_NOT_NAMED_BY_SETTINGS)


def is_success(code: int | str) -> bool:
    return str(code).strip() == str(SUCCESS)


def refusal_reason_en(msg: str) -> str | None:
    """The English of a code 3's msg (its reason), or None when the table does not know the wording."""
    text = msg.strip()
    for pattern, english in _REFUSAL_REASONS:
        found = re.fullmatch(pattern, text)
        if found:
            return english.format(*found.groups())
    return None


def meaning_en(code: int | str, msg: str = "") -> str:
    """An answer in English: a code 3's reason when its msg is known, else what the code itself means."""
    if str(code).strip() == str(BUSINESS_FAILURE):
        return refusal_reason_en(msg) or describe(code).meaning_en
    return describe(code).meaning_en
