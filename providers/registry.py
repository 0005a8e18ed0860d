"""The providers this service knows, and building a tenant's adapter from its stored settings.

This is part of the composition root: the ledger asks for "the instant-lottery gateway of tenant 7"
through `ledger.ports.provider_for`, and this module answers with a configured adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from litestar import Litestar

from ledger.ports import ProviderNotConfigured
from ledger.services import provider_configs
from providers.http import new_http_client
from providers.settings import MASK, SettingsInvalid, keep_stored_secrets


@dataclass(frozen=True)
class ProviderModule:
    name: str
    parse_settings: Callable[[dict[str, Any]], Any]
    mask_settings: Callable[[dict[str, Any]], dict[str, Any]]
    secret_fields: tuple[str, ...]
    build: Callable[[int, Any, httpx.AsyncClient], Any]
    sandbox: Callable[[], Litestar]


def _instant_lottery() -> ProviderModule:
    from providers.instant_lottery import settings
    from providers.instant_lottery.client import InstantLotteryClient
    from providers.instant_lottery.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=InstantLotteryClient, sandbox=create_sandbox_app)


def _allinpay() -> ProviderModule:
    from providers.allinpay import settings
    from providers.allinpay.client import AllinpayClient
    from providers.allinpay.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=AllinpayClient, sandbox=create_sandbox_app)


def _red_packet() -> ProviderModule:
    from providers.red_packet import settings
    from providers.red_packet.client import RedPacketClient
    from providers.red_packet.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=RedPacketClient, sandbox=create_sandbox_app)


def _randou() -> ProviderModule:
    from providers.randou import settings
    from providers.randou.sandbox import create_sandbox_app
    from providers.randou.verifier import RandouWebhookVerifier

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=RandouWebhookVerifier, sandbox=create_sandbox_app)


def _unionpay() -> ProviderModule:
    from providers.unionpay import settings
    from providers.unionpay.client import UnionPayClient
    from providers.unionpay.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=UnionPayClient, sandbox=create_sandbox_app)


_MODULES: dict[str, Callable[[], ProviderModule]] = {"instant-lottery": _instant_lottery, "allinpay": _allinpay,
                                                     "red-packet": _red_packet, "randou": _randou,
                                                     "unionpay": _unionpay}
_http: httpx.AsyncClient | None = None


def provider_names() -> list[str]:
    return sorted(_MODULES)


def module(name: str) -> ProviderModule:
    if name not in _MODULES:
        raise SettingsInvalid("provider", f"unknown provider; known: {', '.join(provider_names())}")
    return _MODULES[name]()


def shared_http_client() -> httpx.AsyncClient:
    global _http
    if _http is None or _http.is_closed:
        _http = new_http_client()
    return _http


async def close_shared_http_client() -> None:
    global _http
    if _http is not None:
        await _http.aclose()
        _http = None


async def build_provider(tenant_id: int, name: str) -> Any:
    """The `ledger.ports` provider factory: a tenant's adapter, built from its current settings."""
    raw = await provider_configs.stored_settings(tenant_id, name)
    if raw is None or name not in _MODULES:
        raise ProviderNotConfigured(name)
    provider = module(name)
    return provider.build(tenant_id, provider.parse_settings(raw), shared_http_client())


async def configure(tenant_id: int, name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validates and stores settings; returns them masked. Secrets sent back masked keep their value."""
    provider = module(name)
    if not isinstance(raw, dict):
        raise SettingsInvalid("settings", "must be a JSON object")
    merged = keep_stored_secrets(raw, await provider_configs.stored_settings(tenant_id, name),
                                 provider.secret_fields)
    if MASK in _secret_values(merged, provider):
        raise SettingsInvalid("settings", "send the secrets themselves; the mask is only for display")
    provider.parse_settings(merged)
    await provider_configs.save_settings(tenant_id, name, merged)
    return provider.mask_settings(merged)


def _secret_values(settings: dict[str, Any], provider: ProviderModule) -> list[Any]:
    values: list[Any] = []
    for path in provider.secret_fields:
        name, _, inner = path.partition("[].")
        if inner:
            values += [item.get(inner) for item in settings.get(name) or [] if isinstance(item, dict)]
        else:
            values.append(settings.get(name))
    return values
