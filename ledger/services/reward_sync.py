"""The status-sync job's building block: which rewards are due to be asked about, asking (through
syncReward's own code path), and the backoff between tries.

A reward is due once its provider's grace period has passed since its last change (the first ask), then
at its `next_sync_at`. Each try that leaves it unsettled doubles the wait (with jitter, so a provider that
was down is not met by every reward at once), up to a cap; after the provider's last try the reward goes
to NEEDS_ATTENTION with the reason kept. Nothing is guessed: a try that learns nothing moves no value.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import Q

from ledger.domain.clock import now
from ledger.domain.errors import LedgerError
from ledger.domain.statuses import RewardStatus
from ledger.persistence.models import Reward
from ledger.persistence.unit_of_work import UnitOfWork, run_write
from ledger.services.rewards import change_status
from ledger.services.sync import SYNCERS, sync_reward

log = logging.getLogger(__name__)

UNSETTLED = (RewardStatus.PENDING, RewardStatus.UNKNOWN)


@dataclass(frozen=True)
class SyncPolicy:
    first_delay_s: float    # after the reward's last change, before the first ask
    base_delay_s: float     # the wait after the first unsettled try; doubled after each further one
    max_delay_s: float
    max_attempts: int
    follows_issued: bool = False  # ISSUED is not settled yet either (a red packet waits to be claimed)

    def watched_statuses(self) -> tuple[RewardStatus, ...]:
        return (*UNSETTLED, RewardStatus.ISSUED) if self.follows_issued else UNSETTLED

    def delay_after(self, attempts: int) -> float:
        """Exponential backoff with "equal jitter": half the step fixed, half random."""
        step = min(self.max_delay_s, self.base_delay_s * 2 ** max(attempts - 1, 0))
        return step / 2 + random.uniform(0, step / 2)


# Per provider. The lottery gateway and the coupon and draw APIs answer in seconds, so a lost answer is
# asked about after a minute. A red packet lives up to 24 h before the platform refunds it: followed for
# about two days at most an hour apart before a person is asked to look.
POLICIES: dict[str, SyncPolicy] = {
    "instant-lottery": SyncPolicy(first_delay_s=60, base_delay_s=30, max_delay_s=3600, max_attempts=8),
    "allinpay": SyncPolicy(first_delay_s=60, base_delay_s=60, max_delay_s=3600, max_attempts=8),
    "unionpay": SyncPolicy(first_delay_s=60, base_delay_s=60, max_delay_s=3600, max_attempts=8),
    "red-packet": SyncPolicy(first_delay_s=300, base_delay_s=300, max_delay_s=3600, max_attempts=60,
                             follows_issued=True),
}
DEFAULT_POLICY = SyncPolicy(first_delay_s=60, base_delay_s=60, max_delay_s=3600, max_attempts=8)


def policy_for(provider: str, first_delay_s: float | None = None) -> SyncPolicy:
    policy = POLICIES.get(provider, DEFAULT_POLICY)
    if first_delay_s is None:
        return policy
    return SyncPolicy(first_delay_s, policy.base_delay_s, policy.max_delay_s, policy.max_attempts,
                      policy.follows_issued)


async def due_rewards(provider: str, policy: SyncPolicy, limit: int, tenant_id: int | None = None) -> list[Reward]:
    moment = now()
    first_ask_due = Q(next_sync_at__isnull=True, updated_at__lte=moment - timedelta(seconds=policy.first_delay_s))
    query = Reward.filter(provider=provider, status__in=list(policy.watched_statuses())).filter(
        Q(next_sync_at__lte=moment) | first_ask_due)
    if tenant_id is not None:
        query = query.filter(tenant_id=tenant_id)
    return await query.order_by("next_sync_at", "id").limit(limit)


@dataclass
class SyncCounts:
    asked: int = 0
    settled: int = 0
    still_unsettled: int = 0
    needs_attention: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"asked": self.asked, "settled": self.settled, "stillUnsettled": self.still_unsettled,
                "needsAttention": self.needs_attention, "errors": self.errors}


async def sync_due_rewards(*, batch_size: int, tenant_id: int | None = None,
                           first_delay_s: float | None = None,
                           ask: Callable[[int, int], Awaitable[Reward]] = sync_reward) -> SyncCounts:
    """Asks about up to `batch_size` due rewards of every provider that can be asked (oldest first)."""
    counts = SyncCounts()
    for provider in sorted(SYNCERS):
        policy = policy_for(provider, first_delay_s)
        for reward in await due_rewards(provider, policy, batch_size - counts.asked, tenant_id):
            counts.asked += 1
            await _sync_one(reward, policy, counts, ask)
        if counts.asked >= batch_size:
            break
    return counts


async def _sync_one(reward: Reward, policy: SyncPolicy, counts: SyncCounts,
                    ask: Callable[[int, int], Awaitable[Reward]]) -> None:
    tenant_id = reward.tenant_id  # type: ignore[attr-defined]
    before = reward.status
    problem = None
    try:
        after = (await ask(tenant_id, reward.id)).status
    except LedgerError as exc:
        problem, after = f"{exc.code.value}: {exc.message}", before
    except Exception as exc:  # noqa: BLE001 - one reward's failure must not stop the batch
        log.exception("sync of reward %s failed", reward.id)
        problem, after = type(exc).__name__, before
    if problem:
        counts.errors += 1
    if after not in policy.watched_statuses():
        counts.settled += 1
        return
    if after is RewardStatus.ISSUED and before is not RewardStatus.ISSUED:
        counts.settled += 1  # answered: issued now, followed from here on as a fresh wait
        await _schedule_next(reward.id, after, attempts=0, policy=policy)
        return
    attempts = reward.sync_attempts + 1
    if attempts >= policy.max_attempts:
        reason = (f"still {after.value} after {attempts} tries to ask {reward.provider}"
                  + (f"; last problem: {problem}" if problem else ""))
        if await _hand_to_a_person(tenant_id, reward.id, after, reason):
            counts.needs_attention += 1
        return
    counts.still_unsettled += 1
    await _schedule_next(reward.id, after, attempts=attempts, policy=policy)


async def _schedule_next(reward_id: int, status: RewardStatus, *, attempts: int, policy: SyncPolicy) -> None:
    # Conditional on the status: if something else settled the reward meanwhile, its bookkeeping is moot.
    next_at = now() + timedelta(seconds=policy.delay_after(max(attempts, 1)))
    await Reward.filter(id=reward_id, status=status).update(sync_attempts=attempts, next_sync_at=next_at)


async def _hand_to_a_person(tenant_id: int, reward_id: int, status: RewardStatus, reason: str) -> bool:
    async def work(uow: UnitOfWork) -> bool:
        reward = await Reward.filter(id=reward_id).select_for_update().get()
        if reward.status is not status:
            return False  # settled meanwhile
        reward.attention_reason = reason
        reward.sync_attempts += 1
        reward.next_sync_at = None
        await reward.save(update_fields=["attention_reason", "sync_attempts", "next_sync_at"])
        await change_status(uow, reward, RewardStatus.NEEDS_ATTENTION, reason)
        return True

    handed = await run_write(tenant_id, work)
    if handed:
        log.warning("reward %s needs attention: %s", reward_id, reason)
    return handed
