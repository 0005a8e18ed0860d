"""Checking and reading a Randou draw-result push (seed 001, PROTOCOLS.md §1).

A push arrives as a form POST, a query GET or a JSON body (push_body.py); either way the ledger hands us
the flat string mapping (`merge_params` merges query and body the way Laravel's `$request->all()` does:
body over query). Nested objects (`drawinggame_detail`, `prize`, `prize.goods`) are JSON text inside flat
parameters.

- `check_push(params, settings)`: is it Randou's? Common params present and well-formed (`appid`,
  `timestamp`, `sign`, `nonce_str` of at most 64 characters; else MALFORMED), `appid` is ours
  (WRONG_APPID), the MD5 `sign` (BAD_SIGN), `nonce_str` present (MISSING_NONCE). None means authentic.
- `parse_push(params)`: the payload, as a `DrawPush`; ValueError naming the field when a field is missing
  or outside its bounds (push_fields.py).
- `check_age(push, settings, now)`: may a push not yet recorded still be recorded (STALE if not)? Asked
  only for new pushes: one already recorded is answered `success` whatever its age or nonce, because
  Randou retries until it reads `success` and a repeated push changes nothing. Reuse of a nonce is the
  ledger's to check (it owns the store), and for new pushes only.

The reply Randou expects is HTTP 200 with the plain body `success` (`REPLY_SUCCESS`); anything else makes
it push again. Answer `success` to a duplicate that was already processed; `fail` only when refusing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from providers.randou.push_fields import (
    checked_text,
    is_well_formed_nonce,
    optional_display_text,
    optional_identifier,
    required_display_text,
    required_identifier,
    whole_number,
)
from providers.randou.settings import RandouSettings
from providers.randou.signing import verify

REPLY_SUCCESS = "success"
REPLY_FAIL = "fail"
COMMON_PARAMS = ("appid", "timestamp", "nonce_str", "sign")

# Stages, the latest one a push carries.
STAGE_HIT = "hit"  # hit=NO, or hit=YES with no `receive` yet
STAGE_RECEIVE = "receive"  # `receive` is YES or NO (NO: the claim period expired)
STAGE_ORDER_RESULT = "prize.order_result"  # a goods prize's order succeeded or failed

# Prize types as the seed names them.
GOODS_MATERIAL = "GOODS_MATERIAL"  # 实物类商品, a physical good
GOODS_COUPON = "GOODS_COUPON"  # 优惠券类商品
GOODS_CHARGE = "GOODS_CHARGE"  # 直充类商品, a top-up
CREDITS = "CREDITS"  # 积分
FREE_DRAW = "FREE_DRAW"  # 再来一次
GOODS_TYPES = frozenset({GOODS_MATERIAL, GOODS_COUPON, GOODS_CHARGE})
PRIZE_TYPES = frozenset({*GOODS_TYPES, CREDITS, FREE_DRAW})
_PRIZE_KINDS = {GOODS_MATERIAL: "GOODS", GOODS_CHARGE: "GOODS", GOODS_COUPON: "COUPON", CREDITS: "CREDITS",
                FREE_DRAW: "FREE_DRAW"}
ORDER_RESULTS = ("success", "fail")
CREATED_AT_FORMAT = "%Y-%m-%d %H:%M:%S"  # Beijing wall time, as sent

MAX_JSON_LENGTH = 20_000  # a nested object's JSON text
MAX_APPID_LENGTH = 64  # as the settings' appId
MAX_TIMESTAMP_DIGITS = 12


class PushRefusal(StrEnum):
    MALFORMED = "MALFORMED"  # a common param (appid, timestamp, sign, nonce_str) is missing or not well-formed
    BAD_SIGN = "BAD_SIGN"
    WRONG_APPID = "WRONG_APPID"
    STALE = "STALE"  # new, and its timestamp is outside the accept window (see check_age)
    MISSING_NONCE = "MISSING_NONCE"


@dataclass(frozen=True)
class DrawPush:
    serial_no: str  # serialNo, unique per draw
    uid: str
    nonce: str  # nonce_str ("" if absent: check_push refuses that first)
    timestamp: int  # when Randou signed this push, Unix seconds (check_age)
    stage: str  # STAGE_HIT | STAGE_RECEIVE | STAGE_ORDER_RESULT
    hit: bool | None  # hit YES/NO
    receive: bool | None  # receive YES/NO, only when hit
    prize_type: str | None  # prize.type, as sent (the seed's five, or a newer one)
    credits: int | None  # credits, what the draw cost (0 for a free draw)
    credits_gain: int | None  # prize.credits_gain, for a received CREDITS prize
    product_id: str | None  # prize.goods.product_no (None when empty: "若未填则为空字符串")
    product_name: str | None  # prize.goods.product_name
    order_result: str | None  # prize.order_result: "success" | "fail"
    mall_no: str = ""
    created_at: str = ""  # "yyyy-MM-dd HH:mm:ss", as sent
    game_title: str | None = None  # drawinggame_detail.title
    game_id: str | None = None  # drawinggame_detail.uniqueID
    prize_name: str | None = None  # prize.name
    raw: dict[str, Any] = field(default_factory=dict)  # the payload with nested JSON parsed

    @property
    def prize_kind(self) -> str | None:
        """The prize's family: "GOODS" (GOODS_MATERIAL, GOODS_CHARGE), "COUPON" (GOODS_COUPON), "CREDITS",
        "FREE_DRAW", or the type as sent when it is none of the seed's five."""
        return prize_kind(self.prize_type)

    @property
    def dedup_key(self) -> tuple[str, str]:
        """What makes a push a duplicate (PROTOCOLS.md §1): the draw and the stage it reports, as the ledger
        records them (one stage per hit/receive/order_result combination a draw can reach)."""
        return (self.serial_no, self.stage)


def prize_kind(prize_type: str | None) -> str | None:
    """See `DrawPush.prize_kind`."""
    if prize_type is None:
        return None
    return _PRIZE_KINDS.get(prize_type, prize_type)


def merge_params(query: Mapping[str, str], form: Mapping[str, str]) -> dict[str, str]:
    """Query and form parameters as one flat mapping; a form value wins over a query value of the same name."""
    return {**{str(k): str(v) for k, v in query.items()}, **{str(k): str(v) for k, v in form.items()}}


def check_push(params: dict[str, str], settings: RandouSettings) -> PushRefusal | None:
    """Why the push is not authentic, or None. Looks neither at its age (check_age) nor at the payload
    (parse_push)."""
    appid, timestamp, claimed = params.get("appid"), params.get("timestamp"), params.get("sign")
    if not _text(appid) or not _text(timestamp) or not _text(claimed):
        return PushRefusal.MALFORMED
    assert isinstance(appid, str) and isinstance(timestamp, str)
    if len(appid) > MAX_APPID_LENGTH or not _is_timestamp(timestamp) or not _is_utf8_text(params):
        return PushRefusal.MALFORMED
    if appid != settings.app_id:
        return PushRefusal.WRONG_APPID
    if not verify(params, settings.app_secret):
        return PushRefusal.BAD_SIGN
    nonce = params.get("nonce_str")
    if not _text(nonce):
        return PushRefusal.MISSING_NONCE
    if not is_well_formed_nonce(nonce):
        return PushRefusal.MALFORMED  # signed, but it could not be stored: refused rather than a 500
    return None


def check_age(push: DrawPush, settings: RandouSettings, now: datetime) -> PushRefusal | None:
    """Whether a push not yet recorded is recent enough to record: signed at most `accept_window_s` ago
    (Randou's retries after a lost `success` or our outage) and at most `timestamp_window_s` ahead of our
    clock (clocks disagree). Within the window a replay is caught by its nonce, outside it by this."""
    age = now.timestamp() - push.timestamp
    if age > settings.accept_window_s or -age > settings.timestamp_window_s:
        return PushRefusal.STALE
    return None


def parse_push(params: dict[str, str]) -> DrawPush:
    """The push's payload. Raises ValueError naming the field when anything is missing, malformed or
    outside the bounds in push_fields.py."""
    serial_no = required_identifier(params, "serialNo", 20)
    uid = required_identifier(params, "uid", 64)
    timestamp = params.get("timestamp")
    if not isinstance(timestamp, str) or not _is_timestamp(timestamp):
        raise ValueError("timestamp: expected Unix seconds")
    mall_no = optional_identifier(params, "mall_no", 6) or ""
    created_at = optional_identifier(params, "created_at", len("yyyy-MM-dd HH:mm:ss")) or ""
    if created_at:
        try:
            datetime.strptime(created_at, CREATED_AT_FORMAT)
        except ValueError:
            raise ValueError(f"created_at: expected yyyy-MM-dd HH:mm:ss, got {created_at!r}") from None
    credits = whole_number(params.get("credits"), "credits")
    hit = _yes_no(required_identifier(params, "hit", 3), "hit")
    receive_text = optional_identifier(params, "receive", 3)
    receive = _yes_no(receive_text, "receive") if receive_text is not None else None
    detail = _json_object(params, "drawinggame_detail", required=True)
    assert detail is not None
    prize = _json_object(params, "prize", required=False)

    if not hit and receive is not None:
        raise ValueError("receive: only sent when hit is YES")
    if not hit and prize is not None:
        raise ValueError("prize: only sent when hit is YES")
    if hit and prize is None:
        raise ValueError("prize: required when hit is YES")

    prize_type = prize_name = product_id = product_name = order_result = None
    credits_gain = None
    if prize is not None:
        prize_type = required_identifier(prize, "type", 64, where="prize")
        prize_name = required_display_text(prize, "name", 256, where="prize")
        if prize.get("credits_gain") is not None:
            credits_gain = whole_number(prize["credits_gain"], "prize.credits_gain")
        goods = prize.get("goods")
        if goods is not None:
            if not isinstance(goods, dict):
                raise ValueError("prize.goods: must be a JSON object")
            product_id = _product_no(goods.get("product_no", "")) or None
            product_name = required_display_text(goods, "product_name", 255, where="prize.goods")
        if prize.get("order_result") is not None:
            order_result = prize["order_result"]
            if order_result not in ORDER_RESULTS:
                raise ValueError(f"prize.order_result: expected success or fail, got {order_result!r}")
            if receive is not True:
                raise ValueError("prize.order_result: only sent when receive is YES")

    stage = STAGE_HIT
    if order_result is not None:
        stage = STAGE_ORDER_RESULT
    elif receive is not None:
        stage = STAGE_RECEIVE

    game_title = optional_display_text(detail, "title", 64, where="drawinggame_detail")
    game_id = optional_identifier(detail, "uniqueID", 6, where="drawinggame_detail")
    raw: dict[str, Any] = {name: value for name, value in params.items() if name not in ("sign",)}
    raw["drawinggame_detail"] = detail
    if prize is not None:
        raw["prize"] = prize
    return DrawPush(serial_no=serial_no, uid=uid, nonce=params.get("nonce_str") or "", timestamp=int(timestamp),
                    stage=stage, hit=hit, receive=receive, prize_type=prize_type, credits=credits,
                    credits_gain=credits_gain, product_id=product_id, product_name=product_name,
                    order_result=order_result, mall_no=mall_no, created_at=created_at, game_title=game_title,
                    game_id=game_id, prize_name=prize_name, raw=raw)


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_utf8_text(params: Mapping[str, str]) -> bool:
    """Whether every name and value can be signed: a lone surrogate (from a JSON `\\ud800`) cannot be
    encoded to UTF-8 and would fail the MD5 with a server error."""
    try:
        for name, value in params.items():
            name.encode("utf-8")
            value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_timestamp(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= MAX_TIMESTAMP_DIGITS


def _yes_no(value: str, name: str) -> bool:
    if value not in ("YES", "NO"):
        raise ValueError(f"{name}: expected YES or NO, got {value!r}")
    return value == "YES"


def _product_no(value: Any) -> str:
    """`prize.goods.product_no`: a string of at most 20 (empty when the developer left it blank); a JSON
    number is read as its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("prize.goods.product_no: must be a string of at most 20 characters")
    return checked_text(value, "prize.goods.product_no", 20, display=False)


def _json_object(params: Mapping[str, str], name: str, *, required: bool) -> dict[str, Any] | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ValueError(f"{name}: is required")
        return None
    if len(value) > MAX_JSON_LENGTH:
        raise ValueError(f"{name}: at most {MAX_JSON_LENGTH} characters")
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"{name}: not valid JSON ({error})") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"{name}: must be a JSON object")
    return parsed
