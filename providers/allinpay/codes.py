"""The gateway's return codes for couponSend: what each means and whether repeating the request is safe.

The seed gives two: `0` success and `3` failure with the reason in `msg`. Every other value refers to
"4.1 公共返回码" (the gateway's public return codes), which is not public (PROTOCOLS.md §2), so any other
code is "unknown": never a success, and never a reason to send a different order.

The sandbox answers envelope problems (wrong appId, stale timestamp, bad signature ...) with codes of its
own, listed here in a separate table and marked as invented: the real gateway's numbers for these are
not known, and the adapter treats them like any other unknown code.

`retry_safe` answers: may the very same request be sent again at once? Repeating the same `orderId`
with the same content is harmless (the gateway answers a repeat with the original result), but a
business refusal (`3`) would only be refused again, and an unknown code says nothing we could rely on.
"""

from __future__ import annotations

from dataclasses import dataclass

SUCCESS = 0
BUSINESS_FAILURE = 3
# The msg of a code 3 for an orderId already used with other content. Its wording is an ASSUMPTION
# (PROTOCOLS.md §2: no public statement on duplicates); the sandbox answers exactly this.
DUPLICATE_ORDER_MSG = "订单号重复"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    table: str  # "seed", "sandbox" (invented) or "unknown"
    meaning_zh: str
    meaning_en: str
    retry_safe: bool


_SEED: list[tuple[int, str, str]] = [
    (SUCCESS, "成功", "success: the coupons were issued"),
    (BUSINESS_FAILURE, "失败,具体失败原因参见msg字段", "refused; the reason is in msg"),
]

# Invented by this project's sandbox (no public table exists); numbers chosen far from 0 and 3.
APP_ID_INVALID = 9101
TIMESTAMP_INVALID = 9102
SIGNATURE_INVALID = 9103
METHOD_UNKNOWN = 9104
PARAMS_INVALID = 9105
_SANDBOX: list[tuple[int, str, str]] = [
    (APP_ID_INVALID, "appId不存在", "unknown appId (sandbox code)"),
    (TIMESTAMP_INVALID, "时间戳无效或超出允许范围", "timestamp missing or outside the window (sandbox code)"),
    (SIGNATURE_INVALID, "验签失败", "signature check failed (sandbox code)"),
    (METHOD_UNKNOWN, "不支持的接口方法", "unsupported method (sandbox code)"),
    (PARAMS_INVALID, "公共请求参数缺失或格式错误", "a common parameter is missing or malformed (sandbox code)"),
]


def _build_table() -> dict[str, CodeInfo]:
    table: dict[str, CodeInfo] = {}
    for name, rows in (("seed", _SEED), ("sandbox", _SANDBOX)):
        for code, zh, en in rows:
            table[str(code)] = CodeInfo(code=str(code), table=name, meaning_zh=zh, meaning_en=en, retry_safe=False)
    return table


CODES: dict[str, CodeInfo] = _build_table()


def describe(code: int | str) -> CodeInfo:
    """What a `code` means; one missing from the tables is "unknown" and never retry-safe."""
    text = str(code).strip()
    known = CODES.get(text)
    if known is not None:
        return known
    return CodeInfo(code=text, table="unknown", meaning_zh="未知返回码", meaning_en=f"unknown code {text}",
                    retry_safe=False)


def is_success(code: int | str) -> bool:
    return str(code).strip() == str(SUCCESS)
