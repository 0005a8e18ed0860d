"""A tenant's settings for the cash red packet platform: parsed, validated, and masked for display.

The JSON shape is what the sandbox's `/_control/config` returns and what `configureProvider` takes:
{"baseUrl", "projectKey", "shopId", "apiPrefix"?, "authMode"?, "appSignKey"?, "authorType"?,
"defaultSource"?, "unlistedSendReleaseSeconds"?, "refusedErrcodes"?, "connectTimeoutSeconds"?,
"readTimeoutSeconds"?}. `refusedErrcodes` ([int, ...]) names the errcodes that refuse a call before
anything happens (the reward fails, its hold is released); every other non-zero errcode may hide packets.
Absent: PROTOCOLS.md §4's 40001, 40004 and 50001 (codes.py), since the platform's code page is not public.

PROTOCOLS.md §4: every call is `POST {baseUrl}{apiPrefix}{path}?db=<projectKey>` with a JSON body. The
`db` project key picks the tenant's database on the platform and is all that stands between a caller and
the API when no AppSign is used, so it is kept as a secret. `authMode: "appSign"` adds the AppSign
variant (signing.py), which needs `appSignKey`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any
from urllib.parse import urlsplit

from providers.http import Timeouts
from providers.red_packet.codes import OK, REFUSED_ERRCODES
from providers.settings import SettingsInvalid, masked_copy, require_text, timeouts_from

PROVIDER = "red-packet"
SECRET_FIELDS = ("projectKey", "appSignKey")
# The keys read below; baseUrl, the timeouts and tlsCaBundle are every calling provider's (providers/settings.py).
SETTING_KEYS = frozenset({"projectKey", "shopId", "apiPrefix", "authMode", "appSignKey", "authorType",
                          "defaultSource", "unlistedSendReleaseSeconds", "refusedErrcodes"})
AUTH_MODES = ("none", "appSign")
DEFAULT_API_PREFIX = "/v1"  # the observed helper calls {prefix}/v1{path} (PROTOCOLS.md §4)
DEFAULT_AUTHOR_TYPE = "MD5"  # ASSUMPTION: the value of AuthorType is not public
MAX_INT11 = 2_147_483_647  # the seed's Integer(11) ids are MySQL INT columns
# A send whose answer may hide packets (lost, or a code no document explains) is handed to a person
# (NEEDS_ATTENTION, its hold kept) when the platform still lists no packet this long after it: the seed
# does not say how soon a packet is listed, so the default leaves a slow send a quarter of an hour.
DEFAULT_UNLISTED_RELEASE_S = 900
UNLISTED_RELEASE_RANGE_S = (60, 7 * 24 * 3600)


class Source(IntEnum):
    """红包来源, the seed's `source`: where a packet came from."""

    SCAN = 1  # 扫码
    MANUAL = 2  # 手动派发
    LOTTERY = 3  # 抽奖
    PURCHASE_GIFT = 4  # 消费赠送
    GAME = 5  # 游戏
    OPEN = 6  # OPEN: sent through this API by another system, which is what this service is


def parse_source(value: Any) -> Source:
    """A source given by name ("LOTTERY", any case) or number (3 or "3"); ValueError otherwise."""
    if isinstance(value, Source):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value in Source._value2member_map_:
        return Source(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and int(text) in Source._value2member_map_:
            return Source(int(text))
        if text.upper() in Source.__members__:
            return Source[text.upper()]
    raise ValueError(f"source must be one of {', '.join(s.name for s in Source)} or 1-6")


@dataclass(frozen=True)
class RedPacketSettings:
    base_url: str
    api_prefix: str
    project_key: str
    shop_id: int
    auth_mode: str
    app_sign_key: str
    author_type: str
    default_source: Source
    timeouts: Timeouts
    unlisted_release_s: float = DEFAULT_UNLISTED_RELEASE_S
    refused_errcodes: frozenset[str] = REFUSED_ERRCODES

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + self.api_prefix + path

    @property
    def signs_requests(self) -> bool:
        return self.auth_mode == "appSign"


def parse_settings(raw: dict[str, Any]) -> RedPacketSettings:
    base_url = require_text(raw, "baseUrl", 500)
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise SettingsInvalid("baseUrl", "must be an http(s) URL")
    auth_mode = str(raw.get("authMode") or "none")
    if auth_mode not in AUTH_MODES:
        raise SettingsInvalid("authMode", f"must be one of {', '.join(AUTH_MODES)}")
    app_sign_key = require_text(raw, "appSignKey", 200) if auth_mode == "appSign" else str(raw.get("appSignKey") or "")
    author_type = str(raw.get("authorType") or DEFAULT_AUTHOR_TYPE)
    if len(author_type) > 32:
        raise SettingsInvalid("authorType", "at most 32 characters")
    try:
        default_source = parse_source(raw.get("defaultSource", Source.OPEN))
    except ValueError as error:
        raise SettingsInvalid("defaultSource", str(error)) from None
    return RedPacketSettings(
        base_url=base_url,
        api_prefix=_api_prefix(raw.get("apiPrefix", DEFAULT_API_PREFIX)),
        project_key=require_text(raw, "projectKey", 100),
        shop_id=_shop_id(raw.get("shopId")),
        auth_mode=auth_mode,
        app_sign_key=app_sign_key,
        author_type=author_type,
        default_source=default_source,
        timeouts=timeouts_from(raw),
        unlisted_release_s=_unlisted_release(raw.get("unlistedSendReleaseSeconds", DEFAULT_UNLISTED_RELEASE_S)),
        refused_errcodes=_refused_errcodes(raw.get("refusedErrcodes")),
    )


def mask_settings(raw: dict[str, Any]) -> dict[str, Any]:
    return masked_copy(raw, SECRET_FIELDS)


def _api_prefix(value: Any) -> str:
    """"/v1" by default; "" when baseUrl already ends with the version segment."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > 100 or " " in value:
        raise SettingsInvalid("apiPrefix", 'a path starting with / (such as "/v1"), or ""')
    return value.rstrip("/")


def _unlisted_release(value: Any) -> float:
    low, high = UNLISTED_RELEASE_RANGE_S
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise SettingsInvalid("unlistedSendReleaseSeconds", f"a number of seconds from {low} to {high}")
    return float(value)


def _refused_errcodes(value: Any) -> frozenset[str]:
    """Up to 50 whole numbers other than 0 (success); absent (null) means codes.REFUSED_ERRCODES."""
    if value is None:
        return REFUSED_ERRCODES
    if not isinstance(value, list) or len(value) > 50 or not all(
            isinstance(code, int) and not isinstance(code, bool) and str(code) != OK and abs(code) < 10**9
            for code in value):
        raise SettingsInvalid("refusedErrcodes", "a list of up to 50 errcodes (whole numbers other than 0)")
    return frozenset(str(code) for code in value)


def _shop_id(value: Any) -> int:
    """商家id: a positive Integer(11); digits in a string are accepted too."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT11:
        raise SettingsInvalid("shopId", "is required: the merchant's shop_id, a positive whole number")
    return value

