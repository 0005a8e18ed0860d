"""Group sends: one packet for each member of the platform's groups, members the ledger cannot know first.

Before the call, each group's send holds the activity's maximum for up to `max_members_per_group` members
on an in-flight clearing account (refused with INSUFFICIENT_FUNDS when the budget cannot cover that cap).
A refused call fails each group's reward and releases its hold; a call whose answer may hide packets
leaves them UNKNOWN for syncReward. Otherwise (and on syncReward) the ledger lists the platform's group
sends and their packets, and in one transaction per group releases the group hold and holds each member's
packet on that member's wallet; the group's own reward records the split.

The seed's group list names neither the group send (`id`, the personal list's `group_id`) nor the group
it went to: its rows are activity, group name, time and counts. Only a platform whose rows also carry
`id` and `wx_group_id` lets a send be tied to its packets; otherwise the group's reward is
NEEDS_ATTENTION with its hold kept, for a person to settle, never split on a guess.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import RewardKind, RewardStatus, TransferState
from ledger.persistence.models import Account, Reward, Transfer
from ledger.persistence.red_packet_models import RedPacketActivity
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write, run_write
from ledger.ports import Rejected, Unknown
from ledger.services import provider_links
from ledger.services.accounts import member_wallet, provider_clearing_account
from ledger.services.campaigns import find_campaign
from ledger.services.red_packet_gateway import CLOCK_SLACK, PROVIDER, SOURCES, check_uid, gateway_for
from ledger.services.red_packet_settling import hold_if_long_unlisted, record_reference, record_state
from ledger.services.rewards import change_status
from ledger.services.transfers import create_transfer, resolve_pending

GROUP_IN_FLIGHT_OWNER = f"{PROVIDER}:group-in-flight"
GROUP_SEND_PREFIX = "group-send:"
MAX_GROUPS = 20
MAX_MEMBERS_PER_GROUP = 10_000
MAX_LIST_PAGES = 100
_GROUP_ID = re.compile(r"^[1-9][0-9]{0,10}\Z")


async def send_to_groups(tenant_id: int, *, cash_redpack_id: int, group_ids: list[str], source: str | None,
                         max_members_per_group: int, idempotency_key: str) -> list[Reward]:
    if not 1 <= len(group_ids) <= MAX_GROUPS or len(set(group_ids)) != len(group_ids) or \
            not all(isinstance(g, str) and _GROUP_ID.match(g) for g in group_ids):
        raise LedgerError(ErrorCode.INVALID_INPUT, f"1-{MAX_GROUPS} distinct numeric group ids", field="groupIds")
    if not 1 <= max_members_per_group <= MAX_MEMBERS_PER_GROUP:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"1-{MAX_MEMBERS_PER_GROUP}", field="maxMembersPerGroup")
    if source is not None and source not in SOURCES:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"source is one of {', '.join(SOURCES)}", field="source")
    activity = await RedPacketActivity.get_or_none(tenant_id=tenant_id, cash_redpack_id=cash_redpack_id)
    if activity is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such red-packet activity", field="cashRedpackId")
    gateway = await gateway_for(tenant_id)

    async def record(uow: UnitOfWork) -> tuple[dict, tuple[list[Reward], bool]]:
        rewards = [await _record_group(uow, tenant_id, activity, group_id, source, max_members_per_group)
                   for group_id in group_ids]
        return {"reward_ids": [r.id for r in rewards]}, (rewards, True)

    async def replay(reference: dict) -> tuple[list[Reward], bool]:
        return list(await Reward.filter(id__in=reference["reward_ids"]).order_by("id")), False

    groups, created = await run_idempotent_write(
        tenant_id, operation="sendRedPacketToGroups", key=idempotency_key,
        request={"cash_redpack_id": cash_redpack_id, "group_ids": group_ids, "source": source,
                 "max_members_per_group": max_members_per_group}, work=record, replay=replay)
    if not created:
        return groups
    answer = await gateway.send_to_groups(cash_redpack_id=cash_redpack_id, group_ids=group_ids,
                                          source=str(SOURCES[source]) if source else None)
    refusal = getattr(answer, "refusal", None)
    if isinstance(answer, Unknown) or isinstance(refusal, Rejected):
        status = RewardStatus.FAILED if isinstance(refusal, Rejected) else RewardStatus.UNKNOWN
        reason = (f"the platform refused the group send: {refusal.code} {refusal.message}"
                  if isinstance(refusal, Rejected) else
                  f"the group send's answer leaves it open ({getattr(answer, 'reason', '')}): packets may exist, "
                  "so syncReward looks for them by listing; never sent again")
        return [await record_state(tenant_id, group.id, None, status, reason) for group in groups]
    return [await split_group(tenant_id, gateway, group.id) for group in groups]


async def _record_group(uow: UnitOfWork, tenant_id: int, activity: RedPacketActivity, group_id: str,
                        source: str | None, cap: int) -> Reward:
    campaign = await find_campaign(tenant_id, activity.campaign_id)  # type: ignore[attr-defined]
    budget = await Account.get(id=campaign.budget_account_id)  # type: ignore[attr-defined]
    in_flight = await provider_clearing_account(tenant_id, GROUP_IN_FLIGHT_OWNER, "CNY")
    reward = await Reward.create(
        tenant_id=tenant_id, kind=RewardKind.RED_PACKET, status=RewardStatus.PENDING, provider=PROVIDER,
        campaign_id=campaign.id, member_id="", asset="CNY", amount=activity.max_fen * cap,
        details={"cashRedpackId": activity.cash_redpack_id, "type": activity.type.value, "source": source,
                 "groupId": group_id, "groupSend": True, "perMemberFen": activity.max_fen,
                 "maxMembers": cap, "sentAt": now().isoformat()},
    )
    uow.emit("reward.created", reward_id=reward.id, campaign_id=campaign.id,
             data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER,
                   "groupId": group_id})
    await create_transfer(uow, debit=budget, credit=in_flight, amount=reward.amount, pending=True,
                          reward_id=reward.id)
    return reward


class Untraceable(Exception):
    """The platform lists group sends without the ids that tie one to its packets (the seed's shape)."""


async def split_group(tenant_id: int, gateway: Any, group_reward_id: int) -> Reward:
    """Finds the group's send and its packets on the platform, and moves the hold to each member."""
    group = await Reward.get(id=group_reward_id)
    if group.status is not RewardStatus.PENDING and group.status is not RewardStatus.UNKNOWN:
        return group
    try:
        packets = await _group_packets(tenant_id, gateway, group)
    except Untraceable as exc:
        return await record_state(tenant_id, group.id, None, RewardStatus.NEEDS_ATTENTION, str(exc))
    except Exception as exc:  # noqa: BLE001 - a failed read tells nothing; the group waits for a refresh
        return await record_state(tenant_id, group.id, None, None,
                                  f"reading the platform failed ({type(exc).__name__}); the next refresh looks again")
    if packets is None:
        if group.status is RewardStatus.UNKNOWN:
            return await hold_if_long_unlisted(tenant_id, gateway, group, "send to this group")
        return await record_state(tenant_id, group.id, None, None,
                                  "sent; the platform does not list the group send yet")
    send_id, records = packets
    try:
        split = await run_write(tenant_id, lambda uow: _split(uow, group.id, send_id, records))
    except LedgerError as exc:  # more members than the cap, and the budget cannot cover the rest
        await record_state(tenant_id, group.id, None, RewardStatus.NEEDS_ATTENTION,
                           f"{len(records)} packets were sent but could not all be held: {exc.message}")
        return await Reward.get(id=group.id)
    if not split:
        return await record_state(tenant_id, group.id, None, None,
                                  f"the platform's group send {send_id} was taken by another reward; the next "
                                  "refresh looks again")
    return await Reward.get(id=group.id)


async def _group_packets(tenant_id: int, gateway: Any, group: Reward) -> tuple[str, list[Any]] | None:
    since = datetime.fromisoformat(group.details["sentAt"]) - CLOCK_SLACK
    cash_redpack_id = int(group.details["cashRedpackId"])
    summaries = (await gateway.list_group_sends(cash_redpack_id=cash_redpack_id, since=since)).records
    if any(s.id is None or s.wx_group_id is None for s in summaries):
        raise Untraceable("the platform's group list does not name each send's id and group (the seed's rows "
                          "carry neither), so this send cannot be tied to its packets: its hold stays for a "
                          "person to settle")
    linked = await provider_links.held_by_others(tenant_id, PROVIDER, (f"{GROUP_SEND_PREFIX}{s.id}" for s in summaries),
                                                 group.id)
    mine = [s for s in summaries
            if str(s.wx_group_id) == group.details["groupId"] and f"{GROUP_SEND_PREFIX}{s.id}" not in linked]
    if not mine:
        return None
    send_id = str(sorted(mine, key=lambda s: str(s.sent_at or ""))[0].id)
    packets: list[Any] = []
    for page in range(1, MAX_LIST_PAGES + 1):
        listed = await gateway.list_sends(cash_redpack_id=cash_redpack_id, group_id=int(send_id), since=since,
                                          page=page, page_size=100)
        packets += listed.records
        if not listed.has_next:
            break
    return send_id, packets


async def _split(uow: UnitOfWork, group_id: int, send_id: str, packets: list[Any]) -> bool:
    """Links the group send to the group's reward and moves its hold to a reward per packet; False when
    another group's reward holds that send. A packet another reward already holds (a personal send's
    reward can list a group's packet of its member and activity) is that reward's to pay, not held twice."""
    group = await Reward.get(id=group_id)
    hold = await Transfer.get_or_none(reward_id=group.id, state=TransferState.PENDING).prefetch_related(
        "debit_account")
    if hold is None:
        return True  # split already
    if not await provider_links.take(group.tenant_id, PROVIDER, f"{GROUP_SEND_PREFIX}{send_id}",  # type: ignore[attr-defined]
                                     group.id):
        return False
    group.provider_refs = {**group.provider_refs, "groupSendId": send_id}
    await resolve_pending(uow, hold, post_amount=None)
    activity_max = int(group.details["perMemberFen"])
    held_elsewhere = 0
    for packet in packets:
        if await provider_links.holder_of(group.tenant_id, PROVIDER, record_reference(packet.id)) is not None:  # type: ignore[attr-defined]
            held_elsewhere += 1
            continue
        member_id = check_uid(str(packet.uid))
        wallet = await member_wallet(group.tenant_id, member_id, "CNY")  # type: ignore[attr-defined]
        reward = await Reward.create(
            tenant_id=group.tenant_id, kind=RewardKind.RED_PACKET, status=RewardStatus.PENDING,  # type: ignore[attr-defined]
            provider=PROVIDER, campaign_id=group.campaign_id, member_id=member_id, asset="CNY",  # type: ignore[attr-defined]
            amount=activity_max, provider_refs={"recordId": str(packet.id)},
            details={**{k: v for k, v in group.details.items() if k != "groupSend"}, "groupSendOf": group.id},
        )
        await provider_links.take(group.tenant_id, PROVIDER, record_reference(packet.id), reward.id)  # type: ignore[attr-defined]
        uow.emit("reward.created", reward_id=reward.id, member_id=member_id,
                 data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
        await create_transfer(uow, debit=hold.debit_account, credit=wallet, amount=activity_max, pending=True,
                              reward_id=reward.id, member_id=member_id)
    group.details = {**group.details, "members": len(packets), "reason": "split into member packets",
                     **({"packetsHeldElsewhere": held_elsewhere} if held_elsewhere else {})}
    await group.save(update_fields=["details", "provider_refs"])
    await change_status(uow, group, RewardStatus.VOIDED, f"split into {len(packets)} member packets")
    return True
