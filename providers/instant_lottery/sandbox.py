"""A Litestar app that IS the instant-lottery gateway (seed 003), for tests and the demo.

It serves the seed's paths, checks the envelope (app_key, v, timestamp window, signature, param_json) and
the token, serialises calls per station (seed §7), enforces the risk rules (seed §6), keeps tickets and
redemptions in memory, and can be steered through `/_control/...` (see sandbox_control.py). A fault
`{"mode": "code", "code": "1002", "commit": true}` makes the next call (any route) answer that code, after
doing its work when `commit` is true (a redemption is then kept, as a real gateway may keep it).

    create_sandbox_app()  # then POST /_control/tickets, /proxy/station/login, /proxy/validate/thirdAward ...
"""

from __future__ import annotations

import asyncio
import json

from litestar import Litestar, Request, Response, post
from litestar.handlers import HTTPRouteHandler

from providers.instant_lottery.sandbox_calls import BadParams, GatewayCall, Operation, Reply, code_reply, refusal
from providers.instant_lottery.sandbox_control import control_routes
from providers.instant_lottery.sandbox_envelope import check_envelope, form_readings
from providers.instant_lottery.sandbox_queries import award_detail, award_summary, get_count, get_prize, reset_count
from providers.instant_lottery.sandbox_redeem import third_award
from providers.instant_lottery.sandbox_reports import award_report, balance_report, sales_report, trace_report
from providers.instant_lottery.sandbox_session import change_password, login, session_refusal, station_to_log_in
from providers.instant_lottery.sandbox_staging import staging_routes
from providers.instant_lottery.sandbox_state import ControlInputError, Fault, SandboxState
from providers.sandbox_support import answer_with_fault, control_input_error

LOGIN_PATH = "/proxy/station/login"
GATEWAY_OPERATIONS: dict[str, Operation] = {
    LOGIN_PATH: login,
    "/proxy/station/password": change_password,
    "/proxy/validate/thirdAward": third_award,
    "/proxy/validate/getCount": get_count,
    "/proxy/validate/resetCount": reset_count,
    "/proxy/validate/getPrize": get_prize,
    "/migt/report/sales": sales_report,
    "/migt/report/balance": balance_report,
    "/migt/report/trace": trace_report,
    "/migt/report/award": award_report,
    "/migt/account/awardSummary": award_summary,
    "/migt/account/awardDetail": award_detail,
}
JSON = "application/json"


def create_sandbox_app(*, app_key: str = "sandbox-app-key", app_secret: str = "sandbox-app-secret") -> Litestar:
    """A new gateway with its own memory. `app.state.sandbox` is that memory, for in-process use."""
    state = SandboxState(app_key=app_key, app_secret=app_secret)
    handlers = [_gateway_route(state, path, operation) for path, operation in GATEWAY_OPERATIONS.items()]
    # logging_config=None: the process that runs the sandbox configures logging, not the framework.
    app = Litestar(route_handlers=[*handlers, *control_routes(state), *staging_routes(state)], openapi_config=None,
                   logging_config=None,
                   exception_handlers={ControlInputError: control_input_error})
    app.state.sandbox = state
    return app


def _gateway_route(state: SandboxState, path: str, operation: Operation) -> HTTPRouteHandler:
    needs_session = path != LOGIN_PATH

    async def gateway_call(request: Request) -> Response:
        return await answer_gateway_call(state, request, operation, needs_session=needs_session)

    return post(path, status_code=200, include_in_schema=False, name=f"gateway:{path}")(gateway_call)


async def answer_gateway_call(state: SandboxState, request: Request, operation: Operation, *,
                              needs_session: bool) -> Response:
    state.calls += 1

    async def work(_: Fault | None) -> bytes:
        return _encoded(await _process(state, await request.body(), operation, needs_session=needs_session))

    # Mode "code" answers the gateway's envelope with that code; with commit, after doing the call's work.
    return await answer_with_fault(state.take_fault(), work, media_type=JSON,
                                   code_answer=lambda code: _encoded(code_reply(code)))


def _encoded(reply: Reply) -> bytes:
    return json.dumps(reply.as_json(), ensure_ascii=False).encode("utf-8")


async def _process(state: SandboxState, body: bytes, operation: Operation, *, needs_session: bool) -> Reply:
    checked = check_envelope(state, form_readings(body))
    if isinstance(checked, Reply):
        return checked
    session = None
    if needs_session:
        token = checked.form.get("access_token", "")
        refused = session_refusal(state, token)
        if refused is not None:
            return refusal(refused)
        session = state.sessions[token]
    call = GatewayCall(params=checked.business, session=session)
    try:
        station_id = session.station_id if session else station_to_log_in(call)
    except BadParams as error:
        return refusal(error.ret)
    return await _one_at_a_time_per_station(state, station_id, operation, call)


async def _one_at_a_time_per_station(state: SandboxState, station_id: str, operation: Operation,
                                     call: GatewayCall) -> Reply:
    """Seed §7: the gateway serves each station serially; a call that finds its station busy is refused
    with 1005 (稍后再试) rather than queued."""
    if station_id in state.busy_stations:
        state.overlaps += 1
        return refusal("1005")
    state.busy_stations.add(station_id)
    try:
        if state.rules.latency_seconds > 0:
            await asyncio.sleep(state.rules.latency_seconds)
        return operation(state, call)
    except BadParams as error:
        return refusal(error.ret)
    finally:
        state.busy_stations.discard(station_id)
