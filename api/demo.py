"""The embedded demo: a tenant with a funded campaign, connected to in-process provider sandboxes, and a
fresh admin key printed on start."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar
from litestar.handlers import asgi
from litestar.types import Receive, Scope, Send

from api.ids import encode_id
from ledger.domain.access import Role
from ledger.persistence.models import Campaign, Tenant
from ledger.services import access, campaigns, lottery_risk
from providers import registry

log = logging.getLogger(__name__)
DEMO_TENANT_NAME = "Demo"
SANDBOX_ROOT = "/sandboxes"


def sandbox_mounts() -> tuple[list[Any], dict[str, Litestar]]:
    """Route handlers mounting every provider's sandbox at /sandboxes/<name>, and the apps themselves."""
    apps = {name: registry.module(name).sandbox() for name in registry.provider_names()}
    handlers = [_mount(f"{SANDBOX_ROOT}/{name}", app) for name, app in apps.items()]
    return handlers, apps


def _mount(path: str, app: Litestar) -> Any:
    @asgi(path, is_mount=True, name=f"sandbox:{path}", copy_scope=True)
    async def sandbox(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)

    return sandbox


async def seed_demo(sandboxes: dict[str, Litestar], public_root: str) -> tuple[Tenant, str]:
    """Idempotent: the tenant, its campaign and its provider settings are made once; each start prints a
    new admin key (keys are stored hashed, so an old one cannot be shown again)."""
    tenant = await Tenant.filter(name=DEMO_TENANT_NAME).order_by("id").first()
    if tenant is None:
        tenant = await access.create_tenant(DEMO_TENANT_NAME)
    if not await Campaign.exists(tenant_id=tenant.id):
        campaign = await campaigns.create_campaign(tenant.id, "Welcome bonus", "CNY", "demo:campaign")
        await campaigns.fund_campaign(tenant.id, campaign.id, 1_000_000, "demo:funding")
    for name, app in sandboxes.items():
        await registry.configure(tenant.id, name, await _sandbox_settings(app, f"{public_root}{SANDBOX_ROOT}/{name}"))
    # The demo is for trying things at any hour: the seed's 01:00-23:00 window and real-name rule are off.
    await lottery_risk.set_rules(tenant.id, service_hours=None, require_real_name=False)
    _, key = await access.create_api_key(tenant.id, Role.ADMIN, label="demo")
    return tenant, key


async def _sandbox_settings(app: Litestar, mounted_at: str) -> dict[str, Any]:
    """Asks the sandbox for its settings in-process; the service reaches it at its mounted address."""
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Litestar is an ASGI app
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        response = await client.get("/_control/config")
        response.raise_for_status()
        settings = response.json()
        # A provider that only calls us (Randou) has no baseUrl, and refuses one.
        return {**settings, "baseUrl": mounted_at} if "baseUrl" in settings else settings


def demo_startup(host: str, port: int, sandboxes: dict[str, Litestar]
                 ) -> Callable[[], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def startup() -> AsyncIterator[None]:
        tenant, key = await seed_demo(sandboxes, f"http://{host}:{port}")
        print(
            "\n"
            f"  reward-ledger demo: GraphiQL at http://{host}:{port}/graphql\n"
            f"  tenant {tenant.name} ({encode_id('Tenant', tenant.id)}), connected to the sandboxes at "
            f"http://{host}:{port}{SANDBOX_ROOT}/<provider>\n"
            f"  admin API key (shown once): {key}\n"
            f"  send it as the header  Authorization: Bearer {key}\n",
            flush=True,
        )
        yield

    return startup
