"""A Litestar app that IS the UnionPay applet backend for qual.reduce (seed 000), for tests and the demo.

`POST /qual.reduce` and `POST /backendToken` answer at the app's root and under `/open/access/1.0/`,
so a tenant's baseUrl is the sandbox root (what `/_control/config` gives) or a production-shaped path.
Every answer is in a shape the sources print (sandbox_draw.py) plus a `signature` made with the sandbox's
own UnionPay key (ASSUMPTION, see signing.py). Keys are made when the app is created and survive
`/_control/reset`. The fault mode "code" answers any resp in the refusal shape; with `commit` the draw is
made first (the qualification used, the award drawn and kept under the transNumber).

    create_sandbox_app()  # then POST /_control/pools, GET /_control/config, POST /qual.reduce ...
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from litestar import Litestar, Request, Response, post

from providers.sandbox_support import SIGNED_FAULTS_AFTER_WORK, answer_with_fault, broken_signature, control_input_error
from providers.unionpay import codes
from providers.unionpay.sandbox_control import control_routes
from providers.unionpay.sandbox_draw import Answer, backend_token, qual_reduce, refusal
from providers.unionpay.sandbox_state import (
    DEFAULT_APP_ID,
    DEFAULT_SEED,
    ControlInputError,
    Fault,
    SandboxKeys,
    SandboxState,
)
from providers.unionpay.signing import sign_response

JSON = "application/json"
PRODUCTION_PREFIX = "/open/access/1.0"


def create_sandbox_app(*, app_id: str = DEFAULT_APP_ID, key_bits: int = 2048, seed: int = DEFAULT_SEED) -> Litestar:
    """A new backend with its own keys and memory. `app.state.sandbox` is that memory, for in-process use."""
    state = SandboxState(app_id=app_id, keys=SandboxKeys.generate(key_bits), seed=seed)

    @post(["/qual.reduce", f"{PRODUCTION_PREFIX}/qual.reduce"], status_code=200, include_in_schema=False,
          name="unionpay:qual.reduce")
    async def draw(request: Request) -> Response:
        return await answer_call(state, await request.body(), qual_reduce)

    @post(["/backendToken", f"{PRODUCTION_PREFIX}/backendToken"], status_code=200, include_in_schema=False,
          name="unionpay:backendToken")
    async def token(request: Request) -> Response:
        return await answer_call(state, await request.body(), backend_token, faults=False)

    app = Litestar(route_handlers=[draw, token, *control_routes(state)], openapi_config=None, logging_config=None,
                   exception_handlers={ControlInputError: control_input_error})
    app.state.sandbox = state
    return app


async def answer_call(state: SandboxState, body: bytes, work: Callable[[SandboxState, Any], Answer], *,
                      faults: bool = True) -> Response:
    state.calls += 1

    async def answer(fault: Fault | None) -> bytes:
        try:
            parsed: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            done = refusal(codes.PARAMS_INVALID, "the body must be JSON")
        else:
            done = work(state, parsed)
        return signed(state, done, broken=fault is not None and fault.mode == "bad_signature")

    return await answer_with_fault(state.take_fault() if faults else None, answer, media_type=JSON,
                                   after_work=SIGNED_FAULTS_AFTER_WORK,
                                   code_answer=lambda code: signed(state, refusal(code)))


def signed(state: SandboxState, answer: Answer, *, broken: bool = False) -> bytes:
    """The answer as sent: signed with the sandbox's UnionPay key (`broken`: a signature no key verifies)."""
    envelope: dict[str, Any] = dict(answer.body)
    envelope["signature"] = sign_response(envelope, state.keys.provider_private_pem)
    if broken:  # the bad_signature fault: the draw is made and kept
        envelope = broken_signature(envelope, "signature")
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
