"""The gateway's wire format, and pure mapping from its answers to typed outcomes.

Requests: form fields `app_key, access_token, timestamp, format, v, sign_method, sign, param_json`, with
the business parameters as the JSON string `param_json`. Answers: `{success, ret, msg, content}`, where
`content` may arrive as an object, a list of objects (a feed's rows) or either one JSON-encoded as a string
(§3.1 types it String), and field names are not consistently cased (the seed's own `Amoutticket`,
`AmountPrize`), so they are read case-insensitively.

A thirdAward answer is sorted by its code's kind (codes.py): redeemed, refused, or may have happened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from providers.instant_lottery import codes
from providers.instant_lottery.signing import beijing_timestamp, sign

API_VERSION = "1.0"
REDEEM_BY_MACHINE_READING = 1701  # type 1704 (manual entry) is not supported by the gateway either


@dataclass(frozen=True)
class GatewayReply:
    success: bool
    ret: str
    msg: str
    content: dict[str, Any] = field(default_factory=dict)  # {} when content is a list
    rows: tuple[Any, ...] | None = None  # content, when it is a list (a feed's rows)

    def get(self, name: str, default: Any = None) -> Any:
        """A content field by name, ignoring case."""
        wanted = name.lower()
        for key, value in self.content.items():
            if key.lower() == wanted:
                return value
        return default


def request_form(*, app_key: str, app_secret: str, sign_method: str, business: dict[str, Any],
                 token: str | None, moment: datetime) -> dict[str, str]:
    form = {
        "app_key": app_key,
        "timestamp": beijing_timestamp(moment),
        "format": "json",
        "v": API_VERSION,
        "param_json": json.dumps(business, ensure_ascii=False, separators=(",", ":")),
    }
    if token:
        form["access_token"] = token
    # For MD5 the optional sign_method is left out: then the signed-or-not ambiguity of the seed cannot
    # matter (PROTOCOLS.md §3). SHA-1 has to be named, and is signed as the seed says.
    if sign_method != "MD5":
        form["sign_method"] = sign_method
    form["sign"] = sign(form, app_secret, sign_method)
    return form


def parse_reply(status_code: int, body: bytes) -> GatewayReply | None:
    """The gateway's answer, or None when the body is not one (an HTML error page, a proxy's 502)."""
    if status_code != 200:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or "ret" not in data:
        return None
    content = data.get("content") or {}
    if isinstance(content, str):
        try:
            content = json.loads(content) if content.strip() else {}
        except ValueError:
            return None
    rows = tuple(content) if isinstance(content, list) else None
    if rows is None and not isinstance(content, dict):
        return None
    success = data.get("success")
    return GatewayReply(success=success is True or str(success).lower() == "true", ret=str(data["ret"]),
                        msg=str(data.get("msg", "")), content={} if rows is not None else content, rows=rows)


def yuan_to_fen(value: Any) -> int | None:
    """The gateway speaks whole yuan (`prize` is an int); the ledger keeps fen."""
    if isinstance(value, bool):  # JSON true/false is not an amount (float(True) would be 1 yuan)
        return None
    try:
        fen = int(round(float(value) * 100))
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON Infinity, "1e400"
        return None
    return fen if fen >= 0 else None  # a negative prize is no prize we could pay


def _ticket_details(reply: GatewayReply) -> dict[str, Any]:
    names = ("ticketNo", "gameName", "price", "level", "soldCity", "transacIdOrg", "awardStation", "awardTime")
    details = {name: reply.get(name) for name in names if reply.get(name) is not None}
    details["ret"] = reply.ret
    return details


def redemption_outcome(reply: GatewayReply, transac_id: str) -> Outcome:
    """What a thirdAward answer means for the reward, by its code's kind (codes.py).

    1307 (already redeemed) is returned as a refusal carrying `transacIdOrg`: only the ledger knows whether
    that earlier transaction was its own. Success with any other code, a code that may have redeemed the
    ticket and a code the seed does not list are all Unknown: the ticket stays held until sync settles it."""
    if reply.ret in codes.REDEEMED and reply.success:
        prize_fen = yuan_to_fen(reply.get("prize"))
        if prize_fen is None:
            return Unknown(f"redeemed ({reply.ret}) but the prize is unreadable")
        return Accepted(status=RewardStatus.ISSUED, amount=prize_fen,
                        refs={"transacId": transac_id, "ticketNo": reply.get("ticketNo")},
                        details=_ticket_details(reply))
    info = codes.describe(reply.ret)
    if reply.ret == codes.ALREADY_REDEEMED:
        details = {**_ticket_details(reply), "prizeFen": yuan_to_fen(reply.get("prize"))}
        return Rejected(code=reply.ret, message=info.meaning_en, retryable=False, details=details)
    if info.kind is not codes.AnswerKind.REFUSED or reply.success:
        return Unknown(f"the gateway answered {info.code or '(no code)'} ({info.meaning_en}): {info.reason}")
    status = RewardStatus.NOT_WON if reply.ret == codes.NOT_WINNING else RewardStatus.FAILED
    return Rejected(code=reply.ret, message=info.meaning_en, retryable=info.retry_safe, status=status,
                    details=_ticket_details(reply))
