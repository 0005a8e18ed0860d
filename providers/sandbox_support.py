"""What the provider sandboxes share: injected faults (`/_control/faults`) and the small `/_control` helpers.

Each sandbox keeps its own routes and state; this module holds only what is the same in all of them: the
fault modes and the one-fault-at-a-time queue, what a client sees when a fault fires (timeout, http500,
html, drop_after_commit and, for signing gateways, bad_signature), reading a control body as a JSON object
(bad input is a ControlInputError, answered 400 with `{"error": ...}`), the config, faults, reset and clock
routes, and the sandbox clock. Where sandboxes differ, the difference is a parameter.
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response.base import ASGIResponse
from litestar.types import Receive, Send

CONFIG_PATH = "/_control/config"
TEN_YEARS_S = 10 * 365 * 86400

# "code": answer with one of the provider's own codes (`{"mode": "code", "code": "1002", "commit": true}`); with
# commit the sandbox does the work first and keeps it, which is how a code that "may have happened" is staged.
CODE_MODE = "code"
FAULT_MODES = ("timeout", "http500", "html", "drop_after_commit", CODE_MODE)
SIGNED_FAULT_MODES = (*FAULT_MODES, "bad_signature")  # gateways that sign their answers
# Faults whose call is processed (and kept) before the answer goes wrong; the others replace the work.
FAULTS_AFTER_WORK = frozenset({"drop_after_commit"})
SIGNED_FAULTS_AFTER_WORK = frozenset({"drop_after_commit", "bad_signature"})

# What a reverse proxy in front of the gateway shows when the gateway is down: HTTP 200, not JSON.
PROXY_ERROR_PAGE = ("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
                    "</center><hr><center>nginx</center></body></html>")


class ControlInputError(ValueError):
    """Bad input to a `/_control` route: answered with 400 and this message."""


def control_input_error(_: Request, error: ControlInputError) -> Response[Any]:
    """The exception handler every sandbox app registers for ControlInputError."""
    return Response({"error": str(error)}, status_code=400, media_type="application/json")


class SandboxClock:
    """The sandbox's own time: wall clock plus an offset that tests move."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += timedelta(seconds=seconds)

    def set(self, moment: datetime) -> None:
        self._offset = moment - datetime.now(UTC)


# ---- faults ----


@dataclass
class Fault:
    mode: str  # one of the sandbox's fault modes
    remaining: int
    delay_seconds: float = 5.0
    code: str | None = None  # mode "code": the provider's code to answer with
    commit: bool = False     # mode "code": do the work (and keep it) before answering with the code

    @property
    def keeps_work(self) -> bool:
        return self.mode == "drop_after_commit" or (self.mode == CODE_MODE and self.commit)


class FaultSlot:
    """The fault queue of a sandbox state: at most one Fault, counted down by the calls it spoils."""

    fault: Fault | None

    def take_fault(self) -> Fault | None:
        """The fault for the next gateway call, counting it down; None when there is none."""
        fault = self.fault
        if fault is None:
            return None
        fault.remaining -= 1
        if fault.remaining <= 0:
            self.fault = None
        return fault


def fault_from(data: dict[str, Any], modes: tuple[str, ...]) -> Fault | None:
    """The fault a `/_control/faults` body asks for (None for mode "none"), given the sandbox's modes."""
    mode = data.get("mode")
    if mode == "none":
        return None
    if mode not in modes:
        raise ControlInputError(f"mode must be one of {['none', *modes]}")
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
        raise ControlInputError("count must be a whole number from 1 to 1000")
    delay: Any = data.get("delaySeconds", 5.0)
    if not is_number(delay) or not 0 <= delay <= 300:
        raise ControlInputError("delaySeconds must be a number of seconds from 0 to 300")
    if mode != CODE_MODE:
        return Fault(mode=mode, remaining=count, delay_seconds=float(delay))
    code, commit = data.get("code"), data.get("commit", False)
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    if not isinstance(code, str) or not 0 < len(code) <= 64 or not code.isprintable():
        raise ControlInputError("code must be the provider's code, as a string of 1 to 64 characters")
    if not isinstance(commit, bool):
        raise ControlInputError("commit must be true (do the work, then answer with the code) or false")
    return Fault(mode=mode, remaining=count, delay_seconds=float(delay), code=code, commit=commit)


async def fault_instead_of_work(fault: Fault) -> Response[Any]:
    """The answer of a fault that leaves the gateway's state untouched (timeout, http500, html)."""
    if fault.mode == "timeout":
        await asyncio.sleep(fault.delay_seconds)
        return Response("Gateway Timeout", status_code=504, media_type="text/plain")
    if fault.mode == "http500":
        return Response("Internal Server Error", status_code=500, media_type="text/plain")
    return Response(PROXY_ERROR_PAGE, status_code=200, media_type="text/html")


async def answer_with_fault(fault: Fault | None, work: Callable[[Fault | None], Awaitable[bytes]], *,
                            media_type: str, after_work: frozenset[str] = FAULTS_AFTER_WORK,
                            code_answer: Callable[[str], bytes] | None = None) -> Response[Any]:
    """The answer to a gateway call under `fault` (None: no fault). A fault not in `after_work` answers
    instead of the work; otherwise `work(fault)` runs (its effects are kept) and makes the payload, which
    drop_after_commit then cuts short. `work` sees the fault to spoil the payload itself (bad_signature).
    Mode "code" answers `code_answer(code)`, the provider's own answer carrying that code, after doing the
    work (kept, its payload discarded) when the fault commits."""
    if fault is not None and fault.mode == CODE_MODE:
        if code_answer is None or fault.code is None:
            return Response("this route cannot answer with a code", status_code=500, media_type="text/plain")
        if fault.commit:
            await work(None)
        return Response(code_answer(fault.code), status_code=200, media_type=media_type)
    if fault is not None and fault.mode not in after_work:
        return await fault_instead_of_work(fault)
    payload = await work(fault)
    if fault is not None and fault.mode == "drop_after_commit":  # the work is done and kept, the answer lost
        return CutShortResponse(payload, media_type=media_type)
    return Response(payload, status_code=200, media_type=media_type)


def broken_signature(envelope: dict[str, Any], key: str) -> dict[str, Any]:
    """The envelope with one bit of its signature (base64, under `key`) flipped: well-formed base64 that no
    key verifies (the bad_signature fault)."""
    signature = bytearray(base64.b64decode(envelope[key]))
    signature[-1] ^= 0x01
    return {**envelope, key: base64.b64encode(bytes(signature)).decode("ascii")}


class CutShortResponse(Response[bytes]):
    """An answer the client never receives whole (drop_after_commit): the headers promise the full body,
    half of it is sent, then the connection is closed. The client sees a transport error
    (httpx.RemoteProtocolError), not an HTTP response; uvicorn logs one line, "ASGI callable returned
    without completing response"."""

    def __init__(self, payload: bytes, media_type: str) -> None:
        super().__init__(payload, status_code=200, media_type=media_type)

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        payload = self.content
        return _HalfSentBody(body=payload[: len(payload) // 2], content_length=len(payload),
                             media_type=str(self.media_type), status_code=200)


class _HalfSentBody(ASGIResponse):
    async def send_body(self, send: Send, receive: Receive) -> None:
        # more_body=True and then nothing: the server has to drop the connection.
        await send({"type": "http.response.body", "body": self.body, "more_body": True})


# ---- control input and routes ----


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


async def read_json(request: Request, *, catch: tuple[type[Exception], ...] = (ValueError, RecursionError),
                    say_why: bool = True) -> dict[str, Any]:
    """A control body as a JSON object (an empty body is `{}`). A body that fails to parse with one of
    `catch` is a ControlInputError, whose message gives the parser's reason when `say_why`."""
    body = await request.body()
    try:
        data = json.loads(body or b"{}")
    except catch as error:
        raise ControlInputError(f"the body must be a JSON object: {error}" if say_why
                                else "the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlInputError("the body must be a JSON object")
    return data


def sandbox_base_url(request: Request) -> str:
    """This sandbox's URL root: the request's URL without the config route, so it stays right when the
    sandbox is mounted under a prefix. The server's raw path is preferred because a mounting router may
    have stripped its prefix from `path`."""
    scope = request.scope
    root_path = scope.get("root_path", "")
    raw_path = scope.get("raw_path")
    path = (raw_path.decode("latin-1") if raw_path else root_path + scope["path"]).rstrip("/")
    prefix = path[: -len(CONFIG_PATH)] if path.endswith(CONFIG_PATH) else root_path
    if root_path and not prefix.startswith(root_path):
        prefix = root_path + prefix  # behind a proxy that strips root_path before the server sees the path
    return f"{request.url.scheme}://{request.url.netloc}{prefix}"


class ControlledState(Protocol):
    fault: Fault | None

    def reset(self) -> None: ...


class ClockedState(Protocol):
    clock: SandboxClock


def config_route(settings: Callable[[str], dict[str, Any]]) -> HTTPRouteHandler:
    """`GET /_control/config`: `settings(base_url)`, the tenant settings for this sandbox's URL root."""

    @get(CONFIG_PATH, include_in_schema=False)
    async def config(request: Request) -> dict[str, Any]:
        return settings(sandbox_base_url(request))

    return config


def fault_and_reset_routes(state: ControlledState, modes: tuple[str, ...], *,
                           read: Callable[[Request], Awaitable[dict[str, Any]]] = read_json) -> list[HTTPRouteHandler]:
    """`POST /_control/faults` (with the sandbox's fault `modes`) and `POST /_control/reset`; `read` reads
    the control body (the sandbox's read_json)."""

    @post("/_control/faults", status_code=200, include_in_schema=False)
    async def faults(request: Request) -> dict[str, Any]:
        state.fault = fault_from(await read(request), modes)
        fault = state.fault
        if fault is None:
            return {"mode": "none", "count": 0}
        shown: dict[str, Any] = {"mode": fault.mode, "count": fault.remaining}
        return shown | ({"code": fault.code, "commit": fault.commit} if fault.mode == CODE_MODE else {})

    @post("/_control/reset", status_code=200, include_in_schema=False)
    async def reset() -> dict[str, Any]:
        state.reset()
        return {"reset": True}

    return [faults, reset]


def iso_utc(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def clock_routes(state: ClockedState, *, backwards: bool, show: bool, shown: Callable[[datetime], str] = iso_utc,
                 read: Callable[[Request], Awaitable[dict[str, Any]]] = read_json) -> list[HTTPRouteHandler]:
    """`POST /_control/clock` (`{"advanceSeconds": n}`, answered with the new `now`) and, when `show`,
    `GET /_control/clock`. `backwards`: whether the clock may also be moved back (up to ten years either
    way) or only forward (0 to ten years). `shown` writes the time."""

    @get("/_control/clock", include_in_schema=False)
    async def show_clock() -> dict[str, Any]:
        return {"now": shown(state.clock.now())}

    @post("/_control/clock", status_code=200, include_in_schema=False)
    async def move_clock(request: Request) -> dict[str, Any]:
        seconds: Any = (await read(request)).get("advanceSeconds")
        if backwards:
            if not is_number(seconds) or abs(seconds) > TEN_YEARS_S:
                raise ControlInputError("advanceSeconds must be a number of seconds (at most ten years either way)")
        elif not is_number(seconds) or not 0 <= seconds <= TEN_YEARS_S:
            raise ControlInputError("advanceSeconds must be a number of seconds from 0 to ten years")
        state.clock.advance(float(seconds))
        return {"now": shown(state.clock.now())}

    return [show_clock, move_clock] if show else [move_clock]
