"""What the platform says about a packet, recorded on its reward: the link to its record, its status, and
the money that status moves. One answer, one of three kinds (providers/red_packet/codes.py):

- done: the packet exists and its state moves the reward: ISSUED keeps the hold; CLAIMED posts the amount
  the platform stated and releases the rest; REFUNDED and FAILED void the hold.
- refused before anything happened: FAILED, the hold released.
- may have happened: UNKNOWN, the hold kept, and only listing settles it (syncReward): a packet found is
  followed; none listed once the adapter's `unlisted_release` has passed since the send means none was
  made, and the hold is released. Nothing is ever sent again on the ledger's own.

A claimed packet is paid only with an amount the platform stated (scan-send's `send_amount`, or a FIXED
activity's one value): the seed's list rows carry no amount for a RANDOM packet, so such a packet, once
claimed, is NEEDS_ATTENTION with its maximum still held, never paid on a guess.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ledger.domain.clock import now
from ledger.domain.statuses import FINAL_STATUSES, RewardStatus, TransferState, can_transition
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_write
from ledger.ports import Rejected, Unknown
from ledger.services.red_packet_gateway import CLOCK_SLACK, PROVIDER, RedPacketGateway
from ledger.services.rewards import change_status
from ledger.services.transfers import resolve_pending

log = logging.getLogger(__name__)
AMOUNT_UNREAD = ("claimed on the platform, but no answer states its amount (the seed's list rows carry none for "
                 "a RANDOM packet): its maximum stays held until a person settles it from the WeChat Pay bill")


class PlatformReadFailed(Exception):
    """Listing or refreshing failed: it tells nothing about the packet, so nothing is concluded from it."""


async def record_send_answer(tenant_id: int, gateway: RedPacketGateway, reward_id: int, answer: Any,
                             what: str = "send") -> Reward:
    """After a send or resend: a refusal fails the reward and releases its hold; an answer that may hide
    packets leaves it UNKNOWN for syncReward; an answer that sent finds the packet by listing."""
    if isinstance(answer, Unknown):
        return await record_state(tenant_id, reward_id, None, RewardStatus.UNKNOWN,
                                  f"the {what}'s answer leaves it open ({answer.reason}): packets may exist, so "
                                  "syncReward looks for them by listing; never sent again")
    refusal = answer if isinstance(answer, Rejected) else getattr(answer, "refusal", None)
    if isinstance(refusal, Rejected):
        return await record_state(tenant_id, reward_id, None, RewardStatus.FAILED,
                                  f"the platform refused the {what}: {refusal.code} {refusal.message}")
    return await settle_from_listing(tenant_id, gateway, reward_id)


async def settle_from_listing(tenant_id: int, gateway: RedPacketGateway, reward_id: int) -> Reward:
    """Finds this reward's packet by listing, links it, and records its state."""
    reward = await Reward.get(id=reward_id)
    try:
        record = await _find_own_record(tenant_id, gateway, reward)
    except PlatformReadFailed as exc:
        return await record_state(tenant_id, reward.id, None, None,
                                  f"reading the platform failed ({exc}); the next refresh looks again")
    if record is not None:
        return await record_state(tenant_id, reward.id, record, record.reward_status, "")
    if reward.status is not RewardStatus.UNKNOWN:
        return await record_state(tenant_id, reward.id, None, None, "sent; the platform does not list the packet yet")
    return await release_if_long_unlisted(tenant_id, gateway, reward, "packet for this member")


async def release_if_long_unlisted(tenant_id: int, gateway: RedPacketGateway, reward: Reward, what: str) -> Reward:
    """An open (UNKNOWN) send with nothing listed: still UNKNOWN until `unlisted_release` after the send,
    then FAILED with its hold released, since a send that made packets has them listed by then."""
    release_at = datetime.fromisoformat(reward.details["sentAt"]) + gateway.unlisted_release
    if now() < release_at:
        by = release_at.isoformat(timespec="seconds")
        return await record_state(tenant_id, reward.id, None, RewardStatus.UNKNOWN,
                                  f"the send's answer left it open and the platform lists no {what} yet; not "
                                  f"sent again; released if none is listed by {by}")
    return await record_state(tenant_id, reward.id, None, RewardStatus.FAILED,
                              f"the platform lists no {what} {int(gateway.unlisted_release.total_seconds())} s "
                              "after a send whose answer left it open: none was made, so the hold is released")


async def _find_own_record(tenant_id: int, gateway: RedPacketGateway, reward: Reward) -> Any | None:
    """The reward's packet: its linked record refreshed, or else the member's oldest packet of the activity
    since the send that no other reward has linked. None when there is none; PlatformReadFailed when the
    platform could not be read (the adapter's own errors vary, and none of them says anything)."""
    try:
        record_id = reward.provider_refs.get("recordId")
        if isinstance(record_id, str):
            fresh = await gateway.update_claim_status(record_id)
            if fresh is not None:
                return fresh
        since = datetime.fromisoformat(reward.details["sentAt"]) - CLOCK_SLACK
        records = await gateway.find_records(uid=reward.member_id,
                                             cash_redpack_id=int(reward.details["cashRedpackId"]), since=since)
    except Exception as exc:  # noqa: BLE001
        log.warning("red-packet platform read failed for reward %s", reward.id, exc_info=True)
        raise PlatformReadFailed(type(exc).__name__) from exc
    if not isinstance(records, list):
        raise PlatformReadFailed("the platform's list was not readable")
    taken = await _records_linked_elsewhere(tenant_id, reward)
    candidates = sorted((r for r in records if str(r.id) not in taken), key=lambda r: str(r.created_at or ""))
    return candidates[0] if candidates else None


async def _records_linked_elsewhere(tenant_id: int, reward: Reward) -> set[str]:
    others = await Reward.filter(tenant_id=tenant_id, provider=PROVIDER, member_id=reward.member_id) \
        .exclude(id=reward.id)
    return {str(other.provider_refs["recordId"]) for other in others if other.provider_refs.get("recordId")}


async def record_state(tenant_id: int, reward_id: int, record: Any | None, status: RewardStatus | None,
                       reason: str) -> Reward:
    """Links `record` (when given), keeps `reason` (or clears an old one once a record explains the reward),
    and moves the reward to `status` (None: no move), with the money that move means."""
    async def work(uow: UnitOfWork) -> Reward:
        reward = await Reward.get(id=reward_id)
        if reward.status in FINAL_STATUSES:
            return reward
        details = dict(reward.details)
        if record is not None:
            reward.provider_refs = {**reward.provider_refs, "recordId": str(record.id)}
            # A list row tells neither amount (RANDOM) nor fail_code: keep what an earlier answer stated.
            details.update(platformStatus=record.status, failCode=record.fail_code or details.get("failCode"),
                           amountFen=record.amount_fen if record.amount_fen is not None else details.get("amountFen"))
        if reason:
            details["reason"] = reason
        elif record is not None:
            details.pop("reason", None)
        reward.details = details
        await reward.save(update_fields=["provider_refs", "details"])
        # PENDING moves nothing, but an UNKNOWN reward whose packet is found is PENDING again.
        if status is not None and (status is not RewardStatus.PENDING or reward.status is RewardStatus.UNKNOWN):
            await _move(uow, reward, status, record)
        return reward

    return await run_write(tenant_id, work)


async def _move(uow: UnitOfWork, reward: Reward, status: RewardStatus, record: Any | None) -> None:
    why = f"platform status {record.status if record is not None else '-'}"
    if not can_transition(reward.status, status):
        await _keep_reason(reward, f"the platform reports {status.value}; the ledger keeps {reward.status.value}")
        return
    hold = await Transfer.get_or_none(reward_id=reward.id, state=TransferState.PENDING)
    stated = reward.details.get("amountFen")
    if status is RewardStatus.CLAIMED and hold is not None:
        if not isinstance(stated, int) or not 0 < stated <= hold.amount:
            problem = (AMOUNT_UNREAD if stated is None
                       else f"claimed for {stated} fen, not within the {hold.amount} fen held")
            await _keep_reason(reward, problem)
            await change_status(uow, reward, RewardStatus.NEEDS_ATTENTION, problem)
            return
        reward.amount = stated
        await reward.save(update_fields=["amount"])
        await resolve_pending(uow, hold, post_amount=stated, member_id=reward.member_id)
    elif status in (RewardStatus.FAILED, RewardStatus.REFUNDED) and hold is not None:
        await resolve_pending(uow, hold, post_amount=None, member_id=reward.member_id)
    elif status is RewardStatus.ISSUED and isinstance(stated, int) and 0 < stated <= reward.amount:
        reward.amount = stated
        await reward.save(update_fields=["amount"])
    await change_status(uow, reward, status, why)


async def _keep_reason(reward: Reward, reason: str) -> None:
    reward.details = {**reward.details, "reason": reason}
    await reward.save(update_fields=["details"])
