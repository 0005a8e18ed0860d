"""Keeping what a run finds: the run itself, each discrepancy once, and which rewards its feed listed.

Discrepancies are unique per (tenant, provider, reference, kind): a run that finds one again only notes that
it saw it (and refreshes the evidence of one still open), so running a day again never duplicates one. A
resolved one is history and is left as it was resolved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.jobs import JobRunStatus
from ledger.domain.reconciliation import DiscrepancyStatus
from ledger.persistence.reconciliation_models import Discrepancy, ReconciledReward, ReconciliationRun
from ledger.services.reconciliation.matching import Finding

# A run still RUNNING after this long stopped without finishing (its process died); another may start.
RUN_LEASE = timedelta(hours=2)
VANISHED = "reconciliation"  # who closes a discrepancy that a later run no longer finds


async def start_run(tenant_id: int, provider: str, day: date) -> ReconciliationRun:
    """A new run of the day; INVALID_STATE while another run of it is under way."""
    started = now()
    stale = started - RUN_LEASE
    await ReconciliationRun.filter(tenant_id=tenant_id, provider=provider, date=day, status=JobRunStatus.RUNNING,
                                   started_at__lt=stale).update(status=JobRunStatus.FAILED, finished_at=started,
                                                                note="stopped before finishing (its process died)")
    if await ReconciliationRun.exists(tenant_id=tenant_id, provider=provider, date=day, status=JobRunStatus.RUNNING):
        raise LedgerError(ErrorCode.INVALID_STATE, f"{provider}'s {day.isoformat()} is being reconciled right now",
                          field="date")
    return await ReconciliationRun.create(tenant_id=tenant_id, provider=provider, date=day,
                                          status=JobRunStatus.RUNNING, started_at=started)


async def skipped_run(tenant_id: int, provider: str, day: date, note: str) -> ReconciliationRun:
    moment = now()
    return await ReconciliationRun.create(tenant_id=tenant_id, provider=provider, date=day,
                                          status=JobRunStatus.SKIPPED, started_at=moment, finished_at=moment,
                                          note=note)


async def finish_run(run: ReconciliationRun, status: JobRunStatus, *, matched_count: int, matched_amount: int,
                     discrepancies: int, counts: dict[str, int], note: str | None = None) -> ReconciliationRun:
    run.status, run.finished_at, run.note = status, now(), note  # type: ignore[assignment]
    run.matched_count, run.matched_amount, run.discrepancy_count = matched_count, matched_amount, discrepancies
    run.counts = counts
    await run.save(update_fields=["status", "finished_at", "note", "matched_count", "matched_amount",
                                  "discrepancy_count", "counts"])
    return run


async def record_finding(run: ReconciliationRun, finding: Finding) -> bool:
    """Stores a discrepancy, or notes that this run saw it again; True when it is new."""
    key = {"tenant_id": run.tenant_id, "provider": run.provider, "reference": finding.reference,  # type: ignore[attr-defined]
           "kind": finding.kind}
    for _ in range(2):  # a concurrent run may insert the same discrepancy first: then it is found, not new
        existing = await Discrepancy.get_or_none(**key)
        if existing is not None:
            await _seen_again(existing, run, finding)
            return False
        try:
            async with in_transaction():
                await Discrepancy.create(**key, date=run.date, status=DiscrepancyStatus.OPEN, **_observed(finding),
                                         found_by_id=run.id, last_seen_by_id=run.id)
            return True
        except IntegrityError:
            continue
    raise AssertionError("unreachable: the discrepancy was neither found nor created")


async def _seen_again(existing: Discrepancy, run: ReconciliationRun, finding: Finding) -> None:
    if existing.status is DiscrepancyStatus.OPEN:  # the latest evidence for whoever resolves it
        await Discrepancy.filter(id=existing.id, status=DiscrepancyStatus.OPEN).update(
            last_seen_by_id=run.id, **_observed(finding))
    else:
        await Discrepancy.filter(id=existing.id).update(last_seen_by_id=run.id)


def _observed(finding: Finding) -> dict[str, Any]:
    return {"reward_id": finding.reward.id if finding.reward is not None else None, "asset": finding.asset,
            "ledger_amount": finding.ledger_amount, "provider_amount": finding.provider_amount,
            "ledger_status": finding.ledger_status, "provider_status": finding.provider_status,
            "provider_outcome": finding.provider_outcome, "evidence": finding.evidence}


async def close_vanished(run: ReconciliationRun) -> int:
    """Closes the day's open discrepancies this (complete) run no longer found: the two sides agree now
    (a sync settled the reward, say). Nothing moved here; the note says so."""
    return await Discrepancy.filter(
        tenant_id=run.tenant_id, provider=run.provider, date=run.date,  # type: ignore[attr-defined]
        status=DiscrepancyStatus.OPEN).exclude(last_seen_by_id=run.id).update(
        status=DiscrepancyStatus.RESOLVED, resolved_at=now(), resolved_by=VANISHED,
        note=f"run {run.id} no longer finds it: the ledger and the provider agree now")


async def mark_listed(run: ReconciliationRun, reward_ids: Iterable[int]) -> None:
    """Notes that this run's feed listed these rewards (for the sweep of rewards it never listed)."""
    ids = sorted(set(reward_ids))
    if not ids:
        return
    tenant_id: int = run.tenant_id  # type: ignore[attr-defined]
    for _ in range(3):  # a concurrent run of another day may mark the same reward first
        try:
            async with in_transaction():
                known = set(await ReconciledReward.filter(tenant_id=tenant_id, reward_id__in=ids)
                            .values_list("reward_id", flat=True))
                if known:
                    await ReconciledReward.filter(tenant_id=tenant_id, reward_id__in=list(known)).update(
                        day=run.date, run_id=run.id)
                await ReconciledReward.bulk_create([
                    ReconciledReward(tenant_id=tenant_id, reward_id=reward_id, day=run.date, run_id=run.id)
                    for reward_id in ids if reward_id not in known])
            return
        except IntegrityError:
            continue
    raise LedgerError(ErrorCode.INVALID_STATE, "could not mark the rewards this run listed; run it again")
