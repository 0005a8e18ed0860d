"""What every provider's settings share: validation errors, required text, known keys, and masking of
secrets."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from providers.http import Timeouts

MASK = "********"
CA_BUNDLE = "tlsCaBundle"  # read by providers/ca_bundle.py
# Understood for every provider that calls out, on top of the keys its own settings.py declares.
HTTP_SETTING_KEYS = frozenset({"baseUrl", "connectTimeoutSeconds", "readTimeoutSeconds", CA_BUNDLE})


class SettingsInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def require_text(raw: dict[str, Any], name: str, max_length: int, *, where: str = "") -> str:
    value = raw.get(name)
    field = f"{where}.{name}" if where else name
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise SettingsInvalid(field, "is required")
    if len(str(value)) > max_length:
        raise SettingsInvalid(field, f"at most {max_length} characters")
    return str(value)


def refuse_unknown_keys(raw: dict[str, Any], known: Iterable[str], *, where: str = "") -> None:
    """A key nothing reads is most often a misspelt one (`baseUrll`), which would otherwise go unnoticed
    while its default silently applies."""
    known = sorted(known)
    unknown = sorted(set(raw) - set(known))
    if unknown:
        field = f"{where}.{unknown[0]}" if where else unknown[0]
        raise SettingsInvalid(field, f"unknown setting {', '.join(map(repr, unknown))}; "
                                     f"the known ones are {', '.join(known)}")


def masked_copy(raw: dict[str, Any], secret_fields: tuple[str, ...]) -> dict[str, Any]:
    """A copy safe to show: each secret (a name, or `list[].name` inside a list) replaced by MASK."""
    shown = copy.deepcopy(raw)
    for path in secret_fields:
        _apply(shown, path, lambda _: MASK)
    return shown


def keep_stored_secrets(new: dict[str, Any], stored: dict[str, Any] | None,
                        secret_fields: tuple[str, ...]) -> dict[str, Any]:
    """A client that read masked settings and sends them back unchanged keeps the stored secrets."""
    if stored is None:
        return new
    merged = copy.deepcopy(new)
    for path in secret_fields:
        name, _, inner = path.partition("[].")
        if inner:
            stored_items = {str(i.get("stationId", n)): i for n, i in enumerate(stored.get(name) or [])
                            if isinstance(i, dict)}
            for n, item in enumerate(merged.get(name) or []):
                if isinstance(item, dict) and item.get(inner) == MASK:
                    previous = stored_items.get(str(item.get("stationId", n)), {})
                    item[inner] = previous.get(inner, MASK)
        elif merged.get(name) == MASK:
            merged[name] = stored.get(name, MASK)
    return merged


def _apply(target: dict[str, Any], path: str, change: Any) -> None:
    name, _, inner = path.partition("[].")
    if inner:
        for item in target.get(name) or []:
            if isinstance(item, dict) and inner in item:
                item[inner] = change(item[inner])
    elif name in target:
        target[name] = change(target[name])


def timeouts_from(raw: dict[str, Any]) -> Timeouts:
    """`connectTimeoutSeconds` and `readTimeoutSeconds` (defaults 3 and 10), each from 0.05 to 120."""
    return Timeouts(connect_s=_seconds(raw, "connectTimeoutSeconds", 3.0),
                    read_s=_seconds(raw, "readTimeoutSeconds", 10.0))


def _seconds(raw: dict[str, Any], name: str, default: float) -> float:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.05 <= value <= 120:
        raise SettingsInvalid(name, "a number of seconds from 0.05 to 120")
    return float(value)
