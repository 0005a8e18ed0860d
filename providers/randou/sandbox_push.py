"""The pusher's work: building, signing, tampering with and sending Randou draw-result pushes.

Each attempt fills what the caller left out (`appid`, a fresh `timestamp` and 20-character `nonce_str`),
signs afresh, and sends form-encoded (POST), as a JSON object (POST, `"body": "json"`) or as a query (GET).
Anything but HTTP 200 with the plain body `success` is a failure and is retried a bounded number of times
with a short backoff (the real schedule is not published: PROTOCOLS.md §1, ASSUMPTION).

Nested objects (`drawinggame_detail`, `prize`) are signed as their compact JSON text; in a form or query
they travel as that text, in a JSON body as objects written exactly as that text (push_body.py).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from providers.randou.settings import DEFAULT_ACCEPT_WINDOW_S, DEFAULT_TIMESTAMP_WINDOW_S
from providers.randou.signing import sign
from providers.randou.webhook import REPLY_SUCCESS

TAMPER_MODES = ("bad_sign", "wrong_appid", "no_nonce", "stale", "reused_nonce")
METHODS = ("POST", "GET")
BODY_FORMATS = ("form", "json")  # how a POST carries the push
DEFAULT_APP_ID = "rd0sandbox0app0id0000001"  # made up, 24 characters like the seed's example
DEFAULT_ATTEMPTS = 3
MAX_ATTEMPTS = 10
DEFAULT_BACKOFF_S = 0.2
MAX_BACKOFF_S = 10.0
MAX_RECORDS = 200
_NONCE_ALPHABET = string.ascii_letters + string.digits
_LOOPBACK_NAMES = frozenset({"localhost"})


class ControlInputError(ValueError):
    """Bad input to a `/_control` route: answered with 400 and this message."""


@dataclass
class PusherState:
    app_id: str
    app_secret: str
    timestamp_window_s: int = DEFAULT_TIMESTAMP_WINDOW_S
    accept_window_s: int = DEFAULT_ACCEPT_WINDOW_S
    allow_any_host: bool = False
    last_nonce: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        self.last_nonce = None
        self.records.clear()

    def record(self, entry: dict[str, Any]) -> None:
        self.records.append(entry)
        del self.records[:-MAX_RECORDS]


@dataclass(frozen=True)
class PushOrder:
    webhook_url: str
    params: dict[str, str]
    method: str
    tamper: str | None
    max_attempts: int
    backoff_s: float
    body_format: str = "form"
    literal_params: frozenset[str] = frozenset()  # given as a number or an object: unquoted in a JSON body


def new_nonce() -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(20))


def push_order_from(data: dict[str, Any], state: PusherState) -> PushOrder:
    url = data.get("webhookUrl")
    if not isinstance(url, str) or len(url) > 2000:
        raise ControlInputError("webhookUrl must be an http(s) URL")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ControlInputError("webhookUrl must be an http(s) URL")
    if not state.allow_any_host and not _is_loopback(parts.hostname):
        raise ControlInputError("webhookUrl must be on loopback (127.0.0.1, ::1 or localhost) for this sandbox")
    params = data.get("params", {})
    if not isinstance(params, dict) or len(params) > 100:
        raise ControlInputError("params must be a JSON object of at most 100 fields")
    method = data.get("method", "POST")
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise ControlInputError(f"method must be one of {list(METHODS)}")
    body_format = data.get("body", "form")
    if body_format not in BODY_FORMATS or (body_format == "json" and method.upper() == "GET"):
        raise ControlInputError(f"body must be one of {list(BODY_FORMATS)}, and form for a GET")
    tamper = data.get("tamper")
    if tamper is not None and tamper not in TAMPER_MODES:
        raise ControlInputError(f"tamper must be null or one of {list(TAMPER_MODES)}")
    if tamper == "reused_nonce" and state.last_nonce is None:
        raise ControlInputError("tamper reused_nonce needs an earlier push whose nonce it can reuse")
    attempts = data.get("maxAttempts", DEFAULT_ATTEMPTS)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or not 1 <= attempts <= MAX_ATTEMPTS:
        raise ControlInputError(f"maxAttempts must be a whole number from 1 to {MAX_ATTEMPTS}")
    backoff = data.get("backoffSeconds", DEFAULT_BACKOFF_S)
    if (isinstance(backoff, bool) or not isinstance(backoff, int | float) or not math.isfinite(backoff)
            or not 0 <= backoff <= MAX_BACKOFF_S):
        raise ControlInputError(f"backoffSeconds must be a number from 0 to {MAX_BACKOFF_S}")
    literal = frozenset(str(k) for k, v in params.items() if isinstance(v, dict) or _is_whole_number(v))
    return PushOrder(webhook_url=url, params={str(k): _param_text(k, v) for k, v in params.items()},
                     method=method.upper(), tamper=tamper, max_attempts=attempts, backoff_s=float(backoff),
                     body_format=body_format, literal_params=literal)


def signed_attempt(order: PushOrder, state: PusherState, now_s: float | None = None) -> dict[str, str]:
    """One attempt's params: the caller's, the missing common ones filled, the tamper applied, signed."""
    now = int(time.time() if now_s is None else now_s)
    params = dict(order.params)
    params.pop("sign", None)
    params.setdefault("appid", state.app_id)
    params.setdefault("timestamp", str(now))
    params.setdefault("nonce_str", new_nonce())
    if order.tamper == "wrong_appid":
        params["appid"] = "X" + state.app_id[1:] if state.app_id[:1] != "X" else "Y" + state.app_id[1:]
    elif order.tamper == "no_nonce":
        params.pop("nonce_str", None)
    elif order.tamper == "stale":  # signed before the receiver's accept window opened
        params["timestamp"] = str(now - state.accept_window_s - 600)
    elif order.tamper == "reused_nonce" and state.last_nonce is not None:
        params["nonce_str"] = state.last_nonce
    params["sign"] = sign(params, state.app_secret)
    if order.tamper == "bad_sign":
        last = params["sign"][-1]
        params["sign"] = params["sign"][:-1] + ("0" if last != "0" else "1")
    return params


async def push(order: PushOrder, state: PusherState, http: httpx.AsyncClient) -> dict[str, Any]:
    """Sends until the reply is `success` or the attempts run out; answers what the last attempt got."""
    status: int | None = None
    body = ""
    sent: dict[str, str] = {}
    attempts = 0
    for attempt in range(order.max_attempts):
        if attempt:
            await asyncio.sleep(order.backoff_s * (2 ** (attempt - 1)))
        attempts += 1
        sent = signed_attempt(order, state)
        try:
            if order.method == "GET":
                response = await http.get(order.webhook_url, params=sent)
            elif order.body_format == "json":
                response = await http.post(order.webhook_url, content=json_body(sent, order.literal_params),
                                           headers={"content-type": "application/json"})
            else:
                response = await http.post(order.webhook_url, data=sent)
            status, body = response.status_code, response.text[:2000]
        except httpx.HTTPError as error:
            status, body = None, f"{type(error).__name__}: {error}"[:2000]
        if status == 200 and body.strip() == REPLY_SUCCESS:
            break
    if "nonce_str" in sent:
        state.last_nonce = sent["nonce_str"]
    result = {"status": status, "body": body, "attempts": attempts, "delivered": status == 200
              and body.strip() == REPLY_SUCCESS, "method": order.method, "bodyFormat": order.body_format,
              "tamper": order.tamper, "sent": sent}
    state.record(result)
    return result


def json_body(params: dict[str, str], literal_params: frozenset[str]) -> bytes:
    """The signed params as one flat JSON object. A param given as an object (or a number) is written as
    the very text that was signed, unquoted, so a receiver that signs each member's text as it appears
    in the body gets the same string."""
    members = [f"{json.dumps(name, ensure_ascii=False)}:"
               f"{value if name in literal_params else json.dumps(value, ensure_ascii=False)}"
               for name, value in params.items()]
    return ("{" + ",".join(members) + "}").encode("utf-8")


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _param_text(name: Any, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        raise ControlInputError(f"params.{name} must be a string, a number or a JSON object")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):  # nested objects travel as compact JSON strings, like the real pushes
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    raise ControlInputError(f"params.{name} must be a string, a number or a JSON object")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
