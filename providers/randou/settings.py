"""A tenant's settings for Randou's draw-result webhook: parsed, validated, and masked for display.

The JSON shape is what the sandbox's `/_control/config` returns and what `configureProvider` takes:
{"appId" (the developer's appid, checked against every push), "appSecret" (the MD5 signing secret, a
secret), "acceptWindowSeconds"?: 86400 (how long after its `timestamp` a push not yet recorded is still
accepted), "timestampWindowSeconds"?: 300 (how far a push's `timestamp` may be ahead of our clock)}.
Randou only calls us, so there is no base URL.

Why a day: Randou publishes no retry schedule (PROTOCOLS.md §1) and retries until it reads `success`, so a
push must still be accepted after our `success` was lost or we were down for hours. A push already recorded
is answered `success` whatever its age (see ledger/services/randou_draws.py); the window only bounds how
long a *new* push's signature stays good, and with it how long its nonce must be remembered
(`nonce_retention_s`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from providers.settings import SettingsInvalid, masked_copy, require_text

PROVIDER = "randou"
SECRET_FIELDS = ("appSecret",)
# All of them: Randou only calls us, so no HTTP settings apply.
SETTING_KEYS = frozenset({"appId", "appSecret", "acceptWindowSeconds", "timestampWindowSeconds"})
DEFAULT_ACCEPT_WINDOW_S = 86_400
MIN_ACCEPT_WINDOW_S = 300  # shorter would refuse for good any retry after a few minutes' outage
MAX_ACCEPT_WINDOW_S = 7 * 86_400
DEFAULT_TIMESTAMP_WINDOW_S = 300  # clock skew: how far ahead of our clock a push's timestamp may be
MAX_TIMESTAMP_WINDOW_S = 86_400


@dataclass(frozen=True)
class RandouSettings:
    app_id: str
    app_secret: str
    timestamp_window_s: int = DEFAULT_TIMESTAMP_WINDOW_S
    accept_window_s: int = DEFAULT_ACCEPT_WINDOW_S

    @property
    def nonce_retention_s(self) -> int:
        """How long a new push's nonce must be kept after it was received (rows in `webhook_nonces` may be
        pruned after that). A push received at R has a timestamp T with R - accept <= T <= R + skew, and is
        accepted as new only until T + accept <= R + skew + accept; past that its timestamp refuses it, so
        the nonce row is no longer needed."""
        return self.accept_window_s + self.timestamp_window_s

    def __repr__(self) -> str:
        # The default repr would print the secret into any log line or traceback that shows us.
        return (f"RandouSettings(app_id={self.app_id!r}, timestamp_window_s={self.timestamp_window_s}, "
                f"accept_window_s={self.accept_window_s})")


def parse_settings(raw: dict[str, Any]) -> RandouSettings:
    if not isinstance(raw, dict):
        raise SettingsInvalid("settings", "must be a JSON object")
    window = raw.get("timestampWindowSeconds", DEFAULT_TIMESTAMP_WINDOW_S)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_TIMESTAMP_WINDOW_S:
        raise SettingsInvalid("timestampWindowSeconds", f"a whole number of seconds from 1 to {MAX_TIMESTAMP_WINDOW_S}")
    accept = raw.get("acceptWindowSeconds", DEFAULT_ACCEPT_WINDOW_S)
    if (isinstance(accept, bool) or not isinstance(accept, int)
            or not MIN_ACCEPT_WINDOW_S <= accept <= MAX_ACCEPT_WINDOW_S):
        raise SettingsInvalid("acceptWindowSeconds",
                              f"a whole number of seconds from {MIN_ACCEPT_WINDOW_S} to {MAX_ACCEPT_WINDOW_S}")
    return RandouSettings(app_id=require_text(raw, "appId", 64).strip(),
                          app_secret=require_text(raw, "appSecret", 128),
                          timestamp_window_s=window, accept_window_s=accept)


def mask_settings(raw: dict[str, Any]) -> dict[str, Any]:
    return masked_copy(raw, SECRET_FIELDS)
