"""Helpers for the red packet tests: the sandbox's control routes and platform endpoints, and building clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from providers.red_packet.client import RedPacketClient
from providers.red_packet.sandbox import create_sandbox_app
from providers.red_packet.settings import parse_settings
from tests.support import served

SENDING_S = 30  # the tests' sandbox sends for 30 s, so status 5 can be seen without racing the wall clock
DAY_S = 24 * 3600
NewClient = Callable[..., RedPacketClient]


class Platform:
    """The sandbox's control routes, and its platform endpoints called directly (not through the client)."""

    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=30)

    async def post(self, path: str, body: Any = None) -> Any:
        response = await self.http.post(path, json=body if body is not None else {})
        assert response.status_code == 200, response.text
        return response.json()

    async def config(self) -> dict[str, Any]:
        return (await self.http.get("/_control/config")).json()

    async def activity(self, cash_redpack_id: int, kind: str = "FIXED", low: int = 100, high: int | None = None
                       ) -> None:
        await self.post("/_control/activities", {"cashRedpackId": cash_redpack_id, "type": kind, "minValue": low,
                                                 "maxValue": low if high is None else high})

    async def advance(self, seconds: float) -> None:
        await self.post("/_control/clock", {"advanceSeconds": seconds})

    async def records(self) -> dict[str, Any]:
        return (await self.http.get("/_control/records")).json()

    async def packets(self) -> list[dict[str, Any]]:
        return list((await self.records())["packets"])

    async def calls(self) -> int:
        return int((await self.records())["calls"])

    async def balance(self) -> int:
        return int((await self.http.get("/_control/balance")).json()["balanceFen"])

    async def raw(self, path: str, body: dict[str, Any], db: str = "sandbox-project-key") -> dict[str, Any]:
        response = await self.http.post(f"/v1/cash-redpack/{path}", params={"db": db}, json=body)
        assert response.status_code == 200
        return response.json()


@asynccontextmanager
async def shared_sandbox() -> AsyncIterator[str]:
    """The sandbox most tests share: 30 s sending, and room for many packets per member a day."""
    async with served(create_sandbox_app(sending_seconds=SENDING_S, daily_packets_per_member=500)) as url:
        yield url


@asynccontextmanager
async def fresh_platform(url: str) -> AsyncIterator[Platform]:
    """The sandbox reset, with activity 7 (FIXED, 100 fen); reset again afterwards."""
    platform = Platform(url)
    await platform.post("/_control/reset")
    await platform.activity(7)
    try:
        yield platform
    finally:
        await platform.post("/_control/reset")
        await platform.http.aclose()


@asynccontextmanager
async def client_factory(platform: Platform) -> AsyncIterator[NewClient]:
    """Builds clients of the sandbox's tenant settings (read timeout 0.5 s), each with its own HTTP client."""
    config = await platform.config()
    opened: list[httpx.AsyncClient] = []

    def build(**changes: Any) -> RedPacketClient:
        opened.append(httpx.AsyncClient())
        return RedPacketClient(1, parse_settings({**config, "readTimeoutSeconds": 0.5, **changes}), opened[-1])

    try:
        yield build
    finally:
        for http in opened:
            await http.aclose()
