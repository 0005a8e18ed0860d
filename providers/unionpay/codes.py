"""UnionPay's `resp` codes for qual.reduce: what each means, which kind of answer it is, and why.

Every answer is one of three kinds (issue 10), which decide what the ledger does with a draw:
- DONE: the draw was made (`00`: Accepted once its awardInfo is read; a success whose prize cannot be read
  is Unknown, never a blank).
- REFUSED: refused before anything happened (Rejected, final: nothing drawn, nothing paid).
- MAY_HAVE_HAPPENED: a draw may exist (Unknown: the reward stays UNKNOWN until syncReward settles it). So
  is every code this table does not list: nothing then tells that nothing was drawn.

The seed explains no code but `00`; the published codes and their meanings are the SDKs' tables copied in
PROTOCOLS.md §0 (zingson/go-helper `errno.go`, hlib-go `resp_code.go`). The sandbox answers what no public
source names ("no qualification left", "transNumber reused with other content", a blank draw) with codes of
its own that start with `SBX`, so they cannot be taken for real ones.

`retry_safe`: may the same draw (same transNumber) be sent again, signed afresh, with a chance that it
passes later? Only refusals about the envelope can be (a stale timestamp, an expired token).
`after_replay_check`: UnionPay looked the transNumber up before refusing, so on a resend the refusal proves
no earlier draw exists under it. Only the sandbox's own codes are known to come that late; for a published
code nothing says in which order UnionPay checks, so a resend refused with one says nothing of the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

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
NO_AWARD = "SBX004"


class AnswerKind(StrEnum):
    DONE = "done"  # the draw was made: Accepted with the award it reads (or NOT_WON for the sandbox's blank)
    REFUSED = "refused"  # refused before anything happened: Rejected, final
    MAY_HAVE_HAPPENED = "may_have_happened"  # Unknown: UNKNOWN until syncReward settles it


DONE, REFUSED, MAY = AnswerKind.DONE, AnswerKind.REFUSED, AnswerKind.MAY_HAVE_HAPPENED


@dataclass(frozen=True)
class CodeInfo:
    code: str
    table: str  # "published", "sandbox" (invented) or "unknown"
    meaning: str  # English, after UnionPay's own Chinese msg where a published source gives one
    retry_safe: bool
    kind: AnswerKind
    reason: str  # why an answer with this code is of that kind
    after_replay_check: bool = False

    @property
    def meaning_en(self) -> str:
        """The meaning without the Chinese msg some rows start with ("验签失败 signature check failed")."""
        words = self.meaning.split(" ")
        while len(words) > 1 and not words[0].isascii():
            words.pop(0)
        return " ".join(words)


_MISSING_PARAMETER_CODES = re.compile(r"N\d{5}")

# Reasons shared by several codes.
_TOKEN = "a token or code check made before the call is served (PROTOCOLS.md §0): nothing was drawn"
_FETCH_TOKEN = ("a token check made before the call is served: nothing was drawn; SDKs fetch a new token and "
                "call again (PROTOCOLS.md §0)")
_APP_ID = "the appId is checked before the call is served: nothing was drawn"
_MISSING = "a required parameter is missing: the call cannot be served, nothing was drawn"
_PERMISSION = "the caller may not make this call: refused before any draw"
_PRECONDITION = "a condition of the member or the activity checked before a prize is given: nothing was issued"
_UNKNOWN = "a code neither the seed nor PROTOCOLS.md §0 explains: nothing tells that nothing was drawn"

# (code, table, meaning, kind, retry_safe, reason)
_ROWS: list[tuple[str, str, str, AnswerKind, bool, str]] = [
    (SUCCESS, "published", "成功 success", DONE, False,
     "the seed: resp 00 is success; the prize is read from awardInfo"),
    (TOKEN_INVALID, "published", "invalid or expired backend_token: fetch a new one", REFUSED, True, _FETCH_TOKEN),
    ("a20", "published", "invalid frontend_token", REFUSED, False, _TOKEN),
    ("a31", "published", "invalid auth code", REFUSED, False, _TOKEN),
    (ILLEGAL_REQUEST, "published", "非法请求 illegal request (check the timestamp, business permission)", REFUSED,
     True, "the timestamp and business-permission check, made before the call is served (PROTOCOLS.md §0: "
     "check the timestamp); signed again with a fresh timestamp it may pass"),
    (SIGNATURE_INVALID, "published", "验签失败 signature check failed", REFUSED, False,
     "the signature is checked before the call is served; the same keys would fail again"),
    (APP_ID_UNKNOWN, "published", "appId not in cache", REFUSED, False, _APP_ID),
    ("N62126", "published", "appId not in cache", REFUSED, False, _APP_ID),
    ("BC2127", "published", "backendToken not in cache", REFUSED, True, _FETCH_TOKEN),
    ("N62127", "published", "backendToken not in cache", REFUSED, True, _FETCH_TOKEN),
    (SIGNATURE_EMPTY, "published", "empty signature", REFUSED, False, _MISSING),
    (NONCE_EMPTY, "published", "empty nonceStr", REFUSED, False, _MISSING),
    (TIMESTAMP_EMPTY, "published", "empty timestamp", REFUSED, False, _MISSING),
    ("S52131", "published", "no permission for the interface", REFUSED, False, _PERMISSION),
    (ACTIVITY_MISMATCH, "published", "illegal access-party code (activity mismatch)", REFUSED, False,
     "the activity is not the caller's: refused before any draw"),
    ("3023", "published", "user not registered with the UnionPay app", REFUSED, False,
     "no UnionPay user to draw for: refused before any draw"),
    ("GCUP06038", "published", "over limit", REFUSED, False, _PRECONDITION),
    ("GCUP06045", "published", "coupon quota exhausted", REFUSED, False, _PRECONDITION),
    ("GCUP07051", "published", "user not real-name verified", REFUSED, False, _PRECONDITION),
    (PARAMS_INVALID, "sandbox", "a required parameter is missing or malformed (sandbox code)", REFUSED, False,
     "the sandbox checks the parameters before it looks at the transNumber: nothing was drawn"),
    (TRANS_NUMBER_REUSED, "sandbox", "transNumber already used with other content (sandbox code)", MAY, False,
     "a draw under this transNumber exists and may have won; nothing here says it was not ours"),
    (NO_AWARD, "sandbox", "the draw won nothing (sandbox code)", DONE, False,
     "the sandbox's blank: the qualification was used and the draw won nothing (NOT_WON). The seed prints "
     "no blank (every draw it describes gives a red packet or a coupon), so no real answer carries it"),
]
# Refused after the transNumber was looked up (the sandbox's order of checks, sandbox_draw.py).
_AFTER_REPLAY_CHECK = [
    (NO_QUALIFICATION, "sandbox", "no qualification left for this value (sandbox code)", REFUSED, False,
     "the sandbox looks the transNumber up first (a known one is replayed), then finds no qualification "
     "left: nothing was drawn"),
]

CODES: dict[str, CodeInfo] = {
    **{code: CodeInfo(code, table, meaning, retry, kind, reason)
       for code, table, meaning, kind, retry, reason in _ROWS},
    **{code: CodeInfo(code, table, meaning, retry, kind, reason, after_replay_check=True)
       for code, table, meaning, kind, retry, reason in _AFTER_REPLAY_CHECK},
}


def describe(code: str) -> CodeInfo:
    """What a `resp` means; a code missing from the table is "unknown": it may have happened."""
    text = str(code).strip()
    known = CODES.get(text)
    if known is not None:
        return known
    if _MISSING_PARAMETER_CODES.fullmatch(text) and 62100 <= int(text[1:]) <= 62143:  # PROTOCOLS.md §0
        return CodeInfo(text, "published", "a required parameter is missing", False, REFUSED, _MISSING)
    return CodeInfo(text, "unknown", f"unknown code {text}", False, MAY, _UNKNOWN)
