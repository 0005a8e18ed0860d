"""The embedded demo: a tenant with a funded campaign and a fresh admin key, printed on start."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.ids import encode_id
from ledger.domain.access import Role
from ledger.persistence.models import Campaign, Tenant
from ledger.services import access, campaigns

log = logging.getLogger(__name__)
DEMO_TENANT_NAME = "Demo"


async def seed_demo() -> tuple[Tenant, str]:
    """Idempotent: the tenant and its campaign are made once; each start prints a new admin key."""
    tenant = await Tenant.filter(name=DEMO_TENANT_NAME).order_by("id").first()
    if tenant is None:
        tenant = await access.create_tenant(DEMO_TENANT_NAME)
    if not await Campaign.exists(tenant_id=tenant.id):
        campaign = await campaigns.create_campaign(tenant.id, "Welcome bonus", "CNY", "demo:campaign")
        await campaigns.fund_campaign(tenant.id, campaign.id, 1_000_000, "demo:funding")
    _, key = await access.create_api_key(tenant.id, Role.ADMIN, label="demo")
    return tenant, key


def demo_startup(host: str, port: int):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def startup() -> AsyncIterator[None]:
        tenant, key = await seed_demo()
        print(
            "\n"
            f"  reward-ledger demo: GraphiQL at http://{host}:{port}/graphql\n"
            f"  tenant {tenant.name} ({encode_id('Tenant', tenant.id)})\n"
            f"  admin API key (shown once): {key}\n"
            f"  send it as the header  Authorization: Bearer {key}\n",
            flush=True,
        )
        yield

    return startup
