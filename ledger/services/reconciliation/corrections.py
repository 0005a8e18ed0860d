"""Correcting a reward to what its provider did, the one path that may step outside the transition table.

A person accepting the provider's word (resolveDiscrepancy, ACCEPT_PROVIDER) can need a move the table
forbids in ordinary life: a ticket recorded FAILED that the gateway did redeem becomes ISSUED; a CLAIMED
packet the platform refunded becomes REFUNDED. Such a move is made only here, inside the write that moves the
money, and always as an event that says it is a correction and which discrepancy asked for it, so the
history shows what happened and why. Nothing else calls this.
"""

from __future__ import annotations

from ledger.domain.statuses import RewardStatus, can_transition
from ledger.persistence.models import Reward
from ledger.persistence.unit_of_work import UnitOfWork


async def correct_reward(uow: UnitOfWork, reward: Reward, *, status: RewardStatus, amount: int,
                         discrepancy_id: int, reason: str) -> None:
    """Sets the reward's status and amount to the provider's, each change an event."""
    correction = {"discrepancyId": discrepancy_id, "reason": reason}
    if amount != reward.amount:
        before, reward.amount = reward.amount, amount
        await reward.save(update_fields=["amount", "updated_at"])
        uow.emit("reward.amount_corrected", reward_id=reward.id, campaign_id=reward.campaign_id,  # type: ignore[attr-defined]
                 member_id=reward.member_id or None,
                 data={"from": str(before), "to": str(amount), "asset": reward.asset, "correction": correction})
    if status is not reward.status:
        before_status, reward.status = reward.status, status
        await reward.save(update_fields=["status", "updated_at"])
        uow.emit("reward.status_changed", reward_id=reward.id, campaign_id=reward.campaign_id,  # type: ignore[attr-defined]
                 member_id=reward.member_id or None,
                 data={"from": before_status.value, "to": status.value, "reason": reason,
                       "correction": {**correction, "outsideTransitionTable": not can_transition(before_status,
                                                                                                  status)}})
