"""The jobs. Each is a small function over ledger services: bounded work per run, safe to run again, and
never a database transaction held open across a provider call (the services own their transactions).

A job takes its JobContext and returns a JobResult; an exception is a FAILED run (the runner records it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ledger import event_sequencer
from ledger.domain.clock import now
from ledger.domain.jobs import JobRunStatus
from ledger.domain.statuses import TransferState
from ledger.persistence.draw_models import WebhookNonce
from ledger.persistence.models import Transfer
from ledger.services import audit as ledger_audit
from ledger.services import reward_sync, rewards

log = logging.getLogger(__name__)
MAX_PROBLEMS_LOGGED = 20


@dataclass(frozen=True)
class JobContext:
    tenant_id: int | None         # None: a scheduled fire, over every tenant
    batch_size: int
    sync_first_delay_s: float | None = None
    # How long a tenant's webhook nonces must be kept (the provider's accept window); None: the default.
    nonce_retention_s: Callable[[int], Awaitable[float]] | None = None


@dataclass
class JobResult:
    status: JobRunStatus = JobRunStatus.SUCCEEDED
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


Job = Callable[[JobContext], Awaitable[JobResult]]


async def sync_rewards(context: JobContext) -> JobResult:
    counts = await reward_sync.sync_due_rewards(batch_size=context.batch_size, tenant_id=context.tenant_id,
                                               first_delay_s=context.sync_first_delay_s)
    return JobResult(counts=counts.as_dict())


async def expire_holds(context: JobContext) -> JobResult:
    """Voids holds past their expiry (their rewards become EXPIRED), up to a batch per run."""
    due = Transfer.filter(state=TransferState.PENDING, expires_at__lte=now())
    if context.tenant_id is not None:
        due = due.filter(tenant_id=context.tenant_id)
    tenants = await _tenants_of(due)
    expired = 0
    for tenant_id in tenants:
        if expired >= context.batch_size:
            break
        expired += await rewards.expire_holds(tenant_id, batch_size=context.batch_size - expired)
    return JobResult(counts={"expired": expired, "tenants": len(tenants)})


async def number_events(context: JobContext) -> JobResult:
    """Numbers (and publishes) committed events still waiting for their sequence number: a write's own wait
    does that at once, so only a process that died between commit and numbering leaves any."""
    return JobResult(counts={"tenants": await event_sequencer.number_waiting()})


async def audit_ledger(context: JobContext) -> JobResult:
    report = await ledger_audit.audit(context.tenant_id)
    counts = {"accountsChecked": report.accounts_checked, "problems": len(report.problems)}
    if report.ok:
        return JobResult(counts=counts)
    for problem in report.problems[:MAX_PROBLEMS_LOGGED]:
        log.error("audit: %s", problem)
    shown = "; ".join(report.problems[:MAX_PROBLEMS_LOGGED])
    more = len(report.problems) - MAX_PROBLEMS_LOGGED
    return JobResult(JobRunStatus.FAILED, counts,
                     f"the ledger's invariants do not hold: {shown}" + (f" (and {more} more)" if more > 0 else ""))


DEFAULT_NONCE_RETENTION_S = 24 * 3600 + 300


async def prune_webhook_nonces(context: JobContext) -> JobResult:
    """Deletes nonces older than their tenant's retention: past it, the call's own timestamp refuses it."""
    tenants = WebhookNonce.all()
    if context.tenant_id is not None:
        tenants = tenants.filter(tenant_id=context.tenant_id)
    pruned = 0
    for tenant_id in await _tenants_of(tenants):
        retention = float(DEFAULT_NONCE_RETENTION_S)
        if context.nonce_retention_s is not None:
            retention = await context.nonce_retention_s(tenant_id)
        cutoff = now() - timedelta(seconds=retention)
        ids = await WebhookNonce.filter(tenant_id=tenant_id, received_at__lt=cutoff).order_by("id") \
            .limit(context.batch_size - pruned).values_list("id", flat=True)
        if ids:
            pruned += await WebhookNonce.filter(id__in=list(ids)).delete()
        if pruned >= context.batch_size:
            break
    return JobResult(counts={"pruned": pruned})


async def _tenants_of(query: Any) -> list[int]:
    """The distinct tenants of a queryset's rows, in order."""
    return sorted({int(tenant_id) for tenant_id in await query.distinct().values_list("tenant_id", flat=True)})
