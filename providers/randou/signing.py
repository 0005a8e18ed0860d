"""MD5 signing of Randou pushes (PROTOCOLS.md §1), as pure functions.

    sign = md5_hex_lower( sortAsc(all params except `sign`) + "&app_secret=" + app_secret )

`sortAsc` is PHP's `ksort` then `name=value` joined with `&`. Empty values are kept (the SDKs' `!empty`
filter is commented out) and values are the decoded parameter strings as sent, nested JSON included.
Checked against `randou_webhook_001` in tests/fixtures/vectors.json.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGN_PARAM = "sign"


def sign_string(params: Mapping[str, str], app_secret: str) -> str:
    """The text that gets hashed: every param but `sign`, sorted by name, `k=v&...`, then `&app_secret=`."""
    pairs = sorted((name, str(value)) for name, value in params.items() if name != SIGN_PARAM)
    return "&".join(f"{name}={value}" for name, value in pairs) + "&app_secret=" + app_secret


def sign(params: Mapping[str, str], app_secret: str) -> str:
    """The `sign` value: lowercase hex MD5 of `sign_string`, UTF-8."""
    return hashlib.md5(sign_string(params, app_secret).encode("utf-8")).hexdigest()


def verify(params: Mapping[str, str], app_secret: str) -> bool:
    """Whether `params["sign"]` matches the other params. Hex case is ignored (the SDKs emit lowercase;
    whether Randou compares case-sensitively is an open question in PROTOCOLS.md)."""
    claimed = params.get(SIGN_PARAM)
    if not isinstance(claimed, str) or not claimed:
        return False
    try:
        claimed_bytes = claimed.lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(claimed_bytes, sign(params, app_secret).encode("ascii"))
