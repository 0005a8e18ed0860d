"""Request signing for the instant-lottery gateway (seed 003 §3.2, as PROTOCOLS.md §3 resolves it).

The signed string is every parameter except `sign` and the unused (None or empty) ones, sorted by name in
ASCII order, joined as `name=value` with `&`, then `&key=<app_secret>`; its MD5 or SHA-1, in uppercase
hex, is the `sign`. Also the gateway's two time formats. Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_METHOD = "MD5"

_DIGESTS: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA1": hashlib.sha1,  # not in the seed, but an obvious spelling a client may send
}


def signing_string(params: Mapping[str, str | None], app_secret: str) -> str:
    """The exact text that is digested. It contains the secret: never log it."""
    used = sorted((name, value) for name, value in params.items()
                  if name != "sign" and value is not None and value != "")
    pairs = [f"{name}={value}" for name, value in used]
    pairs.append(f"key={app_secret}")
    return "&".join(pairs)


def sign(params: Mapping[str, str | None], app_secret: str, method: str = DEFAULT_METHOD) -> str:
    """The `sign` value for these parameters: uppercase hex MD5 or SHA-1 (`method`, any case).

    Raises ValueError for a method the gateway does not offer."""
    digest = _digest_for(method)
    if digest is None:
        raise ValueError(f"unsupported sign method {method!r}: use MD5 or SHA-1")
    return str(digest(signing_string(params, app_secret).encode("utf-8")).hexdigest()).upper()


def verify(params: Mapping[str, str | None], app_secret: str) -> bool:
    """Whether `params["sign"]` signs the other parameters, as leniently as real clients need.

    Lenient where public clients differ from the seed (PROTOCOLS.md §3): the case of the hex digits is
    ignored (clients send lowercase `md5()`), and `sign_method` may or may not have been part of the signed
    string (some clients add it after signing)."""
    claimed = params.get("sign") or ""
    method = params.get("sign_method") or DEFAULT_METHOD
    if not claimed or _digest_for(method) is None:
        return False
    without_method = {name: value for name, value in params.items() if name != "sign_method"}
    candidates = {sign(params, app_secret, method), sign(without_method, app_secret, method)}
    # Compare every candidate (no early exit) so timing does not tell which reading matched.
    matches = [hmac.compare_digest(claimed.upper().encode(), candidate.encode()) for candidate in candidates]
    return any(matches)


def beijing_timestamp(moment: datetime) -> str:
    """`moment` as the gateway writes times: "YYYY-MM-DD HH:MM:SS" in Beijing time (UTC+08:00).

    Raises ValueError for a naive datetime: its zone would be a guess, and a wrong guess is an 8-hour
    error that lands outside the gateway's 30-minute window."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("beijing_timestamp needs an aware datetime")
    return moment.astimezone(BEIJING).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime | None:
    """A gateway timestamp as an aware datetime, or None when it is neither form.

    Accepts "YYYY-MM-DD HH:MM:SS" (Beijing time, what clients and the seed's examples send) and epoch
    seconds as digits (what the seed's parameter table says)."""
    text = (text or "").strip()
    if text.isascii() and text.isdigit():
        return _from_epoch_seconds(int(text))
    try:
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=BEIJING)
    except ValueError:
        return None


def _from_epoch_seconds(seconds: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC).astimezone(BEIJING)
    except (OverflowError, OSError, ValueError):
        return None


def _digest_for(method: str) -> Callable[[bytes], Any] | None:
    return _DIGESTS.get(method.strip().upper())
