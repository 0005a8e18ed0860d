"""Each fire of a job runs once, every run is recorded, and a crashed run's claim lapses."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from ledger.domain import clock
from ledger.domain.jobs import JobRunStatus
from ledger.domain.statuses import RewardStatus, TransferState
from ledger.persistence.models import Account, Reward, Transfer
from ledger.persistence.scheduler_models import JobRun
from ledger.services import access, campaigns, job_runs, rewards
from ledger.services.audit import audit
from scheduler.runner import SchedulerSettings, run_job

SETTINGS = SchedulerSettings(instance="test:1")
FIRE = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC)


async def funded_campaign() -> tuple[int, int]:
    tenant = await access.create_tenant("Acme")
    campaign = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    await campaigns.fund_campaign(tenant.id, campaign.id, 10_000, "f")
    return tenant.id, campaign.id


async def test_one_fire_claimed_by_many_instances_runs_once():
    others = [SchedulerSettings(instance=f"test:{n}") for n in range(8)]
    runs = await asyncio.gather(*(run_job("audit", settings, scheduled_for=FIRE) for settings in others))
    assert len([run for run in runs if run is not None]) == 1
    [row] = await JobRun.filter(job="audit")
    assert (row.status, row.scheduled_for, row.scope) == (JobRunStatus.SUCCEEDED, FIRE, "all")


async def test_every_run_is_recorded_with_its_counts():
    run = await run_job("expire-holds", SETTINGS, scheduled_for=FIRE)
    assert run is not None
    assert run.status is JobRunStatus.SUCCEEDED and run.finished_at is not None
    assert run.counts == {"expired": 0, "tenants": 0} and run.instance == "test:1" and run.error is None


async def test_a_lapsed_claim_is_closed_as_failed_by_the_next_run():
    crashed = await job_runs.claim("audit", None, FIRE, "dead:1", lease_s=60)
    assert crashed is not None
    clock.advance(61)
    await run_job("audit", SETTINGS, scheduled_for=datetime(2026, 11, 28, 11, 0, tzinfo=UTC))
    await crashed.refresh_from_db()
    assert crashed.status is JobRunStatus.FAILED and "lapsed" in (crashed.error or "")


async def test_expiry_voids_holds_past_their_expiry_and_makes_the_budget_whole():
    tenant_id, campaign_id = await funded_campaign()
    held = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=700,
                                      idempotency_key="h", hold=True, hold_timeout_s=2)
    kept = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=100,
                                      idempotency_key="k", hold=True, hold_timeout_s=3600)
    clock.advance(3)

    run = await run_job("expire-holds", SETTINGS)

    assert run is not None and run.counts == {"expired": 1, "tenants": 1}
    assert (await Reward.get(id=held.id)).status is RewardStatus.EXPIRED
    assert (await Reward.get(id=kept.id)).status is RewardStatus.PENDING
    assert await Transfer.filter(reward_id=held.id).values_list("state", flat=True) == [TransferState.VOIDED]
    budget = await Account.get(tenant_id=tenant_id, kind="CAMPAIGN_BUDGET")
    assert budget.credits_posted - budget.debits_posted - budget.debits_pending == 10_000 - 100
    assert (await audit()).ok


async def test_a_second_run_of_expiry_finds_nothing_left_to_do():
    tenant_id, campaign_id = await funded_campaign()
    for n in range(3):
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=10,
                                   idempotency_key=f"h{n}", hold=True, hold_timeout_s=1)
    clock.advance(2)
    first = await run_job("expire-holds", SETTINGS, scheduled_for=FIRE)
    second = await run_job("expire-holds", SETTINGS, scheduled_for=datetime(2026, 11, 28, 10, 1, tzinfo=UTC))
    assert first is not None and second is not None
    assert (first.counts["expired"], second.counts["expired"]) == (3, 0)


async def test_an_audit_that_finds_a_problem_fails_its_run_and_says_what():
    tenant_id, _ = await funded_campaign()
    await Account.filter(tenant_id=tenant_id, kind="CAMPAIGN_BUDGET").update(credits_posted=F("credits_posted") + 1)
    run = await run_job("audit", SETTINGS)
    assert run is not None and run.status is JobRunStatus.FAILED
    assert run.counts["problems"] >= 1 and "credits_posted" in (run.error or "")


async def test_a_manual_run_for_one_tenant_does_not_take_the_fire_of_everyone():
    tenant_id, _ = await funded_campaign()
    mine = await run_job("audit", SETTINGS, tenant_id=tenant_id, scheduled_for=FIRE)
    everyone = await run_job("audit", SETTINGS, scheduled_for=FIRE)
    assert mine is not None and everyone is not None
    assert {mine.scope, everyone.scope} == {f"tenant:{tenant_id}", "all"}


async def test_pruning_deletes_only_nonces_older_than_the_retention():
    from ledger.persistence.draw_models import WebhookNonce

    tenant = await access.create_tenant("Acme")
    await WebhookNonce.create(tenant_id=tenant.id, provider="randou", nonce="old")
    clock.advance(3600)
    await WebhookNonce.create(tenant_id=tenant.id, provider="randou", nonce="new")
    await WebhookNonce.filter(nonce="new").update(received_at=clock.now())
    await WebhookNonce.filter(nonce="old").update(received_at=clock.now() - timedelta(seconds=3600))

    async def one_hour_minus_a_minute(_: int) -> float:
        return 3540

    settings = SchedulerSettings(instance="t:1", nonce_retention_s=one_hour_minus_a_minute)
    run = await run_job("prune-webhook-nonces", settings)
    assert run is not None and run.counts == {"pruned": 1}
    assert await WebhookNonce.all().values_list("nonce", flat=True) == ["new"]
