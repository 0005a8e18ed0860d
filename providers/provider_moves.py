"""Settings that move a provider to another address leave the secrets stored for the old one behind.

A masked secret sent back to configureProvider keeps the stored value: that lets an admin change a timeout
without typing the keys again. Sent with a new baseUrl, it would hand the stored secrets, and the sessions
the old host issued, to whatever listens at the new address, on behalf of an admin who was never shown them.
So a move needs every secret given again, and the old host's sessions are dropped.

baseUrl is the whole of a provider's address: the instant-lottery stations have no URL of their own
(providers/instant_lottery/settings.py, STATION_KEYS), and its `paths` only extend baseUrl.
"""

from __future__ import annotations

from typing import Any

from providers.secret_fields import secret_slots
from providers.settings import MASK, SettingsInvalid

LOCATION_SETTING = "baseUrl"


def location(settings: dict[str, Any]) -> str:
    value = settings.get(LOCATION_SETTING)
    return "" if value is None else str(value).strip().rstrip("/")


def has_moved(stored: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    return stored is not None and location(stored) != location(new)


def refuse_kept_secrets(new: dict[str, Any], secret_fields: tuple[str, ...]) -> None:
    """Refuses settings that move the provider while asking to keep a stored secret (sending its mask)."""
    masked = [slot.path for slot in secret_slots(new, secret_fields) if slot.value == MASK]
    if masked:
        raise SettingsInvalid(masked[0], f"{LOCATION_SETTING} changed, and stored secrets are never sent to a new "
                                         f"address: send {', '.join(masked)} again, not the mask")
