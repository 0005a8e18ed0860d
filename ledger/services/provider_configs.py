"""Storing a tenant's provider settings. Validation and masking belong to each provider's adapter."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

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
