"""A tenant's settings for Randou's draw-result webhook: parsed, validated, and masked for display.

The JSON shape is what the sandbox's `/_control/config` returns and what `configureProvider` takes:
{"appId" (the developer's appid, checked against every push), "appSecret" (the MD5 signing secret, a
secret), "timestampWindowSeconds"?: 300 (how far a push's `timestamp` may be from our clock)}.
Randou only calls us, so there is no base URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from providers.settings import SettingsInvalid, masked_copy, require_text

PROVIDER = "randou"
SECRET_FIELDS = ("appSecret",)
DEFAULT_TIMESTAMP_WINDOW_S = 300
MAX_TIMESTAMP_WINDOW_S = 86_400


@dataclass(frozen=True)
class RandouSettings:
    app_id: str
    app_secret: str
    timestamp_window_s: int = DEFAULT_TIMESTAMP_WINDOW_S

    def __repr__(self) -> str:
        # The default repr would print the secret into any log line or traceback that shows us.
        return f"RandouSettings(app_id={self.app_id!r}, timestamp_window_s={self.timestamp_window_s})"


def parse_settings(raw: dict[str, Any]) -> RandouSettings:
    if not isinstance(raw, dict):
        raise SettingsInvalid("settings", "must be a JSON object")
    window = raw.get("timestampWindowSeconds", DEFAULT_TIMESTAMP_WINDOW_S)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_TIMESTAMP_WINDOW_S:
        raise SettingsInvalid("timestampWindowSeconds", f"a whole number of seconds from 1 to {MAX_TIMESTAMP_WINDOW_S}")
    return RandouSettings(app_id=require_text(raw, "appId", 64).strip(),
                          app_secret=require_text(raw, "appSecret", 128),
                          timestamp_window_s=window)


def mask_settings(raw: dict[str, Any]) -> dict[str, Any]:
    return masked_copy(raw, SECRET_FIELDS)
