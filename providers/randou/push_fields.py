"""What each field of a Randou push may hold, and the readers that enforce it (seed 001, 参数说明 tables).

A signed push is still refused (400 `fail`) when a field is out of bounds: it would otherwise be stored,
keyed on or summed, and fail later as a server error (a NUL that PostgreSQL refuses, a number past 64
bits). The maxima are the seed's; minima are not enforced beyond "present", because refusing a push that
Randou signed makes it retry for ever and the draw is lost, and a short `serialNo` harms nothing.

| field | seed | accepted |
|---|---|---|
| uid | string[1,64] | 1-64 characters, no control characters |
| mall_no | string[6,6] | at most 6, no control characters; optional (nothing reads it) |
| serialNo | string[18,20] | 1-20, no control characters |
| credits, prize.credits_gain | int | 0 to 2^31-1 (the Java SDK reads them as `Integer`) |
| created_at | date | `yyyy-MM-dd HH:mm:ss` |
| hit, receive | string[2,3] | `YES` or `NO` |
| drawinggame_detail.title | string[1,64] | at most 64; optional |
| drawinggame_detail.uniqueID | string[6,6] | at most 6, no control characters; optional |
| prize.type | string[1,64] | 1-64, no control characters |
| prize.name | string[1,256] | 1-256 |
| prize.goods.product_no | string[0,20] | 0-20, no control characters |
| prize.goods.product_name | string[1,255] | 1-255 |
| nonce_str (common) | 20 alphanumerics (SDKs) | 1-64 printable ASCII characters |

Text never holds NUL, other control characters (tab and line breaks are allowed in display names) or
lone surrogates (they cannot be encoded to UTF-8, so neither signed nor stored).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

MAX_WHOLE_NUMBER = 2**31 - 1  # Java's Integer.MAX_VALUE: what the SDK's `Integer credits_gain` can carry
MAX_WHOLE_NUMBER_DIGITS = len(str(MAX_WHOLE_NUMBER))
MAX_NONCE_LENGTH = 64
_DISPLAY_WHITESPACE = frozenset("\t\n\r")


def required_identifier(params: Mapping[str, Any], name: str, max_length: int, *, where: str = "") -> str:
    """A required code-like text (`uid`, `serialNo`, `prize.type`): non-blank, bounded, no control characters."""
    value = _present_text(params, name, where)
    return checked_text(value, _field(name, where), max_length, display=False)


def optional_identifier(params: Mapping[str, Any], name: str, max_length: int, *, where: str = "") -> str | None:
    """An optional code-like text; absent or empty is None."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{_field(name, where)}: must be a string")
    return checked_text(value, _field(name, where), max_length, display=False)


def required_display_text(params: Mapping[str, Any], name: str, max_length: int, *, where: str = "") -> str:
    """A required human-readable text (`prize.name`): non-blank, bounded, tab and line breaks allowed."""
    value = _present_text(params, name, where)
    return checked_text(value, _field(name, where), max_length, display=True)


def optional_display_text(params: Mapping[str, Any], name: str, max_length: int, *, where: str = "") -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"{_field(name, where)}: must be a string")
    return checked_text(value, _field(name, where), max_length, display=True)


def checked_text(value: str, field: str, max_length: int, *, display: bool) -> str:
    if len(value) > max_length:
        raise ValueError(f"{field}: at most {max_length} characters")
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            raise ValueError(f"{field}: not valid Unicode text (a lone surrogate)")
        if category == "Cc" and not (display and char in _DISPLAY_WHITESPACE):
            raise ValueError(f"{field}: must not contain control characters such as NUL")
    return value


def whole_number(value: Any, field: str) -> int:
    """A count as the seed's `int`: digits in a form parameter, or a JSON integer; 0 to 2^31-1."""
    if isinstance(value, bool):
        raise ValueError(f"{field}: expected a whole number, got {value!r}")
    if isinstance(value, str):
        text = value.strip()
        # Bounded before int(): a thousand-digit string is refused, not converted.
        if not text.isascii() or not text.isdigit() or len(text) > MAX_WHOLE_NUMBER_DIGITS:
            raise ValueError(f"{field}: expected a whole number from 0 to {MAX_WHOLE_NUMBER}")
        value = int(text)
    if not isinstance(value, int) or not 0 <= value <= MAX_WHOLE_NUMBER:
        raise ValueError(f"{field}: expected a whole number from 0 to {MAX_WHOLE_NUMBER}")
    return value


def is_well_formed_nonce(value: Any) -> bool:
    """1-64 printable ASCII characters without spaces (the SDKs send 20 letters and digits)."""
    return (isinstance(value, str) and 0 < len(value) <= MAX_NONCE_LENGTH and value.isascii()
            and value.isprintable() and " " not in value)


def _present_text(params: Mapping[str, Any], name: str, where: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{_field(name, where)}: is required (a non-empty string)")
    return value


def _field(name: str, where: str) -> str:
    return f"{where}.{name}" if where else name
