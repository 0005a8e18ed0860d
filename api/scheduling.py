"""Wiring the scheduler into the service: its settings from ours, and running it for a process's life.

The composition root lends the jobs what only it may know (a provider's settings, here Randou's nonce
retention), so scheduler/ and ledger/ import no provider.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.settings import Settings
from ledger.ports import ProviderNotConfigured
from providers import registry
from providers.randou.settings import RandouSettings
from providers.secret_cipher import SecretUnreadable
from providers.settings import SettingsInvalid
from providers.stored_secrets import SecretsKeyMissing
from scheduler.jobs import DEFAULT_NONCE_RETENTION_S
from scheduler.runner import SchedulerSettings, build_scheduler

log = logging.getLogger(__name__)
RANDOU = "randou"


async def randou_nonce_retention_s(tenant_id: int) -> float:
    try:
        settings: RandouSettings = await registry.parsed_settings(tenant_id, RANDOU)
    except (ProviderNotConfigured, SettingsInvalid, SecretUnreadable, SecretsKeyMissing):
        return float(DEFAULT_NONCE_RETENTION_S)  # such a tenant's pushes are refused anyway
    return float(settings.nonce_retention_s)


def scheduler_settings(settings: Settings) -> SchedulerSettings:
    return SchedulerSettings(triggers=dict(settings.schedules), sync_first_delay_s=settings.sync_first_delay_seconds,
                             nonce_retention_s=randou_nonce_retention_s)


@asynccontextmanager
async def scheduler_running(settings: Settings) -> AsyncIterator[None]:
    """Fires the schedule for the life of the block (the database must already be open)."""
    scheduler = build_scheduler(scheduler_settings(settings))
    scheduler.start()
    log.info("scheduler started: %s", ", ".join(job.id for job in scheduler.get_jobs()) or "every job is off")
    try:
        yield
    finally:
        scheduler.shutdown(wait=False)
