"""What the platform says about a packet, recorded on its reward: the link to its record, its status, and
the money that status moves. One answer, one of three kinds (providers/red_packet/codes.py):

- done: the packet exists and its state moves the reward: ISSUED keeps the hold; CLAIMED posts the amount
  the platform stated and releases the rest; REFUNDED and FAILED void the hold.
- refused before anything happened: FAILED, the hold released.
- may have happened: UNKNOWN, the hold kept, and only listing settles it (syncReward): a packet found is
  followed; none listed once the adapter's `unlisted_release` has passed since the send is NEEDS_ATTENTION,
  the hold still kept: a listing can lag, and a packet made while our answer was lost may still be paid,
  so only a person (resolveReward, from the WeChat Pay bill) releases it. Nothing is ever sent again on the
  ledger's own.

Each platform record pays one reward at most (provider_links.py): the send echoes nothing of ours (counts
only) and the list rows carry nothing we sent, so a personal send's packet is found by member, activity and
time, and the record is linked to the reward by a unique row inserted in the same transaction that records
what the record means. A reward that loses the race for a record takes the next free one, or none.

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
from ledger.services import provider_links
from ledger.services.red_packet_gateway import CLOCK_SLACK, PROVIDER, RedPacketGateway
from ledger.services.rewards import change_status
from ledger.services.transfers import resolve_pending

log = logging.getLogger(__name__)
AMOUNT_UNREAD = ("claimed on the platform, but no answer states its amount (the seed's list rows carry none for "
                 "a RANDOM packet): its maximum stays held until a person settles it from the WeChat Pay bill")


RECORD_PREFIX = "record:"


def record_reference(record_id: object) -> str:
    """How a platform record is named in provider_references (a group send is "group-send:<id>")."""
    return f"{RECORD_PREFIX}{record_id}"


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
        candidates = await _candidate_records(tenant_id, gateway, reward)
    except PlatformReadFailed as exc:
        return await record_state(tenant_id, reward.id, None, None,
                                  f"reading the platform failed ({exc}); the next refresh looks again")
    adopted = await _adopt_first_free(tenant_id, reward.id, candidates) if candidates else None
    if adopted is not None:
        return adopted
    if reward.status is RewardStatus.UNKNOWN:
        return await hold_if_long_unlisted(tenant_id, gateway, reward, "packet for this member")
    if reward.status is RewardStatus.NEEDS_ATTENTION:
        return reward  # its reason stands: a person settles it, unless its packet is listed after all
    return await record_state(tenant_id, reward.id, None, None, "sent; the platform does not list the packet yet")


async def hold_if_long_unlisted(tenant_id: int, gateway: RedPacketGateway, reward: Reward, what: str) -> Reward:
    """An open (UNKNOWN) send with nothing listed: still UNKNOWN until `unlisted_release` after the send,
    then NEEDS_ATTENTION with its hold kept. Silence is no proof that nothing was made (a listing can lag,
    and a packet created while our answer was lost may still be claimed), and only a refusal proves a send
    made nothing (record_send_answer fails those at once); so a person settles it (resolveReward)."""
    release_at = datetime.fromisoformat(reward.details["sentAt"]) + gateway.unlisted_release
    if now() < release_at:
        by = release_at.isoformat(timespec="seconds")
        return await record_state(tenant_id, reward.id, None, RewardStatus.UNKNOWN,
                                  f"the send's answer left it open and the platform lists no {what} yet; not "
                                  f"sent again; a person is asked if none is listed by {by}")
    return await record_state(tenant_id, reward.id, None, RewardStatus.NEEDS_ATTENTION,
                              f"the platform lists no {what} {int(gateway.unlisted_release.total_seconds())} s "
                              "after a send whose answer left it open; the hold is kept, since the packet may "
                              "still exist: check the WeChat Pay bill and settle it with resolveReward")


async def _candidate_records(tenant_id: int, gateway: RedPacketGateway, reward: Reward) -> list[Any]:
    """The records that may be this reward's, best first: its linked record refreshed, or else the member's
    packets of the activity since the send that no other reward holds, oldest first. PlatformReadFailed when
    the platform could not be read (the adapter's own errors vary, and none of them says anything)."""
    try:
        record_id = reward.provider_refs.get("recordId")
        if isinstance(record_id, str):
            fresh = await gateway.update_claim_status(record_id)
            if fresh is not None:
                return [fresh]
        since = datetime.fromisoformat(reward.details["sentAt"]) - CLOCK_SLACK
        records = await gateway.find_records(uid=reward.member_id,
                                             cash_redpack_id=int(reward.details["cashRedpackId"]), since=since)
    except Exception as exc:  # noqa: BLE001
        log.warning("red-packet platform read failed for reward %s", reward.id, exc_info=True)
        raise PlatformReadFailed(type(exc).__name__) from exc
    if not isinstance(records, list):
        raise PlatformReadFailed("the platform's list was not readable")
    taken = await provider_links.held_by_others(tenant_id, PROVIDER, (record_reference(r.id) for r in records),
                                                reward.id)
    return sorted((r for r in records if record_reference(r.id) not in taken), key=lambda r: str(r.created_at or ""))


async def _adopt_first_free(tenant_id: int, reward_id: int, candidates: list[Any]) -> Reward | None:
    """Links the first candidate no other reward holds and records its state; None when every one was taken
    (by a reward that won the race, or because this reward already holds another record)."""
    reward, linked = await _write(tenant_id, reward_id, candidates, None, "", status_from_record=True)
    return reward if linked else None


async def _take_first_free(tenant_id: int, reward: Reward, candidates: list[Any]) -> Any | None:
    """Inside the write: the first candidate this reward holds or can take now. A reward holds one record."""
    own = await provider_links.reference_of(tenant_id, PROVIDER, reward.id, RECORD_PREFIX)
    for record in candidates:
        reference = record_reference(record.id)
        if own is not None and reference != own:
            continue
        if await provider_links.take(tenant_id, PROVIDER, reference, reward.id):
            return record
    return None


async def record_state(tenant_id: int, reward_id: int, record: Any | None, status: RewardStatus | None,
                       reason: str) -> Reward:
    """Links `record` (when given), keeps `reason` (or clears an old one once a record explains the reward),
    and moves the reward to `status` (None: no move), with the money that move means. A record another
    reward holds moves nothing: the reason says whose it is."""
    candidates = [record] if record is not None else []
    reward, linked = await _write(tenant_id, reward_id, candidates, status, reason)
    if linked or record is None:
        return reward
    holder = await provider_links.holder_of(tenant_id, PROVIDER, record_reference(record.id))
    return await _write_reason(tenant_id, reward_id, f"the platform's record {record.id} belongs to reward {holder}")


async def _write_reason(tenant_id: int, reward_id: int, reason: str) -> Reward:
    reward, _ = await _write(tenant_id, reward_id, [], None, reason)
    return reward


async def _write(tenant_id: int, reward_id: int, candidates: list[Any], status: RewardStatus | None, reason: str,
                 *, status_from_record: bool = False) -> tuple[Reward, bool]:
    """One transaction: takes the first free candidate (when any are given; none taken: nothing is written
    and False is returned), then records the reason and the status with the money it means."""
    async def work(uow: UnitOfWork) -> tuple[Reward, bool]:
        reward = await Reward.get(id=reward_id)
        if reward.status in FINAL_STATUSES:
            return reward, True
        record = await _take_first_free(tenant_id, reward, candidates) if candidates else None
        if candidates and record is None:
            return reward, False
        target = record.reward_status if status_from_record and record is not None else status
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
        if target is not None and (target is not RewardStatus.PENDING or reward.status is RewardStatus.UNKNOWN):
            await _move(uow, reward, target, record)
        return reward, True

    return await run_write(tenant_id, work)


async def _move(uow: UnitOfWork, reward: Reward, status: RewardStatus, record: Any | None) -> None:
    why = f"platform status {record.status if record is not None else '-'}"
    if reward.status is status:
        return
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
