"""A Litestar app that plays Randou pushing draw results (seed 001), for tests and the demo.

Randou calls the developer, so this sandbox is a *pusher*, steered through `/_control`:

- `GET /_control/config`: the settings that connect a tenant (`{"appId", "appSecret", "acceptWindowSeconds",
  "timestampWindowSeconds"}`);
- `POST /_control/push {"webhookUrl", "params": {...seed fields...}, "method"?: "POST"|"GET", "body"?: "form" |
  "json", "tamper"?: null | "bad_sign" | "wrong_appid" | "no_nonce" | "stale" | "reused_nonce", "maxAttempts"?: 3,
  "backoffSeconds"?: 0.2}`: fills `appid`, `timestamp`, `nonce_str` where missing, signs afresh per attempt,
  sends, retries on anything but `success`; answers `{"status", "body", "attempts", "delivered", "sent", ...}`
  (status null if no HTTP answer). The seed's pushes, field for field, are in tests/fixtures/seeds/randou/;
- `GET /_control/records`: the pushes made since the last reset;
- `POST /_control/reset`: forgets records and the last nonce (the credentials stay);
- `POST /_control/faults`: accepted and ignored: the pusher makes no gateway calls that a fault could break;
  negative cases are the push's `tamper`.

Only loopback webhook URLs are accepted unless the app is created with `allow_any_host=True`.
Bad control input is answered 400 with `{"error": ...}`.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx
from litestar import Litestar, Request, Response, get, post

from providers.randou.sandbox_push import (
    DEFAULT_APP_ID,
    ControlInputError,
    PusherState,
    push,
    push_order_from,
)
from providers.randou.settings import DEFAULT_ACCEPT_WINDOW_S, DEFAULT_TIMESTAMP_WINDOW_S

JSON = "application/json"


def create_sandbox_app(*, app_id: str = DEFAULT_APP_ID, app_secret: str | None = None,
                       allow_any_host: bool = False, timeout_s: float = 5.0) -> Litestar:
    """A new pusher with its own credentials. `app.state.sandbox` is its memory, for in-process use."""
    state = PusherState(app_id=app_id, app_secret=app_secret or secrets.token_hex(15),
                        timestamp_window_s=DEFAULT_TIMESTAMP_WINDOW_S, accept_window_s=DEFAULT_ACCEPT_WINDOW_S,
                        allow_any_host=allow_any_host)

    @get("/_control/config", include_in_schema=False)
    async def config() -> dict[str, Any]:
        return {"appId": state.app_id, "appSecret": state.app_secret,
                "acceptWindowSeconds": state.accept_window_s, "timestampWindowSeconds": state.timestamp_window_s}

    @post("/_control/push", status_code=200, include_in_schema=False)
    async def push_route(request: Request) -> dict[str, Any]:
        order = push_order_from(await read_json(request), state)
        async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=False, trust_env=False) as http:
            return await push(order, state, http)

    @get("/_control/records", include_in_schema=False)
    async def records() -> dict[str, Any]:
        return {"pushes": list(state.records)}

    @post("/_control/reset", status_code=200, include_in_schema=False)
    async def reset() -> dict[str, Any]:
        state.reset()
        return {"reset": True}

    @post("/_control/faults", status_code=200, include_in_schema=False)
    async def faults(request: Request) -> dict[str, Any]:
        await read_json(request)
        return {"mode": "none", "count": 0,
                "note": "the pusher makes no gateway calls to break; use tamper on /_control/push"}

    # logging_config=None: the process that runs the sandbox configures logging, not the framework.
    app = Litestar(route_handlers=[config, push_route, records, reset, faults], openapi_config=None,
                   logging_config=None, exception_handlers={ControlInputError: _control_input_error})
    app.state.sandbox = state
    return app


async def read_json(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError) as error:
        raise ControlInputError(f"the body must be a JSON object: {error}") from None
    if not isinstance(data, dict):
        raise ControlInputError("the body must be a JSON object")
    return data


def _control_input_error(_: Request, error: ControlInputError) -> Response:
    return Response({"error": str(error)}, status_code=400, media_type=JSON)
