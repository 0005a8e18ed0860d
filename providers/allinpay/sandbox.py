"""A Litestar app that IS the Allinpay open gateway for couponSend (seed 002), for tests and the demo.

One form-POST route, `/gateway`, dispatching on `method` like the real gateway. It checks the envelope
(appId, the RSA signature with the merchant's test public key in the configured variant, a ±10 minute
timestamp window), keeps coupon templates with stock and the issued orders in memory, signs every answer
with its own gateway key, and is steered through `/_control/...` (see sandbox_control.py). Its keys are
made when the app is created and survive `/_control/reset`; `/_control/config` hands out the merchant's
private key and the gateway's public key, which is all a tenant needs. `POST /_control/faults {"mode": "code",
"code": "9103", "commit": true}` answers the next call with that code, signed; with commit the order is
issued and kept first, so a resend of its orderId gets the original answer.

    create_sandbox_app()  # then POST /_control/templates, GET /_control/config, POST /gateway ...
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from litestar import Litestar, Request, Response, post

from providers.allinpay import codes
from providers.allinpay.sandbox_control import GATEWAY_PATH, control_routes
from providers.allinpay.sandbox_coupons import coupon_send
from providers.allinpay.sandbox_envelope import Answer, check_request, read_form, refusal, signed_envelope, staged_code
from providers.allinpay.sandbox_state import DEFAULT_APP_ID, ControlInputError, Fault, SandboxKeys, SandboxState
from providers.allinpay.wire import COUPON_SEND
from providers.sandbox_support import SIGNED_FAULTS_AFTER_WORK, answer_with_fault, broken_signature, control_input_error

Method = Callable[[SandboxState, dict[str, Any]], Answer]
METHODS: dict[str, Method] = {COUPON_SEND: coupon_send}
JSON = "application/json"


def create_sandbox_app(*, app_id: str = DEFAULT_APP_ID, key_bits: int = 1024) -> Litestar:
    """A new gateway with its own keys and memory. `app.state.sandbox` is that memory, for in-process use."""
    state = SandboxState(app_id=app_id, keys=SandboxKeys.generate(key_bits))

    # The gateway also answers at the app's root: the demo mounts each sandbox at /sandboxes/<name> and
    # points the tenant's baseUrl at that mount, not at its /gateway.
    @post([GATEWAY_PATH, "/"], status_code=200, include_in_schema=False, name="allinpay:gateway")
    async def gateway(request: Request) -> Response:
        return await answer_gateway_call(state, await request.body())

    # logging_config=None: the process that runs the sandbox configures logging, not the framework.
    app = Litestar(route_handlers=[gateway, *control_routes(state)], openapi_config=None, logging_config=None,
                   exception_handlers={ControlInputError: control_input_error})
    app.state.sandbox = state
    return app


async def answer_gateway_call(state: SandboxState, body: bytes) -> Response:
    state.calls += 1

    async def work(fault: Fault | None) -> bytes:
        envelope = signed_envelope(state, _process(state, body))
        if fault is not None and fault.mode == "bad_signature":  # the work above is done and kept
            envelope = broken_signature(envelope, "sign")
        return _json(envelope)

    def code_answer(code: str) -> bytes:
        return _json(signed_envelope(state, staged_code(code)))

    return await answer_with_fault(state.take_fault(), work, media_type=JSON, after_work=SIGNED_FAULTS_AFTER_WORK,
                                   code_answer=code_answer)


def _json(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _process(state: SandboxState, body: bytes) -> Answer:
    checked = check_request(state, read_form(body))
    if isinstance(checked, Answer):
        return checked
    method = METHODS.get(checked.method)
    if method is None:
        return refusal(codes.METHOD_UNKNOWN)
    return method(state, checked.biz)
