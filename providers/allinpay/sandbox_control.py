"""The sandbox's `/_control` routes: the contract every sandbox shares (config, faults, reset, records)
and the ones that steer this gateway (templates, sign-variant, clock, answer-format).

Bad input is a ControlInputError, answered 400 with `{"error": ...}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler

from providers.allinpay.sandbox_state import (
    FAULT_MODES,
    TRAN_DATE_TIME_FORMATS,
    ControlInputError,
    Order,
    SandboxState,
    Template,
)
from providers.allinpay.signing import SIGN_VARIANTS
from providers.allinpay.times import BEIJING
from providers.sandbox_support import clock_routes, config_route, fault_and_reset_routes, read_json

GATEWAY_PATH = "/gateway"
MAX_STOCK = 1_000_000


def control_routes(state: SandboxState) -> list[HTTPRouteHandler]:
    """The control handlers, bound to one sandbox's state."""

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

    @post("/_control/answer-format", status_code=200, include_in_schema=False)
    async def answer_format(request: Request) -> dict[str, Any]:
        wanted = (await read_json(request)).get("tranDateTime")
        if wanted not in TRAN_DATE_TIME_FORMATS:
            raise ControlInputError(f"tranDateTime must be one of {list(TRAN_DATE_TIME_FORMATS)}")
        state.tran_date_time_format = wanted
        return {"tranDateTime": wanted}

    return [config_route(lambda base_url: tenant_settings(state, base_url + GATEWAY_PATH)),
            *fault_and_reset_routes(state, FAULT_MODES), records, templates, sign_variant,
            *clock_routes(state, backwards=True, show=True, shown=_iso_beijing), answer_format]


def tenant_settings(state: SandboxState, gateway_url: str) -> dict[str, Any]:
    """The settings that connect a tenant to this sandbox (the shape `providers.allinpay.settings` reads)."""
    return {"baseUrl": gateway_url, "appId": state.app_id, "privateKeyPem": state.keys.merchant_private_pem,
            "providerPublicKeyPem": state.keys.gateway_public_pem, "signVariant": state.sign_variant,
            "version": "1.0"}


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
            "list": [dict(entry) for entry in order.entries]}


def _iso_beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")
