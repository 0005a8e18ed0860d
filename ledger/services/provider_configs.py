"""Storing a tenant's provider settings. Validation and masking belong to each provider's adapter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ledger.persistence.provider_models import ProviderConfig


async def stored_settings(tenant_id: int, provider: str) -> dict[str, Any] | None:
    config = await ProviderConfig.get_or_none(tenant_id=tenant_id, provider=provider)
    return config.settings if config else None


async def save_settings(tenant_id: int, provider: str, settings: dict[str, Any]) -> ProviderConfig:
    """An upsert: configuring a provider again replaces its settings."""
    updated = await ProviderConfig.filter(tenant_id=tenant_id, provider=provider).update(settings=settings)
    if not updated:
        try:
            return await ProviderConfig.create(tenant_id=tenant_id, provider=provider, settings=settings)
        except IntegrityError:  # configured concurrently: the later write wins, as an upsert should
            await ProviderConfig.filter(tenant_id=tenant_id, provider=provider).update(settings=settings)
    return await ProviderConfig.get(tenant_id=tenant_id, provider=provider)


async def list_configs(tenant_id: int) -> list[ProviderConfig]:
    return await ProviderConfig.filter(tenant_id=tenant_id).order_by("provider")


async def configured(tenant_id: int | None = None) -> list[tuple[int, str]]:
    """(tenant, provider) of every stored config, or of one tenant's."""
    query = ProviderConfig.all() if tenant_id is None else ProviderConfig.filter(tenant_id=tenant_id)
    rows = await query.order_by("tenant_id", "provider").values_list("tenant_id", "provider")
    return [(int(tenant), str(provider)) for tenant, provider in rows]


async def rewrite_settings(tenant_id: int, provider: str,
                           change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> bool:
    """Replaces a config's settings with `change(settings)` (None: leave them), with the row locked so a
    configureProvider at the same moment is neither lost nor overwritten. Whether anything was written."""
    async with in_transaction():
        config = await ProviderConfig.filter(tenant_id=tenant_id, provider=provider).select_for_update().first()
        if config is None:
            return False
        new = change(config.settings)
        if new is None:
            return False
        await ProviderConfig.filter(id=config.id).update(settings=new)
        return True
