"""The sandbox's `/_control` routes: the contract every sandbox shares (config, faults, reset, records)
and the ones that steer this gateway (templates, sign-variant, clock, answer-format).

Bad input is a ControlInputError, answered 400 with `{"error": ...}`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler

from providers.allinpay.sandbox_state import (
    FAULT_MODES,
    TRAN_DATE_TIME_FORMATS,
    ControlInputError,
    Fault,
    Order,
    SandboxState,
    Template,
)
from providers.allinpay.signing import SIGN_VARIANTS
from providers.allinpay.times import BEIJING

CONFIG_PATH = "/_control/config"
GATEWAY_PATH = "/gateway"
MAX_STOCK = 1_000_000
_TEN_YEARS_S = 10 * 365 * 86400


def control_routes(state: SandboxState) -> list[HTTPRouteHandler]:
    """The control handlers, bound to one sandbox's state."""

    @get(CONFIG_PATH, include_in_schema=False)
    async def config(request: Request) -> dict[str, Any]:
        return tenant_settings(state, sandbox_base_url(request) + GATEWAY_PATH)

    @post("/_control/faults", status_code=200, include_in_schema=False)
    async def faults(request: Request) -> dict[str, Any]:
        state.fault = fault_from(await read_json(request))
        fault = state.fault
        return {"mode": fault.mode if fault else "none", "count": fault.remaining if fault else 0}

    @post("/_control/reset", status_code=200, include_in_schema=False)
    async def reset() -> dict[str, Any]:
        state.reset()
        return {"reset": True}

    @get("/_control/records", include_in_schema=False)
    async def records() -> dict[str, Any]:
        return {"orders": [order_json(order) for order in state.orders.values()], "calls": state.calls}

    @post("/_control/templates", status_code=200, include_in_schema=False)
    async def templates(request: Request) -> dict[str, Any]:
        template = template_from(await read_json(request))
        state.templates[template.template_id] = template
        return {"couponTemplateId": template.template_id, "stock": template.stock, "couponName": template.coupon_name}

    @post("/_control/sign-variant", status_code=200, include_in_schema=False)
    async def sign_variant(request: Request) -> dict[str, Any]:
        variant = (await read_json(request)).get("variant")
        if variant not in SIGN_VARIANTS:
            raise ControlInputError(f"variant must be one of {list(SIGN_VARIANTS)}")
        state.sign_variant = variant
        return {"variant": variant}

    @get("/_control/clock", include_in_schema=False)
    async def show_clock() -> dict[str, Any]:
        return {"now": state.clock.now().astimezone(BEIJING).isoformat(timespec="seconds")}

    @post("/_control/clock", status_code=200, include_in_schema=False)
    async def move_clock(request: Request) -> dict[str, Any]:
        seconds = (await read_json(request)).get("advanceSeconds")
        if not isinstance(seconds, int | float) or not _is_number(seconds) or abs(seconds) > _TEN_YEARS_S:
            raise ControlInputError("advanceSeconds must be a number of seconds (at most ten years either way)")
        state.clock.advance(float(seconds))
        return {"now": state.clock.now().astimezone(BEIJING).isoformat(timespec="seconds")}

    @post("/_control/answer-format", status_code=200, include_in_schema=False)
    async def answer_format(request: Request) -> dict[str, Any]:
        wanted = (await read_json(request)).get("tranDateTime")
        if wanted not in TRAN_DATE_TIME_FORMATS:
            raise ControlInputError(f"tranDateTime must be one of {list(TRAN_DATE_TIME_FORMATS)}")
        state.tran_date_time_format = wanted
        return {"tranDateTime": wanted}

    return [config, faults, reset, records, templates, sign_variant, show_clock, move_clock, answer_format]


async def read_json(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError) as error:
        raise ControlInputError(f"the body must be a JSON object: {error}") from None
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


def tenant_settings(state: SandboxState, gateway_url: str) -> dict[str, Any]:
    """The settings that connect a tenant to this sandbox (the shape `providers.allinpay.settings` reads)."""
    return {"baseUrl": gateway_url, "appId": state.app_id, "privateKeyPem": state.keys.merchant_private_pem,
            "providerPublicKeyPem": state.keys.gateway_public_pem, "signVariant": state.sign_variant,
            "version": "1.0"}


def fault_from(data: dict[str, Any]) -> Fault | None:
    mode = data.get("mode")
    if mode == "none":
        return None
    if mode not in FAULT_MODES:
        raise ControlInputError(f"mode must be one of {['none', *FAULT_MODES]}")
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
        raise ControlInputError("count must be a whole number from 1 to 1000")
    delay = data.get("delaySeconds", 5.0)
    if not _is_number(delay) or not 0 <= delay <= 300:
        raise ControlInputError("delaySeconds must be a number of seconds from 0 to 300")
    return Fault(mode=mode, remaining=count, delay_seconds=float(delay))


def template_from(data: dict[str, Any]) -> Template:
    template_id = data.get("couponTemplateId")
    if isinstance(template_id, int) and not isinstance(template_id, bool):
        template_id = str(template_id)
    if not isinstance(template_id, str) or not template_id.strip() or len(template_id) > 64:
        raise ControlInputError("couponTemplateId must be a non-empty string of at most 64 characters")
    stock = data.get("stock")
    if isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        raise ControlInputError(f"stock must be a whole number from 0 to {MAX_STOCK}")
    name = data.get("couponName", f"沙箱测试券{template_id}")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ControlInputError("couponName must be a non-empty string of at most 100 characters")
    return Template(template_id=template_id.strip(), stock=stock, coupon_name=name)


def order_json(order: Order) -> dict[str, Any]:
    return {"orderId": order.order_id, "tranNo": order.tran_no, "couponTemplateId": order.template_id,
            "num": order.num, "memberId": order.member_id, "idType": order.id_type,
            "coupons": [dict(coupon) for coupon in order.coupons]}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
