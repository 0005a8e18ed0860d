"""Claiming a job's fire and recording how its run ended.

Any number of instances may fire the same schedule. The first to insert the run's row (unique on job,
scope and scheduled time) runs it; the others find the row there and do nothing. A claimer that dies
leaves a RUNNING row whose lease lapses; the job's next run closes it as FAILED, and, because every job
sweeps whatever is still outstanding, finishes its work.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ledger.domain.clock import now
from ledger.domain.jobs import JobRunStatus, scope_of
from ledger.persistence.scheduler_models import JobRun

log = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 2000


async def claim(job: str, tenant_id: int | None, scheduled_for: datetime, instance: str,
                lease_s: float) -> JobRun | None:
    """The run's row if this instance won the fire; None if another instance claimed it first."""
    started = now()
    try:
        async with in_transaction():
            return await JobRun.create(job=job, scope=scope_of(tenant_id), tenant_id=tenant_id,
                                       scheduled_for=scheduled_for, instance=instance, status=JobRunStatus.RUNNING,
                                       started_at=started, lease_expires_at=started + timedelta(seconds=lease_s))
    except IntegrityError:
        return None


async def close_lapsed_claims(job: str) -> int:
    """Marks the job's RUNNING rows whose lease lapsed as FAILED: their instance stopped mid-run."""
    moment = now()
    return await JobRun.filter(job=job, status=JobRunStatus.RUNNING, lease_expires_at__lt=moment).update(
        status=JobRunStatus.FAILED, finished_at=moment,
        error="the claim lapsed: the instance running it stopped before finishing; a later run finishes the work")


async def finish(run: JobRun, status: JobRunStatus, counts: dict[str, Any], error: str | None = None) -> JobRun:
    """Records the run's end, unless its row was already closed as lapsed (then that stays the record)."""
    finished = now()
    changed = await JobRun.filter(id=run.id, status=JobRunStatus.RUNNING).update(
        status=status, finished_at=finished, counts=counts,
        error=error[:MAX_ERROR_LENGTH] if error else None)
    if not changed:
        log.warning("job %s run %s finished after its claim lapsed; its row keeps the lapse", run.job, run.id)
    await run.refresh_from_db()
    return run
