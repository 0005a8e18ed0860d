"""Wiring the scheduler into the service: its settings from ours, and running it for a process's life.

The composition root lends the jobs what only it may know (a provider's settings, here Randou's nonce
retention), so scheduler/ and ledger/ import no provider.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.settings import Settings
from ledger.services import provider_configs
from providers.randou.settings import parse_settings as parse_randou_settings
from providers.settings import SettingsInvalid
from scheduler.jobs import DEFAULT_NONCE_RETENTION_S
from scheduler.runner import SchedulerSettings, build_scheduler

log = logging.getLogger(__name__)
RANDOU = "randou"


async def randou_nonce_retention_s(tenant_id: int) -> float:
    raw = await provider_configs.stored_settings(tenant_id, RANDOU)
    if raw is None:
        return float(DEFAULT_NONCE_RETENTION_S)
    try:
        return float(parse_randou_settings(raw).nonce_retention_s)
    except SettingsInvalid:
        return float(DEFAULT_NONCE_RETENTION_S)


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
