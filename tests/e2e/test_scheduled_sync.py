"""The sync-rewards job settles what a lost answer left unknown, by itself, through syncReward's own code
path; it backs off between tries, and hands a reward to a person after its provider's last try, with
nothing paid."""

from __future__ import annotations

from ledger.domain import clock
from ledger.domain.statuses import RewardStatus
from ledger.persistence.models import Reward
from ledger.services.audit import audit
from scheduler.runner import SchedulerSettings, run_job
from tests.e2e.test_lottery_redemption import log_in, wallet_fen
from tests.lottery_support import redeem

SETTINGS = SchedulerSettings(sync_first_delay_s=0, instance="test:1")


async def run_sync() -> dict:
    run = await run_job("sync-rewards", SETTINGS)
    assert run is not None and run.status.value == "SUCCEEDED", run
    return run.counts


async def test_a_lost_lottery_answer_is_settled_by_the_job_alone_and_paid_once(gql, connected, sandbox):
    await sandbox.ticket("T-SYNC-1", "WIN", 1_500)
    await log_in(gql, connected)
    await sandbox.faults("drop_after_commit", 1)
    lost = await redeem(gql, connected.operator, "T-SYNC-1", "k1")
    assert lost["reward"]["status"] == "UNKNOWN" and await wallet_fen("m1") == 0

    counts = await run_sync()

    assert counts["asked"] == 1 and counts["settled"] == 1
    reward = await Reward.get(provider="instant-lottery")
    assert reward.status is RewardStatus.ISSUED and await wallet_fen("m1") == 1_500
    assert len((await sandbox.records())["redemptions"]) == 1
    assert (await run_sync())["asked"] == 0  # settled rewards are not asked about again
    assert await wallet_fen("m1") == 1_500
    assert (await audit()).ok


async def test_a_reward_is_not_asked_about_before_its_grace_period(gql, connected, sandbox):
    await sandbox.ticket("T-SYNC-2", "WIN", 500)
    await log_in(gql, connected)
    await sandbox.faults("drop_after_commit", 1)
    await redeem(gql, connected.operator, "T-SYNC-2", "k1")
    patient = SchedulerSettings(sync_first_delay_s=120, instance="test:1")

    early = await run_job("sync-rewards", patient)
    clock.advance(121)
    late = await run_job("sync-rewards", patient)

    assert early is not None and late is not None
    assert (early.counts["asked"], late.counts["asked"]) == (0, 1)


async def test_a_gateway_down_for_every_try_ends_needing_attention_with_nothing_paid(gql, connected, sandbox):
    await sandbox.ticket("T-DOWN-1", "WIN", 900)
    await log_in(gql, connected)
    await sandbox.faults("http500", 1000)
    lost = await redeem(gql, connected.operator, "T-DOWN-1", "k1")
    assert lost["reward"]["status"] == "UNKNOWN"

    waits = []
    for _ in range(20):
        await run_sync()
        reward = await Reward.get(provider="instant-lottery")
        if reward.status is RewardStatus.NEEDS_ATTENTION:
            break
        assert reward.next_sync_at is not None
        waits.append((reward.next_sync_at - clock.now()).total_seconds())
        clock.advance(3600)

    assert reward.status is RewardStatus.NEEDS_ATTENTION
    assert reward.sync_attempts == 8 and "after 8 tries" in (reward.attention_reason or "")
    assert waits[-1] > waits[0]  # the waits grow
    assert await wallet_fen("m1") == 0 and (await sandbox.records())["redemptions"] == []
    assert (await audit()).ok
