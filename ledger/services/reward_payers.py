"""Which account pays a reward a person settles when no hold was taken for it (resolveReward's PAY).

One rule per kind, the account that would have paid had the provider's answer been read:

| kind | pays |
|---|---|
| GRANT, COUPON, RED_PACKET | the campaign's budget (it may not go below zero) |
| LOTTERY_TICKET | the station's cash account (a prize above the per-ticket cap, say: the gateway paid the station) |
| DRAW | the provider's prize pool (a clearing account that may go negative) |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import AccountKind, RewardKind
from ledger.persistence.models import Account, Campaign, Reward
from ledger.services import lottery_outcomes, randou_draws, unionpay_draws
from ledger.services.accounts import named_account

PayerRule = Callable[[Reward], Awaitable[Account]]


async def _campaign_budget(reward: Reward) -> Account:
    campaign = await Campaign.get_or_none(id=reward.campaign_id, tenant_id=reward.tenant_id)  # type: ignore[attr-defined]
    if campaign is None:
        raise _no_payer(reward)
    return await Account.get(id=campaign.budget_account_id)  # type: ignore[attr-defined]


async def _station_cash(reward: Reward) -> Account:
    station = reward.details.get("stationId")
    if not station:
        raise _no_payer(reward)
    return await named_account(reward.tenant_id, AccountKind.STATION_CASH, reward.asset,  # type: ignore[attr-defined]
                               f"{lottery_outcomes.PROVIDER}:{station}")


async def _prize_pool(reward: Reward) -> Account:
    # The same owners the draw services pay from (unionpay_draws._pay, randou_draws._pay).
    if reward.provider == unionpay_draws.PROVIDER and reward.details.get("activityNumber"):
        owner = f"{unionpay_draws.PROVIDER}:{reward.details['activityNumber']}"
    elif reward.provider == randou_draws.PROVIDER:
        owner = randou_draws.PRIZE_POOL_OWNER
    else:
        raise _no_payer(reward)
    return await named_account(reward.tenant_id, AccountKind.PROVIDER_CLEARING, reward.asset, owner)  # type: ignore[attr-defined]


PAYERS: dict[RewardKind, PayerRule] = {
    RewardKind.GRANT: _campaign_budget,
    RewardKind.COUPON: _campaign_budget,
    RewardKind.RED_PACKET: _campaign_budget,
    RewardKind.LOTTERY_TICKET: _station_cash,
    RewardKind.DRAW: _prize_pool,
}


async def payer_of(reward: Reward) -> Account:
    """Inside a write: the account that pays this reward, created on first use where it is a named one."""
    return await PAYERS[reward.kind](reward)


def _no_payer(reward: Reward) -> LedgerError:
    return LedgerError(ErrorCode.INVALID_STATE, f"this {reward.kind.value} reward names no account to pay it from",
                       field="rewardId")
