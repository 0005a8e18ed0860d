"""Bounds on the settings JSON `configureProvider` takes, checked before anything walks it.

Masking, merging and storing settings walk them recursively (deepcopy, the JSON encoder), so a document
nested a few hundred levels deep would end in a RecursionError, and a huge one would cost memory and time.
Real settings are at most three levels deep (settings, the stations list, a station) and well under the
size bound (two PEM keys of 20,000 characters and a CA bundle of 64 KiB at most). The walk here is a loop.
"""

from __future__ import annotations

from typing import Any

from providers.settings import SettingsInvalid

MAX_DEPTH = 8
MAX_VALUES = 5_000  # objects, lists, keys and scalars together
MAX_TEXT_CHARS = 256 * 1024  # keys and string values together


def check_settings_bounds(settings: Any) -> None:
    values, text = 1, 0
    stack: list[tuple[Any, int]] = [(settings, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_DEPTH:
            raise SettingsInvalid("settings", f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            text += len(value)
        elif isinstance(value, dict | list):
            values += len(value) * (2 if isinstance(value, dict) else 1)  # counted before any is visited
            if values > MAX_VALUES:
                raise SettingsInvalid("settings", f"more than {MAX_VALUES} values")
            if isinstance(value, dict):
                text += sum(len(str(key)) for key in value)
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
        if text > MAX_TEXT_CHARS:
            raise SettingsInvalid("settings", f"more than {MAX_TEXT_CHARS // 1024} KiB of text")
