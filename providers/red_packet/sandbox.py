"""A Litestar app that IS the cash red packet platform (seed 004), for tests and the demo.

It serves the seed's seven endpoints under `/v1` (PROTOCOLS.md §4: `POST {prefix}/v1{path}?db=<key>`, JSON
bodies), checks the project key and, when created with an `app_sign_key`, the AppSign; keeps activities,
groups, members, the merchant balance and packets in memory, moves packets along on its own clock
(sandbox_packets.py), and can be steered through `/_control/...` (sandbox_control.py), including
`/_control/faults {"mode": "code", "code": "40100", "commit": true}`: the next call is answered with that
errcode, after its work is done and kept when `commit` (the packets exist though the answer says otherwise).

    create_sandbox_app()  # then POST /_control/activities, /v1/cash-redpack/send-cash-redpack?db=...
"""

from __future__ import annotations

import hmac
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from litestar import Litestar, Request, Response, post
from litestar.handlers import HTTPRouteHandler

from providers.red_packet import codes
from providers.red_packet.sandbox_calls import BadParams, Operation, Reply, code_answer, refusal
from providers.red_packet.sandbox_control import control_routes
from providers.red_packet.sandbox_lists import list_group_sends, list_sends
from providers.red_packet.sandbox_sending import (
    resend_packet,
    scan_send,
    send_to_groups,
    send_to_members,
    update_status,
)
from providers.red_packet.sandbox_state import ControlInputError, Fault, Rules, SandboxState
from providers.red_packet.settings import DEFAULT_API_PREFIX
from providers.red_packet.signing import verify
from providers.red_packet.wire_requests import (
    GROUP_SEND,
    LIST_GROUP_SENDS,
    LIST_SENDS,
    RESEND,
    SCAN_SEND,
    SEND,
    UPDATE_STATUS,
)
from providers.sandbox_support import answer_with_fault, control_input_error

PLATFORM_OPERATIONS: dict[str, Operation] = {
    SEND: send_to_members,
    GROUP_SEND: send_to_groups,
    RESEND: resend_packet,
    UPDATE_STATUS: update_status,
    SCAN_SEND: scan_send,
    LIST_SENDS: list_sends,
    LIST_GROUP_SENDS: list_group_sends,
}
JSON = "application/json"


def create_sandbox_app(*, project_key: str = "sandbox-project-key", app_sign_key: str | None = None,
                       seed: int = 4, sending_seconds: float = 1.0, expiry_seconds: float = 24 * 3600,
                       daily_packets_per_member: int = 10) -> Litestar:
    """A new platform with its own memory. `app.state.sandbox` is that memory, for in-process use.

    `seed` fixes the RANDOM amounts' draw sequence; the timings are on the sandbox clock."""
    rules = replace(Rules(), sending_seconds=sending_seconds, expiry_seconds=expiry_seconds,
                    daily_packets_per_member=daily_packets_per_member)
    state = SandboxState(project_key=project_key, app_sign_key=app_sign_key, seed=seed, rules=rules)
    handlers = [_platform_route(state, path, operation) for path, operation in PLATFORM_OPERATIONS.items()]
    # logging_config=None: the process that runs the sandbox configures logging, not the framework.
    app = Litestar(route_handlers=[*handlers, *control_routes(state)], openapi_config=None, logging_config=None,
                   exception_handlers={ControlInputError: control_input_error})
    app.state.sandbox = state
    return app


def _platform_route(state: SandboxState, path: str, operation: Operation) -> HTTPRouteHandler:
    async def platform_call(request: Request) -> Response[Any]:
        return await answer_platform_call(state, request, operation)

    return post(DEFAULT_API_PREFIX + path, status_code=200, include_in_schema=False,
                name=f"platform:{path}")(platform_call)


async def answer_platform_call(state: SandboxState, request: Request, operation: Operation) -> Response[Any]:
    state.calls += 1

    async def work(_: Fault | None) -> bytes:
        reply = _process(state, request.query_params.get("db"), await request.body(), operation)
        return json.dumps(reply.as_json(), ensure_ascii=False).encode("utf-8")

    # Faults: timeout, http500 and html answer instead of the call; drop_after_commit cuts the answer short
    # after the work; "code" answers that errcode, after the work (kept) when it commits.
    return await answer_with_fault(state.take_fault(), work, media_type=JSON, code_answer=code_answer)


def _process(state: SandboxState, db: str | None, body: bytes, operation: Operation) -> Reply:
    """Project key, then the JSON body, then AppSign, then the operation."""
    if not hmac.compare_digest((db or "").encode(), state.project_key.encode()):
        return refusal(codes.UNKNOWN_PROJECT)
    try:
        params = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return refusal(codes.BAD_PARAMS)
    if not isinstance(params, dict):
        return refusal(codes.BAD_PARAMS)
    # The caller signs with its own clock's minute, so AppSign is checked against the wall clock, not the
    # sandbox clock that tests move forward to age packets.
    if state.app_sign_key and not verify(params, datetime.now(UTC), state.app_sign_key):
        return refusal(codes.BAD_APP_SIGN)
    try:
        return operation(state, params)
    except BadParams as error:
        return refusal(error.errcode)
