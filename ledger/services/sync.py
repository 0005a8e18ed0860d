"""syncReward: ask the provider for the truth about one reward and record it.

The operator's tool now and the status-sync job's building block later. Each provider's rewards are
settled by the service that knows their ledger meaning.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.persistence.models import Reward
from ledger.services import coupons, lottery, red_packets, unionpay_draws

Syncer = Callable[[int, Reward], Awaitable[Reward]]
SYNCERS: dict[str, Syncer] = {
    lottery.PROVIDER: lottery.sync_ticket_reward,
    coupons.PROVIDER: coupons.sync_coupon_reward,
    red_packets.PROVIDER: red_packets.refresh_red_packet,
    unionpay_draws.PROVIDER: unionpay_draws.sync_draw_reward,
}


async def sync_reward(tenant_id: int, reward_id: int) -> Reward:
    reward = await Reward.get_or_none(id=reward_id, tenant_id=tenant_id)
    if reward is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such reward", field="rewardId")
    syncer = SYNCERS.get(reward.provider or "")
    if syncer is None:
        raise LedgerError(ErrorCode.INVALID_STATE, "this reward has no provider to ask", field="rewardId")
    return await syncer(tenant_id, reward)
