"""Where a provider's secrets sit in its settings JSON.

Each provider's settings.py names them in SECRET_FIELDS, as `name` (a top-level value) or `list[].name`
(that key of every object in a list, such as each station's password).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SecretSlot:
    holder: dict[str, Any]
    key: str
    path: str  # as a user error names it: "appSecret", "stations[0].password"

    @property
    def value(self) -> Any:
        return self.holder.get(self.key)


def secret_slots(settings: dict[str, Any], secret_fields: tuple[str, ...]) -> Iterator[SecretSlot]:
    """Every secret present in `settings`, in the order SECRET_FIELDS lists them."""
    for field in secret_fields:
        name, _, inner = field.partition("[].")
        if not inner:
            if name in settings:
                yield SecretSlot(settings, name, name)
            continue
        items = settings.get(name)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and inner in item:
                yield SecretSlot(item, inner, f"{name}[{index}].{inner}")


def with_secrets_changed(settings: dict[str, Any], secret_fields: tuple[str, ...],
                         change: Callable[[SecretSlot], Any]) -> dict[str, Any]:
    """A copy of `settings` whose text secrets are replaced by `change(slot)` (absent and null ones are left)."""
    copied = copy.deepcopy(settings)
    for slot in list(secret_slots(copied, secret_fields)):
        if isinstance(slot.value, str):
            slot.holder[slot.key] = change(slot)
    return copied
