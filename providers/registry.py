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
from ledger.services import provider_configs, provider_sessions
from providers import ca_bundle, http_clients, provider_moves, stored_secrets
from providers.settings import (
    CA_BUNDLE,
    HTTP_SETTING_KEYS,
    MASK,
    SettingsInvalid,
    keep_stored_secrets,
    refuse_unknown_keys,
)
from providers.settings_bounds import check_settings_bounds


@dataclass(frozen=True)
class ProviderModule:
    name: str
    parse_settings: Callable[[dict[str, Any]], Any]
    mask_settings: Callable[[dict[str, Any]], dict[str, Any]]
    secret_fields: tuple[str, ...]
    build: Callable[[int, Any, httpx.AsyncClient], Any]
    sandbox: Callable[[], Litestar]
    setting_keys: frozenset[str]  # the keys its settings.py reads
    calls_out: bool = True  # False for a provider that only calls us: no baseUrl, timeouts or CA bundle

    @property
    def known_settings(self) -> frozenset[str]:
        return (self.setting_keys | HTTP_SETTING_KEYS) if self.calls_out else self.setting_keys

    def shown_settings(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The settings as `providerConfigs` shows them: secrets masked, a CA bundle summarised."""
        return ca_bundle.shown(self.mask_settings(raw))


def _instant_lottery() -> ProviderModule:
    from providers.instant_lottery import settings
    from providers.instant_lottery.client import InstantLotteryClient
    from providers.instant_lottery.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=InstantLotteryClient, sandbox=create_sandbox_app, setting_keys=settings.SETTING_KEYS)


def _allinpay() -> ProviderModule:
    from providers.allinpay import settings
    from providers.allinpay.client import AllinpayClient
    from providers.allinpay.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=AllinpayClient, sandbox=create_sandbox_app, setting_keys=settings.SETTING_KEYS)


def _red_packet() -> ProviderModule:
    from providers.red_packet import settings
    from providers.red_packet.client import RedPacketClient
    from providers.red_packet.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=RedPacketClient, sandbox=create_sandbox_app, setting_keys=settings.SETTING_KEYS)


def _randou() -> ProviderModule:
    from providers.randou import settings
    from providers.randou.sandbox import create_sandbox_app
    from providers.randou.verifier import RandouWebhookVerifier

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=RandouWebhookVerifier, sandbox=create_sandbox_app, setting_keys=settings.SETTING_KEYS,
                          calls_out=False)  # Randou only pushes to our webhook


def _unionpay() -> ProviderModule:
    from providers.unionpay import settings
    from providers.unionpay.client import UnionPayClient
    from providers.unionpay.sandbox import create_sandbox_app

    return ProviderModule(name=settings.PROVIDER, parse_settings=settings.parse_settings,
                          mask_settings=settings.mask_settings, secret_fields=settings.SECRET_FIELDS,
                          build=UnionPayClient, sandbox=create_sandbox_app, setting_keys=settings.SETTING_KEYS)


_MODULES: dict[str, Callable[[], ProviderModule]] = {"instant-lottery": _instant_lottery, "allinpay": _allinpay,
                                                     "red-packet": _red_packet, "randou": _randou,
                                                     "unionpay": _unionpay}


def provider_names() -> list[str]:
    return sorted(_MODULES)


def module(name: str) -> ProviderModule:
    if name not in _MODULES:
        raise SettingsInvalid("provider", f"unknown provider; known: {', '.join(provider_names())}")
    return _MODULES[name]()


def shared_http_client() -> httpx.AsyncClient:
    """The client of every provider that trusts the system's certificate store."""
    return http_clients.client_for(None)


async def close_shared_http_client() -> None:
    """Closes every shared client: the system-trust one and those made for CA bundles."""
    await http_clients.close_all()


async def _usable_settings(tenant_id: int, name: str) -> tuple[ProviderModule, dict[str, Any]]:
    """The stored settings with their secrets decrypted: the one place they are (providers/stored_secrets.py)."""
    raw = await provider_configs.stored_settings(tenant_id, name)
    if raw is None or name not in _MODULES:
        raise ProviderNotConfigured(name)
    provider = module(name)
    return provider, stored_secrets.decrypted(raw, provider.secret_fields)


async def build_provider(tenant_id: int, name: str) -> Any:
    """The `ledger.ports` provider factory: a tenant's adapter, built from its current settings."""
    provider, raw = await _usable_settings(tenant_id, name)
    bundle = raw.get(CA_BUNDLE) if provider.calls_out else None
    return provider.build(tenant_id, provider.parse_settings(raw), http_clients.client_for(bundle))


async def parsed_settings(tenant_id: int, name: str) -> Any:
    """A provider's parsed settings, secrets included, for code that checks what a provider sends us (the
    Randou webhook) rather than calling it. ProviderNotConfigured or SettingsInvalid if unusable."""
    provider, raw = await _usable_settings(tenant_id, name)
    return provider.parse_settings(raw)


async def configure(tenant_id: int, name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validates and stores settings; returns them as shown. Secrets sent back masked, and a CA bundle
    sent back as its summary, keep their stored value, unless baseUrl changes (providers/provider_moves.py).
    Every setting is checked here, where settings are stored, so a key no provider reads is refused before
    anything is saved; secrets are stored encrypted (providers/stored_secrets.py)."""
    provider = module(name)
    if not isinstance(raw, dict):
        raise SettingsInvalid("settings", "must be a JSON object")
    check_settings_bounds(raw)
    refuse_unknown_keys(raw, provider.known_settings)
    stored = await provider_configs.stored_settings(tenant_id, name)
    if stored is not None:
        stored = stored_secrets.readable(stored, provider.secret_fields)
    moved = provider.calls_out and provider_moves.has_moved(stored, raw)
    if moved:
        provider_moves.refuse_kept_secrets(raw, provider.secret_fields)
    merged = ca_bundle.keep_stored_bundle(keep_stored_secrets(raw, stored, provider.secret_fields), stored)
    if MASK in _secret_values(merged, provider):
        raise SettingsInvalid("settings", "send the secrets themselves; the mask is only for display")
    provider.parse_settings(merged)
    if ca_bundle.validated_bundle(merged.get(CA_BUNDLE)) is None:  # null or "": trust the system's store
        merged = {key: value for key, value in merged.items() if key != CA_BUNDLE}
    await provider_configs.save_settings(tenant_id, name, stored_secrets.encrypted(merged, provider.secret_fields))
    if moved:  # sessions are bound to their host too (provider_sessions), so none could be sent meanwhile
        await provider_sessions.forget_all(tenant_id, name)
    return provider.shown_settings(merged)


def _secret_values(settings: dict[str, Any], provider: ProviderModule) -> list[Any]:
    values: list[Any] = []
    for path in provider.secret_fields:
        name, _, inner = path.partition("[].")
        if inner:
            values += [item.get(inner) for item in settings.get(name) or [] if isinstance(item, dict)]
        else:
            values.append(settings.get(name))
    return values
