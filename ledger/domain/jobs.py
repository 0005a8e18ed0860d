"""Scheduled jobs' vocabulary: how a run ended, and who a run is for."""

from __future__ import annotations

from enum import StrEnum


class JobRunStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"  # the job had nothing it could do (switched off, or no provider with a feed)


ALL_TENANTS = "all"


def scope_of(tenant_id: int | None) -> str:
    """A run's scope: every tenant (a scheduled fire), or one tenant (an admin's `runJob`). Part of the
    claim's unique key, so one tenant's manual run never blocks the fire that covers everyone."""
    return ALL_TENANTS if tenant_id is None else f"tenant:{tenant_id}"
