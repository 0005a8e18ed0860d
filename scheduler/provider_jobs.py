"""The jobs that talk to providers through the ledger's ports: the daily reconciliation, and renewing the
lottery stations' sessions before they lapse. Each adapter is reached through `ledger.ports.provider_for`
(the composition root installs it), so nothing here names a provider.
"""

from __future__ import annotations

import logging
from datetime import date

from ledger.domain.clock import now
from ledger.domain.jobs import JobRunStatus
from ledger.domain.reconciliation import previous_day
from ledger.ports import SessionRefresher, provider_for
from ledger.services import provider_configs, provider_sessions
from ledger.services.reconciliation import reconcile as reconcile_provider_day
from scheduler.jobs import JobContext, JobResult

log = logging.getLogger(__name__)
# Sessions are renewed a day before they lapse: a month-long token (seed 003 §8) is never cut off mid-call,
# and a gateway down for hours still leaves time for a later run.
RENEW_WITHIN_S = 24 * 3600.0


async def reconcile(context: JobContext) -> JobResult:
    """Every configured provider of every tenant (or of one), for the previous Beijing day."""
    return await reconcile_day(previous_day(now()), tenant_id=context.tenant_id)


async def reconcile_day(day: date, *, tenant_id: int | None = None, provider: str | None = None) -> JobResult:
    """One day, for every (tenant, provider) configured, or the ones named. A provider without a feed gets a
    SKIPPED run saying so. The job fails when a run failed; it is SKIPPED when nothing had a feed."""
    counts = {"reconciled": 0, "skipped": 0, "failed": 0, "matched": 0, "discrepancies": 0, "newDiscrepancies": 0}
    problems: list[str] = []
    for tenant, name in await provider_configs.configured(tenant_id):
        if provider is not None and name != provider:
            continue
        try:
            run = await reconcile_provider_day(tenant, name, day)
        except Exception as exc:  # noqa: BLE001 - one tenant's broken settings must not stop the others
            log.warning("reconciliation of %s for tenant %s could not start", name, tenant, exc_info=True)
            counts["failed"] += 1
            problems.append(f"tenant {tenant} {name}: {type(exc).__name__}: {exc}")
            continue
        counts[{JobRunStatus.SUCCEEDED: "reconciled", JobRunStatus.SKIPPED: "skipped"}.get(run.status, "failed")] += 1
        counts["matched"] += run.matched_count
        counts["discrepancies"] += run.discrepancy_count
        counts["newDiscrepancies"] += int(run.counts.get("newDiscrepancies", 0))
        if run.status is JobRunStatus.FAILED:
            problems.append(f"tenant {tenant} {name}: {run.note}")
    shown = {"day": day.isoformat(), **counts}
    if problems:
        return JobResult(JobRunStatus.FAILED, shown, "; ".join(problems))
    return JobResult(JobRunStatus.SUCCEEDED if counts["reconciled"] else JobRunStatus.SKIPPED, shown)


async def refresh_station_tokens(context: JobContext) -> JobResult:
    """Renews, up to a batch, the sessions that lapse within a day, through each adapter's own login."""
    renewed, errors = 0, []
    for tenant, name in await provider_sessions.with_sessions(context.tenant_id):
        if renewed >= context.batch_size:
            break
        try:
            adapter = await provider_for(tenant, name)
            if isinstance(adapter, SessionRefresher):
                renewed += await adapter.refresh_sessions(RENEW_WITHIN_S, limit=context.batch_size - renewed)
        except Exception as exc:  # noqa: BLE001 - a station refusing its login must not stop the others
            log.warning("renewing %s sessions of tenant %s failed", name, tenant, exc_info=True)
            errors.append(f"tenant {tenant} {name}: {type(exc).__name__}: {exc}")
    counts = {"renewed": renewed, "errors": len(errors)}
    if errors:
        return JobResult(JobRunStatus.FAILED, counts, "; ".join(errors))
    return JobResult(counts=counts)
