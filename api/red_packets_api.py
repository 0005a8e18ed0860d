"""GraphQL for cash red packets: activities, sends, refreshes, and the sends the ledger holds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import strawberry

from api.context import Info, principal_of, require_operator_view, require_role
from api.errors import UserError
from api.mutations import attempt, require_id
from api.scalars import MinorUnits
from api.types.connections import Connection, connection_of, cursor_position, page_size
from api.types.enums import RewardStatus
from api.types.money import Money
from api.types.nodes import Campaign, Reward
from ledger.domain.access import Role
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import RewardKind
from ledger.persistence import models
from ledger.persistence.red_packet_models import RedPacketActivity as ActivityRow
from ledger.persistence.red_packet_models import RedPacketType
from ledger.services import reads, red_packet_groups, red_packet_scans, red_packets
from ledger.services.sync import sync_reward

strawberry.enum(RedPacketType, description="FIXED: one amount; RANDOM: an amount within a range.")


@strawberry.enum(description="Where a packet came from, as the platform records it (1-6).")
class RedPacketSource(StrEnum):
    SCAN = "SCAN"
    MANUAL = "MANUAL"
    DRAW = "DRAW"
    PURCHASE_GIFT = "PURCHASE_GIFT"
    GAME = "GAME"
    OPEN = "OPEN"


@strawberry.type(description="A platform red-packet activity and the campaign that funds it.")
class RedPacketActivity:
    row: strawberry.Private[ActivityRow]
    cash_redpack_id: int
    name: str
    type: RedPacketType
    min_value: Money
    max_value: Money
    updated_at: datetime

    @classmethod
    def from_row(cls, row: ActivityRow) -> RedPacketActivity:
        return cls(row=row, cash_redpack_id=row.cash_redpack_id, name=row.name, type=row.type,
                   min_value=Money.of(row.min_fen, "CNY"), max_value=Money.of(row.max_fen, "CNY"),
                   updated_at=row.updated_at)

    @strawberry.field
    async def campaign(self, info: Info) -> Campaign | None:
        row = await info.context.loaders.campaign.load(self.row.campaign_id)  # type: ignore[attr-defined]
        return Campaign.from_row(row) if row else None


@strawberry.input
class DefineRedPacketActivityInput:
    cash_redpack_id: int
    campaign_id: strawberry.ID
    min_value: MinorUnits
    max_value: MinorUnits
    name: str | None = None
    type: RedPacketType = RedPacketType.FIXED


@strawberry.type
class DefineRedPacketActivityPayload:
    activity: RedPacketActivity | None
    user_errors: list[UserError]


@strawberry.input
class SendRedPacketInput:
    cash_redpack_id: int
    member_ids: list[str] = strawberry.field(description="The platform's numeric uids, 1-100.")
    idempotency_key: str
    source: RedPacketSource | None = None


@strawberry.type
class SendRedPacketPayload:
    rewards: list[Reward]
    user_errors: list[UserError]


@strawberry.input
class RefreshRedPacketStatusInput:
    reward_id: strawberry.ID


@strawberry.type
class RefreshRedPacketStatusPayload:
    reward: Reward | None
    user_errors: list[UserError]


@strawberry.input
class ResendRedPacketInput:
    reward_id: strawberry.ID
    idempotency_key: str


@strawberry.type
class ResendRedPacketPayload:
    reward: Reward | None
    user_errors: list[UserError]


@strawberry.input
class SendRedPacketToGroupsInput:
    cash_redpack_id: int
    group_ids: list[str] = strawberry.field(description="The platform's group ids (wx_group_id).")
    idempotency_key: str
    source: RedPacketSource | None = None
    max_members_per_group: int = strawberry.field(
        default=100, description="How many members' packets to hold per group before the send; the platform "
        "names the members only afterwards.")


@strawberry.input
class ScanSendRedPacketInput:
    cash_redpack_id: int
    open_id: str = strawberry.field(description="The scanner's open id; passed to the platform, not stored.")
    idempotency_key: str


@strawberry.type
class ScanSendRedPacketPayload:
    reward: Reward | None
    user_errors: list[UserError]


@strawberry.input(description="The platform list's filters (seed 004), applied to the ledger's records.")
class RedPacketSendFilter:
    cash_redpack_id: int | None = None
    member_id: str | None = None
    status: RewardStatus | None = None
    type: RedPacketType | None = None
    source: RedPacketSource | None = None
    group_id: str | None = None
    keyword: str | None = strawberry.field(default=None, description="Part of the activity's name.")
    created_after: datetime | None = None
    created_before: datetime | None = None


def _details_filters(f: RedPacketSendFilter, named_activities: set[int] | None) -> list[Any]:
    checks: list[Any] = []
    if f.cash_redpack_id is not None:
        checks.append(lambda d: d.get("cashRedpackId") == f.cash_redpack_id)
    if f.type is not None:
        checks.append(lambda d: d.get("type") == f.type.value)  # type: ignore[union-attr]
    if f.source is not None:
        checks.append(lambda d: d.get("source") == f.source.value)  # type: ignore[union-attr]
    if f.group_id is not None:
        checks.append(lambda d: d.get("groupId") == f.group_id)
    if named_activities is not None:
        checks.append(lambda d: d.get("cashRedpackId") in named_activities)
    return checks


async def _activity_ids_named(tenant_id: int, keyword: str | None) -> set[int] | None:
    if keyword is None:
        return None
    rows = await ActivityRow.filter(tenant_id=tenant_id, name__icontains=keyword[:30])
    return {row.cash_redpack_id for row in rows}


@strawberry.type
class RedPacketQuery:
    @strawberry.field(description="Red packets sent to members, from the ledger (oldest first).")
    async def red_packet_sends(self, info: Info, first: int | None = None, after: str | None = None,
                               filter: RedPacketSendFilter | None = None) -> Connection[Reward]:
        principal = principal_of(info)
        f = filter or RedPacketSendFilter()
        query = reads.rewards(principal, kind=RewardKind.RED_PACKET.value, provider=red_packets.PROVIDER,
                              member_id=f.member_id[:64] if f.member_id else None,
                              status=f.status.value if f.status else None, created_after=f.created_after,
                              created_before=f.created_before).exclude(member_id="")
        details_filters = _details_filters(f, await _activity_ids_named(principal.tenant_id, f.keyword))
        if details_filters:
            # These live in the reward's details (JSON), which SQLite and PostgreSQL query differently:
            # filter in Python over the ids, then page in SQL.
            matching = [r.id for r in await query if all(check(r.details) for check in details_filters)]
            query = query.filter(id__in=matching)
        page = await reads.paginate(query, first=page_size(first), after=cursor_position(after))
        return connection_of(page, Reward.from_row, lambda row: row.id)

    @strawberry.field(description="Sends to groups, from the ledger (oldest first); each is split into the "
                      "member packets its `redPacketSends` list.")
    async def red_packet_group_sends(self, info: Info, first: int | None = None, after: str | None = None,
                                     cash_redpack_id: int | None = None) -> Connection[Reward]:
        principal = principal_of(info)
        query = reads.rewards(principal, kind=RewardKind.RED_PACKET.value, provider=red_packets.PROVIDER,
                              member_id="")
        groups = [r.id for r in await query if r.details.get("groupSend") and
                  (cash_redpack_id is None or r.details.get("cashRedpackId") == cash_redpack_id)]
        page = await reads.paginate(query.filter(id__in=groups), first=page_size(first), after=cursor_position(after))
        return connection_of(page, Reward.from_row, lambda row: row.id)

    @strawberry.field(description="The tenant's red-packet activities (operators only).")
    async def red_packet_activities(self, info: Info) -> list[RedPacketActivity]:
        principal = require_operator_view(info, "red-packet activities")
        rows = await ActivityRow.filter(tenant_id=principal.tenant_id).order_by("cash_redpack_id")
        return [RedPacketActivity.from_row(row) for row in rows]


@strawberry.type
class RedPacketMutation:
    @strawberry.mutation(description="Admin: tell the ledger about a platform activity and the campaign "
                         "that funds it (an upsert).")
    async def define_red_packet_activity(self, info: Info, input: DefineRedPacketActivityInput
                                         ) -> DefineRedPacketActivityPayload:
        principal = require_role(info, Role.ADMIN, "define red-packet activities")

        async def run() -> ActivityRow:
            return await red_packets.define_activity(
                principal.tenant_id, cash_redpack_id=input.cash_redpack_id,
                campaign_id=require_id("Campaign", "campaignId", input.campaign_id), name=input.name or "",
                packet_type=input.type, min_fen=input.min_value, max_fen=input.max_value)

        row, errors = await attempt(run())
        return DefineRedPacketActivityPayload(activity=RedPacketActivity.from_row(row) if row else None,
                                              user_errors=errors)

    @strawberry.mutation(description="Operator: send an activity's packet to each member (platform uids).")
    async def send_red_packet(self, info: Info, input: SendRedPacketInput) -> SendRedPacketPayload:
        principal = require_role(info, Role.OPERATOR, "send red packets")
        rows, errors = await attempt(red_packets.send_red_packets(
            principal.tenant_id, cash_redpack_id=input.cash_redpack_id, member_ids=input.member_ids,
            source=input.source.value if input.source else None, idempotency_key=input.idempotency_key))
        return SendRedPacketPayload(rewards=[Reward.from_row(r) for r in rows or []], user_errors=errors)

    @strawberry.mutation(description="Operator: send a failed packet again, as a new reward with a new hold.")
    async def resend_red_packet(self, info: Info, input: ResendRedPacketInput) -> ResendRedPacketPayload:
        principal = require_role(info, Role.OPERATOR, "resend red packets")

        async def run() -> models.Reward:
            reward_id = require_id("Reward", "rewardId", input.reward_id)
            return await red_packets.resend_red_packet(principal.tenant_id, reward_id, input.idempotency_key)

        row, errors = await attempt(run())
        return ResendRedPacketPayload(reward=Reward.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Operator: a packet for every member of each group. Returns one reward "
                         "per group, split into member rewards once the platform lists the packets.")
    async def send_red_packet_to_groups(self, info: Info, input: SendRedPacketToGroupsInput) -> SendRedPacketPayload:
        principal = require_role(info, Role.OPERATOR, "send red packets")
        rows, errors = await attempt(red_packet_groups.send_to_groups(
            principal.tenant_id, cash_redpack_id=input.cash_redpack_id, group_ids=input.group_ids,
            source=input.source.value if input.source else None,
            max_members_per_group=input.max_members_per_group, idempotency_key=input.idempotency_key))
        return SendRedPacketPayload(rewards=[Reward.from_row(r) for r in rows or []], user_errors=errors)

    @strawberry.mutation(description="Operator: a packet for whoever scanned the activity's code; the "
                         "platform names the member in its answer.")
    async def scan_send_red_packet(self, info: Info, input: ScanSendRedPacketInput) -> ScanSendRedPacketPayload:
        principal = require_role(info, Role.OPERATOR, "send red packets")
        row, errors = await attempt(red_packet_scans.scan_send_red_packet(
            principal.tenant_id, cash_redpack_id=input.cash_redpack_id, open_id=input.open_id,
            idempotency_key=input.idempotency_key))
        return ScanSendRedPacketPayload(reward=Reward.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Operator: ask the platform about a packet now and record its state.")
    async def refresh_red_packet_status(self, info: Info, input: RefreshRedPacketStatusInput
                                        ) -> RefreshRedPacketStatusPayload:
        principal = require_role(info, Role.OPERATOR, "refresh red packets")

        async def run() -> models.Reward:
            reward_id = require_id("Reward", "rewardId", input.reward_id)
            reward = await models.Reward.get_or_none(id=reward_id, tenant_id=principal.tenant_id)
            if reward is None or reward.provider != red_packets.PROVIDER:
                raise LedgerError(ErrorCode.NOT_FOUND, "no such red packet", field="rewardId")
            return await sync_reward(principal.tenant_id, reward_id)

        row, errors = await attempt(run())
        return RefreshRedPacketStatusPayload(reward=Reward.from_row(row) if row else None, user_errors=errors)
