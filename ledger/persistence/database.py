"""Opening the database and migrating its schema."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as tortoise_migrate

from ledger.persistence.config import tortoise_config

log = logging.getLogger(__name__)


async def migrate(database_url: str) -> None:
    """Applies every migration not yet applied. Safe to run again and again."""
    async with TortoiseContext():
        await tortoise_migrate(config=tortoise_config(database_url))


@asynccontextmanager
async def open_database(database_url: str) -> AsyncIterator[TortoiseContext]:
    """Connects for the life of the block.

    The context is the process's global fallback: Tortoise 1.x keeps its context per task, and requests,
    jobs and subscriptions each run in tasks other than the one that opened it.
    """
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(database_url), _enable_global_fallback=True)
        yield context


async def ping() -> bool:
    from tortoise import connections

    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        log.warning("database ping failed", exc_info=True)
        return False
    return True
