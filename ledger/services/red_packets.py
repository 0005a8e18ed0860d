"""Cash red packets sent through the merchant platform: the ledger's side.

Sending holds the activity's amount (for a random activity, its maximum) on the campaign's budget for each
member before the platform is called. The platform then reports each packet's life: sending → unclaimed
(ISSUED) → claimed (CLAIMED: the actual amount posts to the member's wallet, the rest of the hold is
released), or failed / refunded (the hold is voided and the budget gets it back).

The send endpoint takes no client key and answers only counts, so a retry must never send twice. A send
the platform refused is FAILED at once; one whose answer may hide packets (lost, or a code no document
explains) is UNKNOWN, and syncReward (refresh) finds each member's packet by listing, or hands it to a person
with its hold kept once none has been listed for a while (red_packet_settling.py); a send that went out is
matched by listing at once. Nothing is ever resent on the ledger's own.
"""

from __future__ import annotations

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import require_positive
from ledger.domain.statuses import FINAL_STATUSES, RewardKind, RewardStatus
from ledger.persistence.models import Account, Reward
from ledger.persistence.red_packet_models import RedPacketActivity, RedPacketType
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write
from ledger.services import provider_links
from ledger.services.accounts import member_wallet
from ledger.services.campaigns import find_campaign
from ledger.services.red_packet_gateway import PROVIDER, SOURCES, check_uid, gateway_for
from ledger.services.red_packet_settling import record_reference, record_send_answer, record_state, settle_from_listing
from ledger.services.transfers import create_transfer

__all__ = ["PROVIDER", "define_activity", "refresh_red_packet", "resend_red_packet", "send_red_packets"]
MAX_MEMBERS_PER_SEND = 100


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
    return [await record_send_answer(tenant_id, gateway, reward.id, answer) for reward in rewards]


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
    if resend_of is not None:
        # The resent packet is the same platform record, now paying this reward: the link moves with it, once.
        reference = record_reference(resend_of.provider_refs["recordId"])
        if not await provider_links.hand_over(tenant_id, PROVIDER, reference, resend_of.id, reward.id):
            raise LedgerError(ErrorCode.INVALID_STATE, "this packet was already resent", field="rewardId")
    uow.emit("reward.created", reward_id=reward.id, campaign_id=campaign.id, member_id=member_id,
             data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
    # A random packet's amount is known only once sent: hold its maximum, release the rest on claim.
    await create_transfer(uow, debit=budget, credit=wallet, amount=activity.max_fen, pending=True,
                          reward_id=reward.id, member_id=member_id)
    return reward


async def refresh_red_packet(tenant_id: int, reward: Reward) -> Reward:
    """Asks the platform for the packet's state now (the syncReward of red packets); for a group send not
    yet split, looks for its packets again."""
    if reward.status in FINAL_STATUSES:
        return reward
    if reward.details.get("groupSend"):
        from ledger.services.red_packet_groups import split_group  # the group flow builds on this module

        return await split_group(tenant_id, await gateway_for(tenant_id), reward.id)
    if not reward.member_id:  # a scan-send whose answer was lost: only that answer names the member
        return await record_state(tenant_id, reward.id, None, None,
                                  "the scan-send's answer was lost; the recipient is unknown, so a person must "
                                  "find the packet on the platform")
    return await settle_from_listing(tenant_id, await gateway_for(tenant_id), reward.id)


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
    return await record_send_answer(tenant_id, gateway, reward.id, answer, what="resend")

