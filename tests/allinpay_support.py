"""Helpers for tests of the Allinpay adapter and sandbox: the sandbox's control routes, and talking to its
gateway directly (signed with the config's key) to see its raw answers."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from ledger.ports import RewardSnapshot
from providers.allinpay.client import AllinpayClient, CouponSendRequest
from providers.allinpay.settings import parse_settings
from providers.allinpay.signing import sign_request
from providers.allinpay.wire import CouponAnswer, parse_response, request_form

TEMPLATE = "307"
MOBILE = "13800138000"
_orders = itertools.count(1)


class AllinpaySandbox:
    """The sandbox's control routes, and its gateway as a plain HTTP client sees it."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.http.post(path, json=body or {})
        assert response.status_code == 200, response.text
        return response.json()

    async def reset(self) -> None:
        await self._post("/_control/reset")

    async def config(self) -> dict[str, Any]:
        response = await self.http.get("/_control/config")
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def template(self, template_id: str = TEMPLATE, stock: int = 100, **extra: Any) -> None:
        await self._post("/_control/templates", {"couponTemplateId": template_id, "stock": stock, **extra})

    async def faults(self, mode: str, count: int = 1, **extra: Any) -> None:
        await self._post("/_control/faults", {"mode": mode, "count": count, **extra})

    async def sign_variant(self, variant: str) -> None:
        await self._post("/_control/sign-variant", {"variant": variant})

    async def advance_clock(self, seconds: float) -> None:
        await self._post("/_control/clock", {"advanceSeconds": seconds})

    async def tran_date_time_as(self, form: str) -> None:
        await self._post("/_control/answer-format", {"tranDateTime": form})

    async def records(self) -> dict[str, Any]:
        return dict((await self.http.get("/_control/records")).json())

    async def orders(self) -> list[dict[str, Any]]:
        return list((await self.records())["orders"])

    async def raw_answer(self, config: dict[str, Any], biz: dict[str, Any], *, moment: datetime | None = None,
                         **changes: str) -> CouponAnswer | None:
        """POSTs a couponSend signed with the config's key, after applying `changes` to the form (and signing
        again); the gateway's verified answer, or None."""
        settings = parse_settings(config)
        form = {**request_form(settings, biz, moment or datetime.now(UTC)), **changes}
        form["sign"] = sign_request(form, settings.private_key_pem, settings.sign_variant)
        return await self.post_form(config, form)

    async def code_of(self, config: dict[str, Any], biz: dict[str, Any], **changes: str) -> int | None:
        answer = await self.raw_answer(config, biz, **changes)
        return answer.code if answer is not None else None

    async def post_form(self, config: dict[str, Any], form: dict[str, str]) -> CouponAnswer | None:
        """POSTs `form` as it is; the gateway's verified answer, or None."""
        response = await self.http.post(config["baseUrl"], data=form)
        return parse_response(response.status_code, response.content, parse_settings(config))


def coupon_biz(order_id: str, num: int = 1, **extra: str) -> dict[str, str]:
    return {"orderId": order_id, "couponTemplateId": TEMPLATE, "num": str(num), "couponType": "1",
            "operUserId": "cashier-1", "shopId": "1", **extra}


@asynccontextmanager
async def fresh_sandbox(url: str, stock: int = 100) -> AsyncIterator[AllinpaySandbox]:
    """The sandbox at `url`, reset, with template 307 holding `stock` coupons."""
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        sandbox = AllinpaySandbox(http)
        await sandbox.reset()
        await sandbox.template(stock=stock)
        yield sandbox


class ClientFactory:
    """Builds adapters for the sandbox's config, each with its own HTTP client; `changes` alter the settings.
    The read timeout is short so that the timeout fault is quick to see."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self._opened: list[httpx.AsyncClient] = []

    def __call__(self, **changes: Any) -> AllinpayClient:
        self._opened.append(httpx.AsyncClient())
        settings = parse_settings({**self.config, "readTimeoutSeconds": 0.5, **changes})
        return AllinpayClient(7, settings, self._opened[-1])

    async def aclose(self) -> None:
        for http in self._opened:
            await http.aclose()


def order(num: int = 1, **fields: Any) -> CouponSendRequest:
    """A new order (a new orderId) for template 307 from shop 1, to nobody in particular."""
    values: dict[str, Any] = {"order_id": f"RL-{next(_orders):06d}", "coupon_template_id": TEMPLATE, "num": num,
                              "coupon_type": "1", "oper_user_id": "cashier-1", "shop_id": "1", **fields}
    return CouponSendRequest(**values)


def to_member(num: int = 1, **fields: Any) -> CouponSendRequest:
    return order(num, id_type="1", member_account=MOBILE, **fields)


def snapshot_of(request: CouponSendRequest, stored: Any = None) -> RewardSnapshot:
    """The reward as the ledger keeps it: the order's bizContent (or `stored`) in details["request"]."""
    return RewardSnapshot(id=1, tenant_id=7, member_id="m-1", amount=request.num, asset=f"COUPON:{TEMPLATE}",
                          provider_refs={"orderId": request.order_id},
                          details={"request": request.biz_content() if stored is None else stored})
