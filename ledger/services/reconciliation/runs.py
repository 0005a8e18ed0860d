"""Reconciling one provider's day.

The provider is the authority on what it did. Its feed is read page by page and each page is matched against
the ledger by reference (references.py; one or two queries a page); each record then agrees with its reward
(counted, with the amount) or is a discrepancy kept with both sides' evidence (matching.py, store.py). Last,
the day's paid rewards the feed never listed are found in bounded pages (sweep.py). Nothing here moves money:
a person resolves what differs (resolution.py). A complete run closes the day's open discrepancies it no
longer finds, since the two sides agree now.

A feed's failure (the provider down, an answer it cannot read) fails the run, with the reason as its note;
what the run stored until then stays, and running the day again picks up from nothing, never duplicating.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.jobs import JobRunStatus
from ledger.persistence.reconciliation_models import ReconciliationRun
from ledger.ports import ProviderNotConfigured, StatementFeed, StatementPage, provider_for
from ledger.services.reconciliation import store
from ledger.services.reconciliation.amounts import provider_amounts
from ledger.services.reconciliation.matching import Finding, Match, compare, missing_at_provider
from ledger.services.reconciliation.references import rewards_named
from ledger.services.reconciliation.sweep import unlisted_paid_rewards

log = logging.getLogger(__name__)
NO_FEED = "provider has no feed"


@dataclass
class Tally:
    listed: int = 0
    matched: int = 0
    matched_amount: int = 0
    amounts_unverified: int = 0   # matched without an amount the provider stated
    vouched_by_total: int = 0     # matched at the ledger's amount, which the page's total vouched for
    not_compared: int = 0         # records that moved no value and that the ledger never made
    discrepancies: int = 0
    new_discrepancies: int = 0
    asset: str | None = None

    def as_counts(self, closed: int = 0) -> dict[str, int]:
        return {"listed": self.listed, "matched": self.matched, "amountsUnverified": self.amounts_unverified,
                "vouchedByTotal": self.vouched_by_total, "notCompared": self.not_compared,
                "discrepancies": self.discrepancies, "newDiscrepancies": self.new_discrepancies, "closed": closed}


async def feed_of(tenant_id: int, provider: str) -> StatementFeed | None:
    """The tenant's adapter of this provider if it has a feed, None if it has none."""
    try:
        adapter = await provider_for(tenant_id, provider)
    except ProviderNotConfigured as exc:
        raise LedgerError(ErrorCode.PROVIDER_NOT_CONFIGURED, f"the tenant has not configured {provider}",
                          field="provider") from exc
    return adapter if isinstance(adapter, StatementFeed) else None


async def reconcile(tenant_id: int, provider: str, day: date) -> ReconciliationRun:
    """What the scheduled job and the CLI run: the day reconciled, or a SKIPPED run for a provider without a
    feed (saying so)."""
    feed = await feed_of(tenant_id, provider)
    if feed is None:
        return await store.skipped_run(tenant_id, provider, day, NO_FEED)
    return await reconcile_day(tenant_id, provider, day, feed)


async def reconcile_day(tenant_id: int, provider: str, day: date, feed: StatementFeed) -> ReconciliationRun:
    run = await store.start_run(tenant_id, provider, day)
    tally = Tally()
    try:
        async for page in feed.day_records(day):
            await _match_page(run, page, feed, tally)
        async for rewards in unlisted_paid_rewards(run):
            for reward in rewards:
                await _keep(run, missing_at_provider(reward, day), tally)
        closed = await store.close_vanished(run)
    except Exception as exc:  # noqa: BLE001 - whatever the feed raised, the run ends FAILED and says why
        log.warning("reconciliation of %s %s for tenant %s failed", provider, day, tenant_id, exc_info=True)
        return await _finish(run, tally, JobRunStatus.FAILED, note=f"{type(exc).__name__}: {exc}")
    return await _finish(run, tally, JobRunStatus.SUCCEEDED, closed=closed)


async def _match_page(run: ReconciliationRun, page: StatementPage, feed: StatementFeed, tally: Tally) -> None:
    rewards = await rewards_named(run.tenant_id, run.provider,  # type: ignore[attr-defined]
                                  [record.reference for record in page.records])
    amounts, vouched = await provider_amounts(page, rewards, feed)
    listed: list[int] = []
    for record in page.records:
        tally.listed += 1
        tally.asset = tally.asset or record.asset
        reward = rewards.get(record.reference)
        if reward is not None:
            listed.append(reward.id)
        outcome = compare(record, reward, amounts.get(record.reference))
        if isinstance(outcome, Match):
            tally.matched += 1
            tally.matched_amount += outcome.amount
            if not outcome.verified:
                tally.amounts_unverified += 1
            elif vouched and record.amount is None:
                tally.vouched_by_total += 1
        elif isinstance(outcome, Finding):
            await _keep(run, outcome, tally)
        else:
            tally.not_compared += 1
    await store.mark_listed(run, listed)


async def _keep(run: ReconciliationRun, finding: Finding, tally: Tally) -> None:
    tally.discrepancies += 1
    if await store.record_finding(run, finding):
        tally.new_discrepancies += 1


async def _finish(run: ReconciliationRun, tally: Tally, status: JobRunStatus, *, closed: int = 0,
                  note: str | None = None) -> ReconciliationRun:
    if tally.asset:
        run.asset = tally.asset
        await run.save(update_fields=["asset"])
    return await store.finish_run(run, status, matched_count=tally.matched, matched_amount=tally.matched_amount,
                                  discrepancies=tally.discrepancies, counts=tally.as_counts(closed), note=note)
