"""Checking and reading a Randou draw-result push (seed 001, PROTOCOLS.md §1).

A push arrives as a form POST or a query GET; either way the ledger hands us the flat string mapping
(`merge_params` merges both the way Laravel's `$request->all()` does: body over query). Nested objects
(`drawinggame_detail`, `prize`, `prize.goods`) are JSON strings inside flat parameters.

- `check_push(params, settings, now)`: the envelope. Common params present (`appid`, `timestamp`, `sign`;
  else MALFORMED), `appid` is ours (WRONG_APPID), the MD5 `sign` (BAD_SIGN), `nonce_str` present
  (MISSING_NONCE), `timestamp` within the window of `now` (STALE). None means accepted. Reuse of a nonce is
  the ledger's to check (it owns the store).
- `parse_push(params)`: the payload, as a `DrawPush`; ValueError with a clear message when malformed.

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

_MAX_JSON_LENGTH = 20_000
_MAX_TIMESTAMP_DIGITS = 12


class PushRefusal(StrEnum):
    MALFORMED = "MALFORMED"  # a common param (appid, timestamp, sign) is missing or not well-formed
    BAD_SIGN = "BAD_SIGN"
    WRONG_APPID = "WRONG_APPID"
    STALE = "STALE"  # timestamp outside the settings' window
    MISSING_NONCE = "MISSING_NONCE"


@dataclass(frozen=True)
class DrawPush:
    serial_no: str  # serialNo, unique per draw
    uid: str
    nonce: str  # nonce_str ("" if absent: check_push refuses that first)
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
        """What makes a push a duplicate (PROTOCOLS.md §1): the draw and the stage it reports."""
        return (self.serial_no, f"{self.hit}|{self.receive}|{self.order_result}")


def prize_kind(prize_type: str | None) -> str | None:
    """See `DrawPush.prize_kind`."""
    if prize_type is None:
        return None
    return _PRIZE_KINDS.get(prize_type, prize_type)


def merge_params(query: Mapping[str, str], form: Mapping[str, str]) -> dict[str, str]:
    """Query and form parameters as one flat mapping; a form value wins over a query value of the same name."""
    return {**{str(k): str(v) for k, v in query.items()}, **{str(k): str(v) for k, v in form.items()}}


def check_push(params: dict[str, str], settings: RandouSettings, now: datetime) -> PushRefusal | None:
    """Why the push must be refused, or None. Does not look at the payload (see parse_push)."""
    appid, timestamp, claimed = params.get("appid"), params.get("timestamp"), params.get("sign")
    if not _text(appid) or not _text(timestamp) or not _text(claimed):
        return PushRefusal.MALFORMED
    assert isinstance(timestamp, str)
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > _MAX_TIMESTAMP_DIGITS:
        return PushRefusal.MALFORMED
    if appid != settings.app_id:
        return PushRefusal.WRONG_APPID
    if not verify(params, settings.app_secret):
        return PushRefusal.BAD_SIGN
    if not _text(params.get("nonce_str")):
        return PushRefusal.MISSING_NONCE
    if abs(now.timestamp() - int(timestamp)) > settings.timestamp_window_s:
        return PushRefusal.STALE
    return None


def parse_push(params: dict[str, str]) -> DrawPush:
    """The push's payload. Raises ValueError naming the field when anything is missing or malformed."""
    serial_no = _required(params, "serialNo", 64)
    uid = _required(params, "uid", 64)
    mall_no = _optional_text(params, "mall_no", 64) or ""
    created_at = _optional_text(params, "created_at", 32) or ""
    if created_at:
        try:
            datetime.strptime(created_at, CREATED_AT_FORMAT)
        except ValueError:
            raise ValueError(f"created_at: expected yyyy-MM-dd HH:mm:ss, got {created_at!r}") from None
    credits = _int_param(_required(params, "credits", 20), "credits")
    hit = _yes_no(_required(params, "hit", 3), "hit")
    receive_text = _optional_text(params, "receive", 3)
    receive = _yes_no(receive_text, "receive") if receive_text is not None else None
    detail = _json_object(params, "drawinggame_detail", required=True)
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
        prize_type = _json_text(prize, "type", "prize.type", 64)
        prize_name = _json_text(prize, "name", "prize.name", 256)
        if prize.get("credits_gain") is not None:
            credits_gain = _json_int(prize["credits_gain"], "prize.credits_gain")
        goods = prize.get("goods")
        if goods is not None:
            if not isinstance(goods, dict):
                raise ValueError("prize.goods: must be a JSON object")
            product_no = goods.get("product_no", "")
            if not isinstance(product_no, str | int) or isinstance(product_no, bool) or len(str(product_no)) > 64:
                raise ValueError("prize.goods.product_no: must be a string of at most 64 characters")
            product_id = str(product_no) or None
            product_name = _json_text(goods, "product_name", "prize.goods.product_name", 255)
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

    game_title = detail.get("title") if isinstance(detail, dict) else None
    game_id = detail.get("uniqueID") if isinstance(detail, dict) else None
    raw: dict[str, Any] = {name: value for name, value in params.items() if name not in ("sign",)}
    raw["drawinggame_detail"] = detail
    if prize is not None:
        raw["prize"] = prize
    return DrawPush(serial_no=serial_no, uid=uid, nonce=params.get("nonce_str") or "", stage=stage, hit=hit,
                    receive=receive, prize_type=prize_type, credits=credits, credits_gain=credits_gain,
                    product_id=product_id, product_name=product_name, order_result=order_result,
                    mall_no=mall_no, created_at=created_at,
                    game_title=str(game_title) if game_title is not None else None,
                    game_id=str(game_id) if game_id is not None else None,
                    prize_name=prize_name, raw=raw)


def _text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _required(params: Mapping[str, str], name: str, max_length: int) -> str:
    value = params.get(name)
    if not _text(value):
        raise ValueError(f"{name}: is required")
    assert isinstance(value, str)
    if len(value) > max_length:
        raise ValueError(f"{name}: at most {max_length} characters")
    return value


def _optional_text(params: Mapping[str, str], name: str, max_length: int) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise ValueError(f"{name}: at most {max_length} characters")
    return value


def _yes_no(value: str, name: str) -> bool:
    if value not in ("YES", "NO"):
        raise ValueError(f"{name}: expected YES or NO, got {value!r}")
    return value == "YES"


def _int_param(value: str, name: str) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{name}: expected a whole number, got {value!r}")
    return int(text)


def _json_int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected a whole number, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{name}: must not be negative")
        return value
    if isinstance(value, str) and len(value) <= 20:
        return _int_param(value, name)
    raise ValueError(f"{name}: expected a whole number, got {value!r}")


def _json_object(params: Mapping[str, str], name: str, *, required: bool) -> dict[str, Any] | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ValueError(f"{name}: is required")
        return None
    if len(value) > _MAX_JSON_LENGTH:
        raise ValueError(f"{name}: at most {_MAX_JSON_LENGTH} characters")
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"{name}: not valid JSON ({error})") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"{name}: must be a JSON object")
    return parsed


def _json_text(obj: Mapping[str, Any], key: str, name: str, max_length: int) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: is required (a non-empty string)")
    if len(value) > max_length:
        raise ValueError(f"{name}: at most {max_length} characters")
    return value
