"""Cash red packets sent through the merchant platform: the ledger's side.

Sending holds the activity's amount (for a random activity, its maximum) on the campaign's budget for each
member before the platform is called. The platform then reports each packet's life: sending → unclaimed
(ISSUED) → claimed (CLAIMED: the actual amount posts to the member's wallet, the rest of the hold is
released), or failed / refunded (the hold is voided and the budget gets it back).

The send endpoint takes no client key and answers only counts, so a retry must never send twice: after any
answer, clear or not, the ledger finds each member's packet by listing, and never resends on its own. A
member whose packet cannot be found after an unclear answer stays UNKNOWN, with the reason recorded, until
a refresh finds it.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any, Protocol

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import require_positive
from ledger.domain.statuses import FINAL_STATUSES, RewardKind, RewardStatus, TransferState
from ledger.persistence.models import Account, Reward, Transfer
from ledger.persistence.red_packet_models import RedPacketActivity, RedPacketType
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write, run_write
from ledger.ports import ProviderNotConfigured, Rejected, Unknown, provider_for
from ledger.services.accounts import member_wallet
from ledger.services.campaigns import find_campaign
from ledger.services.rewards import change_status
from ledger.services.transfers import create_transfer, resolve_pending

log = logging.getLogger(__name__)
PROVIDER = "red-packet"
MAX_MEMBERS_PER_SEND = 100
SOURCES = {"SCAN": 1, "MANUAL": 2, "DRAW": 3, "PURCHASE_GIFT": 4, "GAME": 5, "OPEN": 6}
_UID = re.compile(r"^[1-9][0-9]{0,10}\Z")  # the platform's uid is an Integer(11)
# Listing looks a little before the send, since the platform stamps records with its own clock.
CLOCK_SLACK = timedelta(minutes=5)


class RedPacketGateway(Protocol):
    async def send(self, *, cash_redpack_id: int, uids: list[str], source: str | None = None) -> Any: ...

    async def find_records(self, *, uid: str, cash_redpack_id: int, since: datetime) -> list[Any]: ...

    async def update_claim_status(self, record_id: str) -> Any: ...

    async def resend(self, record_id: str) -> Any: ...

    async def scan_send(self, *, cash_redpack_id: int, open_id: str) -> Any: ...

    async def send_to_groups(self, *, cash_redpack_id: int, group_ids: list[str], source: str | None = None
                             ) -> Any: ...

    async def list_group_sends(self, *, cash_redpack_id: int | None = None, since: datetime | None = None) -> Any: ...

    async def list_sends(self, *, cash_redpack_id: int | None = None, group_id: int | None = None,
                         since: datetime | None = None, page: int = 1, page_size: int = 100) -> Any: ...


async def gateway_for(tenant_id: int) -> RedPacketGateway:
    try:
        return await provider_for(tenant_id, PROVIDER)  # type: ignore[no-any-return]
    except ProviderNotConfigured as exc:
        raise LedgerError(ErrorCode.PROVIDER_NOT_CONFIGURED,
                          "the red-packet platform is not configured for this tenant") from exc


def check_uid(member_id: str) -> str:
    if not isinstance(member_id, str) or not _UID.match(member_id):
        raise LedgerError(ErrorCode.INVALID_INPUT, "for red packets a memberId is the platform's numeric uid",
                          field="memberIds")
    return member_id


async def define_activity(tenant_id: int, *, cash_redpack_id: int, campaign_id: int, name: str,
                          packet_type: RedPacketType, min_fen: int, max_fen: int) -> RedPacketActivity:
    """Records which campaign funds a platform activity, and its amount (FIXED) or range (RANDOM)."""
    if not 1 <= cash_redpack_id < 10**11:
        raise LedgerError(ErrorCode.INVALID_INPUT, "cashRedpackId is the platform's activity id",
                          field="cashRedpackId")
    require_positive(min_fen, "minValue")
    require_positive(max_fen, "maxValue")
    if min_fen > max_fen or (packet_type is RedPacketType.FIXED and min_fen != max_fen):
        raise LedgerError(ErrorCode.INVALID_AMOUNT, "minValue ≤ maxValue, and equal for a FIXED activity",
                          field="maxValue")
    campaign = await find_campaign(tenant_id, campaign_id)
    if campaign.asset != "CNY":
        raise LedgerError(ErrorCode.ASSET_MISMATCH, "red packets are paid in CNY", field="campaignId")
    values = {"campaign_id": campaign.id, "name": name[:200], "type": packet_type, "min_fen": min_fen,
              "max_fen": max_fen}
    updated = await RedPacketActivity.filter(tenant_id=tenant_id, cash_redpack_id=cash_redpack_id).update(**values)
    if not updated:
        await RedPacketActivity.create(tenant_id=tenant_id, cash_redpack_id=cash_redpack_id, **values)
    return await RedPacketActivity.get(tenant_id=tenant_id, cash_redpack_id=cash_redpack_id)


async def send_red_packets(tenant_id: int, *, cash_redpack_id: int, member_ids: list[str], source: str | None,
                           idempotency_key: str) -> list[Reward]:
    if not 1 <= len(member_ids) <= MAX_MEMBERS_PER_SEND:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"1-{MAX_MEMBERS_PER_SEND} members", field="memberIds")
    if len(set(member_ids)) != len(member_ids):
        raise LedgerError(ErrorCode.INVALID_INPUT, "a member is listed twice", field="memberIds")
    for member_id in member_ids:
        check_uid(member_id)
    if source is not None and source not in SOURCES:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"source is one of {', '.join(SOURCES)}", field="source")
    activity = await RedPacketActivity.get_or_none(tenant_id=tenant_id, cash_redpack_id=cash_redpack_id)
    if activity is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such red-packet activity (defineRedPacketActivity first)",
                          field="cashRedpackId")
    gateway = await gateway_for(tenant_id)

    async def record(uow: UnitOfWork) -> tuple[dict, tuple[list[Reward], bool]]:
        rewards = [await _record_send(uow, tenant_id, activity, member_id, source) for member_id in member_ids]
        return {"reward_ids": [r.id for r in rewards]}, (rewards, True)

    async def replay(reference: dict) -> tuple[list[Reward], bool]:
        return list(await Reward.filter(id__in=reference["reward_ids"]).order_by("id")), False

    rewards, created = await run_idempotent_write(
        tenant_id, operation="sendRedPacket", key=idempotency_key,
        request={"cash_redpack_id": cash_redpack_id, "member_ids": member_ids, "source": source},
        work=record, replay=replay)
    if not created:
        return rewards
    answer = await gateway.send(cash_redpack_id=cash_redpack_id, uids=member_ids,
                                source=str(SOURCES[source]) if source else None)
    unclear = isinstance(answer, Unknown)
    return [await _match_and_apply(tenant_id, gateway, reward.id, unclear=unclear) for reward in rewards]


async def _record_send(uow: UnitOfWork, tenant_id: int, activity: RedPacketActivity, member_id: str,
                       source: str | None, resend_of: Reward | None = None) -> Reward:
    campaign = await find_campaign(tenant_id, activity.campaign_id)  # type: ignore[attr-defined]
    budget = await Account.get(id=campaign.budget_account_id)  # type: ignore[attr-defined]
    wallet = await member_wallet(tenant_id, member_id, "CNY")
    reward = await Reward.create(
        tenant_id=tenant_id, kind=RewardKind.RED_PACKET, status=RewardStatus.PENDING, provider=PROVIDER,
        campaign_id=campaign.id, member_id=member_id, asset="CNY", amount=activity.max_fen,
        details={"cashRedpackId": activity.cash_redpack_id, "type": activity.type.value, "source": source,
                 "sentAt": now().isoformat(), **({"resendOf": resend_of.id} if resend_of else {})},
        provider_refs={"recordId": resend_of.provider_refs["recordId"]} if resend_of else {},
    )
    uow.emit("reward.created", reward_id=reward.id, campaign_id=campaign.id, member_id=member_id,
             data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
    # A random packet's amount is known only once sent: hold its maximum, release the rest on claim.
    await create_transfer(uow, debit=budget, credit=wallet, amount=activity.max_fen, pending=True,
                          reward_id=reward.id, member_id=member_id)
    return reward


async def _match_and_apply(tenant_id: int, gateway: RedPacketGateway, reward_id: int, *, unclear: bool) -> Reward:
    """Finds this reward's packet by listing, links it, and records its state."""
    reward = await Reward.get(id=reward_id)
    record = await _find_own_record(tenant_id, gateway, reward)
    if record is None:
        reason = ("the send's answer was lost and the platform lists no packet for this member yet; not resent"
                  if unclear else "sent; the platform does not list the packet yet")
        return await record_state(tenant_id, reward_id, None, RewardStatus.UNKNOWN if unclear else None, reason)
    return await record_state(tenant_id, reward_id, record, record.reward_status, "")


async def _find_own_record(tenant_id: int, gateway: RedPacketGateway, reward: Reward) -> Any | None:
    # Reading the platform can fail in adapter-specific ways; a read that fails tells nothing, and the
    # reward simply waits for the next refresh.
    try:
        if isinstance(reward.provider_refs.get("recordId"), str):
            fresh = await gateway.update_claim_status(reward.provider_refs["recordId"])
            if fresh is not None:
                return fresh
        since = datetime.fromisoformat(reward.details["sentAt"]) - CLOCK_SLACK
        records = await gateway.find_records(uid=reward.member_id,
                                             cash_redpack_id=int(reward.details["cashRedpackId"]), since=since)
    except Exception:  # noqa: BLE001
        log.warning("red-packet platform read failed for reward %s", reward.id, exc_info=True)
        return None
    if not isinstance(records, list):
        return None
    taken = await _records_linked_elsewhere(tenant_id, reward)
    candidates = sorted((r for r in records if str(r.id) not in taken), key=lambda r: str(r.created_at or ""))
    return candidates[0] if candidates else None


async def _records_linked_elsewhere(tenant_id: int, reward: Reward) -> set[str]:
    others = await Reward.filter(tenant_id=tenant_id, provider=PROVIDER, member_id=reward.member_id) \
        .exclude(id=reward.id)
    return {str(other.provider_refs["recordId"]) for other in others if other.provider_refs.get("recordId")}


async def record_state(tenant_id: int, reward_id: int, record: Any | None, status: RewardStatus | None,
                        reason: str) -> Reward:
    async def work(uow: UnitOfWork) -> Reward:
        reward = await Reward.get(id=reward_id)
        if reward.status in FINAL_STATUSES:
            return reward
        if record is not None:
            reward.provider_refs = {**reward.provider_refs, "recordId": str(record.id)}
            reward.details = {**reward.details, "platformStatus": record.status, "failCode": record.fail_code,
                              "amountFen": record.amount_fen}
        if reason:
            reward.details = {**reward.details, "reason": reason}
        await reward.save(update_fields=["provider_refs", "details"])
        if status is not None and status is not RewardStatus.PENDING:
            await _move(uow, reward, status, record)
        return reward

    return await run_write(tenant_id, work)


async def _move(uow: UnitOfWork, reward: Reward, status: RewardStatus, record: Any | None) -> None:
    hold = await Transfer.get_or_none(reward_id=reward.id, state=TransferState.PENDING)
    known_fen = int(record.amount_fen) if record is not None and record.amount_fen is not None else 0
    if status is RewardStatus.CLAIMED and hold is not None and record is not None:
        amount = min(known_fen, hold.amount)
        if amount <= 0:
            return  # a claimed packet with no readable amount is not paid on a guess
        reward.amount = amount
        await reward.save(update_fields=["amount"])
        await resolve_pending(uow, hold, post_amount=amount, member_id=reward.member_id)
    elif status in (RewardStatus.FAILED, RewardStatus.REFUNDED) and hold is not None:
        await resolve_pending(uow, hold, post_amount=None, member_id=reward.member_id)
    elif status is RewardStatus.ISSUED and 0 < known_fen <= reward.amount:
        reward.amount = known_fen
        await reward.save(update_fields=["amount"])
    if reward.status is not status:
        await change_status(uow, reward, status, f"platform status {record.status if record else '?'}")


async def refresh_red_packet(tenant_id: int, reward: Reward) -> Reward:
    """Asks the platform for the packet's state now (the syncReward of red packets); for a group send not
    yet split, looks for its packets again."""
    if reward.status in FINAL_STATUSES:
        return reward
    if reward.details.get("groupSend"):
        from ledger.services.red_packet_groups import split_group  # the group flow builds on this module

        return await split_group(tenant_id, await gateway_for(tenant_id), reward.id, unclear=False)
    return await _match_and_apply(tenant_id, await gateway_for(tenant_id), reward.id, unclear=False)


async def resend_red_packet(tenant_id: int, reward_id: int, idempotency_key: str) -> Reward:
    """Sends a failed packet again (the platform's resend of that record), as a new reward with a new hold:
    the failed one keeps its history."""
    failed = await Reward.get_or_none(id=reward_id, tenant_id=tenant_id, provider=PROVIDER)
    if failed is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such red packet", field="rewardId")
    record_id = failed.provider_refs.get("recordId")
    if failed.status is not RewardStatus.FAILED or not record_id:
        raise LedgerError(ErrorCode.INVALID_STATE, "only a failed packet the platform knows can be resent",
                          field="rewardId")
    activity = await RedPacketActivity.get_or_none(tenant_id=tenant_id,
                                                   cash_redpack_id=int(failed.details["cashRedpackId"]))
    if activity is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "the packet's activity is no longer defined", field="rewardId")
    gateway = await gateway_for(tenant_id)

    async def record(uow: UnitOfWork) -> tuple[dict, tuple[Reward, bool]]:
        reward = await _record_send(uow, tenant_id, activity, failed.member_id, failed.details.get("source"),
                                    resend_of=failed)
        return {"reward_id": reward.id}, (reward, True)

    async def replay(reference: dict) -> tuple[Reward, bool]:
        return await Reward.get(id=reference["reward_id"]), False

    reward, created = await run_idempotent_write(tenant_id, operation="resendRedPacket", key=idempotency_key,
                                                 request={"reward_id": reward_id}, work=record, replay=replay)
    if not created:
        return reward
    answer = await gateway.resend(str(record_id))
    if isinstance(answer, Rejected):
        return await record_state(tenant_id, reward.id, None, RewardStatus.FAILED,
                                   f"the platform refused the resend: {answer.code} {answer.message}")
    return await _match_and_apply(tenant_id, gateway, reward.id, unclear=isinstance(answer, Unknown))

