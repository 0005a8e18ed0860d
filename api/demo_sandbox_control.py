"""Calling a mounted sandbox's `/_control` routes in-process, as any client of the sandbox would.

The demo seeds the sandboxes through their own routes rather than their state objects, so it keeps to the
outside every sandbox shares (README, Providers) and gets the same validation a curl would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar


class SandboxControl:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def get(self, path: str) -> dict[str, Any]:
        return _json(await self._client.get(path))

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return _json(await self._client.post(path, json=body))


@asynccontextmanager
async def sandbox_control(app: Litestar) -> AsyncIterator[SandboxControl]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Litestar is an ASGI app
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        yield SandboxControl(client)


def _json(response: httpx.Response) -> dict[str, Any]:
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"{response.request.url.path} answered {type(data).__name__}, not an object")
    return data


async def tenant_settings(control: SandboxControl, mounted_at: str) -> dict[str, Any]:
    """The sandbox's settings for a tenant; the service reaches it at its mounted address."""
    settings = await control.get("/_control/config")
    # A provider that only calls us (Randou) has no baseUrl, and refuses one.
    return {**settings, "baseUrl": mounted_at} if "baseUrl" in settings else settings
