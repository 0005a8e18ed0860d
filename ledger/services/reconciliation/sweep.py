"""The day's paid rewards a provider's feed never listed, found in bounded pages.

The rewards of the day (created in its window, paid or issued) are read in id order, a page at a time, with
the marks of those ids (store.mark_listed): a reward this run's feed listed is marked by this run, one
another day's feed listed is marked with that day. What is left, the feed never mentioned. Memory holds one
page, however large the day.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

from ledger.domain.reconciliation import PAID_STATUSES, day_window
from ledger.persistence.models import Reward
from ledger.persistence.reconciliation_models import ReconciledReward, ReconciliationRun

SWEEP_PAGE = 500


async def unlisted_paid_rewards(run: ReconciliationRun, page_size: int = SWEEP_PAGE) -> AsyncIterator[list[Reward]]:
    start, end = day_window(run.date)
    tenant_id: int = run.tenant_id  # type: ignore[attr-defined]
    after = 0
    while True:
        # Ids first: most of the day was listed, and only the rest is worth loading as rewards.
        ids = cast(list[int], await Reward.filter(
            tenant_id=tenant_id, provider=run.provider, status__in=list(PAID_STATUSES), created_at__gte=start,
            created_at__lt=end, id__gt=after).order_by("id").limit(page_size).values_list("id", flat=True))
        if not ids:
            return
        after = ids[-1]
        marks = await ReconciledReward.filter(tenant_id=tenant_id, reward_id__in=ids) \
            .values_list("reward_id", "run_id", "day")
        listed = {int(reward_id) for reward_id, run_id, day in marks if run_id == run.id or day != run.date}
        unlisted = [reward_id for reward_id in ids if reward_id not in listed]
        if unlisted:
            yield list(await Reward.filter(id__in=unlisted).order_by("id"))
