"""AppSign, the optional request signature of one platform variant (PROTOCOLS.md §4, `sync_test`).

Observed in PHP as `md5(implode('', array_multisort(values)) . strtotime(date('YmdHi')) . MD5KEY)`: the
request's parameter values sorted and concatenated, then the current time truncated to the minute as
Unix seconds, then a shared key; lowercase hex (PHP's `md5()`). The default transport has no signature
at all: only the `db` project key (settings.py). No test vector exists for AppSign (vectors.json has none
for seed 004), so the tests pin a worked example instead.

Choices the observation leaves open (ASSUMPTIONS, mirrored by the sandbox):
- The values are the top-level JSON body values except `AppSign` and `AuthorType` themselves, which are
  then added to that body. A list or object value (the seed's `uid` array) counts as its compact JSON.
- Sorting follows PHP's default SORT_REGULAR as far as our values go: numbers (and numeric strings)
  numerically, before other text, which sorts by bytes.
- A verifier accepts the minutes either side of its own, since a call may cross a minute boundary.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

SIGN_FIELD = "AppSign"
AUTHOR_TYPE_FIELD = "AuthorType"
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def minute_epoch(moment: datetime) -> int:
    """`strtotime(date('YmdHi'))`: the moment truncated to its minute, as Unix seconds. Needs an aware
    datetime; the result does not depend on the zone (whole minutes are the same in every zone we use)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("minute_epoch needs an aware datetime")
    seconds = int(moment.timestamp())
    return seconds - seconds % 60


def signed_values(params: Mapping[str, Any]) -> list[str]:
    """The body's values in signing order (see the module docstring)."""
    texts = [_as_text(value) for name, value in params.items()
             if name not in (SIGN_FIELD, AUTHOR_TYPE_FIELD) and value is not None]
    return sorted(texts, key=_php_regular_order)


def signing_string(params: Mapping[str, Any], minute: int, key: str) -> str:
    """The exact text that is digested. It contains the key: never log it."""
    return "".join(signed_values(params)) + str(minute) + key


def app_sign(params: Mapping[str, Any], moment: datetime, key: str) -> str:
    return hashlib.md5(signing_string(params, minute_epoch(moment), key).encode("utf-8")).hexdigest()


def verify(params: Mapping[str, Any], now: datetime, key: str) -> bool:
    """Whether `params["AppSign"]` signs the other values in this minute or the one before or after."""
    claimed = str(params.get(SIGN_FIELD) or "").lower()
    if not claimed:
        return False
    minute = minute_epoch(now)
    candidates = [hashlib.md5(signing_string(params, minute + step, key).encode("utf-8")).hexdigest()
                  for step in (-60, 0, 60)]
    # Compare all candidates (no early exit), so timing does not tell which minute matched.
    matches = [hmac.compare_digest(claimed.encode(), candidate.encode()) for candidate in candidates]
    return any(matches)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):  # PHP casts true to "1" and false to ""
        return "1" if value else ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _php_regular_order(text: str) -> tuple[int, float, str]:
    if _NUMERIC.match(text.strip()):
        return (0, float(text), text)
    return (1, 0.0, text)
