"""At start: a process that builds provider adapters must hold the key their secrets were stored with.

`serve`, `worker` and `run-job` build adapters from stored settings. Without SECRETS_KEY, or with keys that do
not decrypt what is stored, every provider call would fail one by one, deep in a request or a job; this makes
it one clear error before anything starts (the CLI prints "configuration error: ..." and exits 2).
"""

from __future__ import annotations

import logging

from tortoise.exceptions import DBConnectionError, OperationalError

from api.settings import Settings, SettingsError
from ledger.services import provider_configs
from providers import registry, stored_secrets
from providers.secret_cipher import GENERATE_HINT, SecretUnreadable

log = logging.getLogger(__name__)
NAMED_AT_MOST = 3


async def check_secrets_key(settings: Settings) -> None:
    """Installs SECRETS_KEY's keys; raises SettingsError if the stored provider secrets cannot be read with them."""
    if settings.secrets_key:
        stored_secrets.use_secrets_key(settings.secrets_key)
    try:
        configs = [(tenant, name) for tenant, name in await provider_configs.configured()
                   if name in registry.provider_names()]
    except (OperationalError, DBConnectionError) as exc:  # not migrated yet, or unreachable: the start says so
        log.warning("stored provider secrets not checked: %s", type(exc).__name__)
        return
    if not configs:
        return
    if not settings.secrets_key:
        raise SettingsError(f"SECRETS_KEY is not set, and the database holds the secrets of {len(configs)} provider "
                            f"configuration(s); set it to the key they were stored with (README, \"Secrets\"). A "
                            f"database from before secrets were encrypted needs a new key: {GENERATE_HINT}, then "
                            f"run `reward-ledger rotate-secrets`")
    unreadable = [f"tenant {tenant} {name} {problem}" for tenant, name in configs
                  if (problem := await _unreadable(tenant, name))]
    if unreadable:
        named = "; ".join(unreadable[:NAMED_AT_MOST]) + ("; ..." if len(unreadable) > NAMED_AT_MOST else "")
        raise SettingsError(f"SECRETS_KEY cannot decrypt the stored secrets of {len(unreadable)} provider "
                            f"configuration(s) ({named}); list the key they were stored with after the current one")


async def _unreadable(tenant_id: int, name: str) -> str | None:
    settings = await provider_configs.stored_settings(tenant_id, name)
    try:
        stored_secrets.decrypted(settings or {}, registry.module(name).secret_fields)
    except SecretUnreadable as exc:
        return str(exc)
    return None
