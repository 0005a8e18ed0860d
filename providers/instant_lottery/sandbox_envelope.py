"""Reading a gateway request's form and checking its envelope (seed §3, system codes of §5.2)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from providers.instant_lottery.sandbox_calls import Reply, refusal
from providers.instant_lottery.sandbox_state import SandboxState
from providers.instant_lottery.signing import parse_timestamp, verify

API_VERSION = "1.0"
TIMESTAMP_WINDOW_SECONDS = 30 * 60  # seed §3.1: 30 minutes either way

# A pair starts after an "&" that is followed by "name=". Splitting only there keeps an un-escaped value
# that contains "&" in one piece.
_PAIR_BOUNDARY = re.compile(r"&(?=[A-Za-z_][A-Za-z0-9_]*=)")


@dataclass(frozen=True)
class Envelope:
    form: dict[str, str]  # the reading of the form whose signature verified
    business: dict[str, Any]  # param_json, decoded


def form_readings(body: bytes) -> list[dict[str, str]]:
    """The ways to read a form body: percent-decoded first, then as sent.

    Public clients send the values un-escaped (`urldecode(http_build_query())`, PROTOCOLS.md §3): a literal
    "+" or "%" in such a value would be mangled by decoding, so the raw reading is kept as a second chance
    and the signature decides which one the client meant."""
    text = body.decode("utf-8", errors="replace")
    decoded: dict[str, str] = {}
    raw: dict[str, str] = {}
    for piece in _PAIR_BOUNDARY.split(text.strip()):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        decoded[unquote_plus(name)] = unquote_plus(value)
        raw[name] = value
    return [decoded] if raw == decoded else [decoded, raw]


def check_envelope(state: SandboxState, readings: list[dict[str, str]]) -> Envelope | Reply:
    """The common parameters in the gateway's order: app_key, v, timestamp, sign, param_json."""
    form = readings[0]
    app_key = form.get("app_key", "")
    if not app_key:
        return refusal("18")
    if app_key != state.app_key:
        return refusal("19")
    version = form.get("v", "")
    if not version:
        return refusal("4")
    if version != API_VERSION:
        return refusal("5")
    timestamp = form.get("timestamp", "")
    if not timestamp:
        return refusal("7")
    moment = parse_timestamp(timestamp)
    if moment is None or abs((moment - state.clock.now()).total_seconds()) > TIMESTAMP_WINDOW_SECONDS:
        return refusal("8")
    if not form.get("sign"):
        return refusal("11")
    signed = next((reading for reading in readings if verify(reading, state.app_secret)), None)
    if signed is None:
        return refusal("12")
    business = _business_params(signed.get("param_json", ""))
    if business is None:
        return refusal("13")
    return Envelope(form=signed, business=business)


def _business_params(param_json: str) -> dict[str, Any] | None:
    try:
        value = json.loads(param_json)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
