"""UnionPay's `resp` codes for qual.reduce: meaning, and whether sending the same draw again is safe.

Published codes are copied in zingson/go-helper `errno.go` and hlib-go `resp_code.go` (PROTOCOLS.md §0).
The sandbox answers "no qualification left" and "transNumber reused with other content" with codes of its
own (no public source names them); they start with `SBX` so they cannot be taken for real ones.

`retry_safe`: may the same draw (same transNumber) be sent again, signed afresh? True only where the
refusal is about the envelope and not the draw (a stale timestamp, an expired token).
"""

from __future__ import annotations

from dataclasses import dataclass

SUCCESS = "00"
TOKEN_INVALID = "a10"
ILLEGAL_REQUEST = "BC0024"
SIGNATURE_INVALID = "BC0025"
APP_ID_UNKNOWN = "BC2126"
ACTIVITY_MISMATCH = "S52172"
SIGNATURE_EMPTY = "N62104"
NONCE_EMPTY = "N62107"
TIMESTAMP_EMPTY = "N62108"
# Invented by the sandbox (ASSUMPTION, PROTOCOLS.md §0 "Idempotency" and "What the sandbox must emulate").
NO_QUALIFICATION = "SBX001"
TRANS_NUMBER_REUSED = "SBX002"
PARAMS_INVALID = "SBX003"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    table: str  # "published", "sandbox" (invented) or "unknown"
    meaning: str
    retry_safe: bool


_ROWS: list[tuple[str, str, str, bool]] = [
    (SUCCESS, "published", "成功 success", False),
    (TOKEN_INVALID, "published", "invalid or expired backend_token: fetch a new one", True),
    ("a20", "published", "invalid frontend_token", False),
    ("a31", "published", "invalid auth code", False),
    (ILLEGAL_REQUEST, "published", "非法请求 illegal request (check the timestamp, business permission)", True),
    (SIGNATURE_INVALID, "published", "验签失败 signature check failed", False),
    (APP_ID_UNKNOWN, "published", "appId not in cache", False),
    ("N62126", "published", "appId not in cache", False),
    ("BC2127", "published", "backendToken not in cache", True),
    ("N62127", "published", "backendToken not in cache", True),
    (SIGNATURE_EMPTY, "published", "empty signature", False),
    (NONCE_EMPTY, "published", "empty nonceStr", False),
    (TIMESTAMP_EMPTY, "published", "empty timestamp", False),
    ("S52131", "published", "no permission for the interface", False),
    (ACTIVITY_MISMATCH, "published", "illegal access-party code (activity mismatch)", False),
    ("3023", "published", "user not registered with the UnionPay app", False),
    ("GCUP06038", "published", "over limit", False),
    ("GCUP06045", "published", "coupon quota exhausted", False),
    ("GCUP07051", "published", "user not real-name verified", False),
    (NO_QUALIFICATION, "sandbox", "no qualification left for this value (sandbox code)", False),
    (TRANS_NUMBER_REUSED, "sandbox", "transNumber already used with other content (sandbox code)", False),
    (PARAMS_INVALID, "sandbox", "a required parameter is missing or malformed (sandbox code)", False),
]

CODES: dict[str, CodeInfo] = {code: CodeInfo(code, table, meaning, retry) for code, table, meaning, retry in _ROWS}


def describe(code: str) -> CodeInfo:
    """What a `resp` means; a code missing from the table is "unknown" and never retry-safe."""
    text = str(code).strip()
    known = CODES.get(text)
    if known is not None:
        return known
    if text.startswith("N621") or text.startswith("N620"):
        return CodeInfo(text, "published", "a required parameter is missing", False)
    return CodeInfo(text, "unknown", f"unknown code {text}", False)
