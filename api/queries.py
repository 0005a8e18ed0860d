"""The Query root: reads scoped to the caller's tenant (and, for member tokens, to that member)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from tortoise.queryset import QuerySet

from api import page_links
from api.context import Info, principal_of, require_operator_view, require_role, visible_to
from api.errors import invalid_argument
from api.ids import decode_id, decode_id_of
from api.jobs_api import job_run_node
from api.reconciliation_api import RECONCILIATION_NODES, reconciliation_node
from api.types.connections import Connection, connection_of, cursor_position, page_size
from api.types.enums import AccountKind, RewardKind, RewardStatus, TransferState
from api.types.nodes import Account, ApiKey, Campaign, Event, Node, Reward, Tenant, Transfer, Viewer
from api.types.ordering import CreationOrder, newest_first
from ledger.domain.access import Principal, Role
from ledger.persistence import models
from ledger.services import reads


@strawberry.input
class AccountFilter:
    member_id: str | None = None
    asset: str | None = None
    kind: AccountKind | None = None


@strawberry.input
class RewardFilter:
    kind: RewardKind | None = None
    status: RewardStatus | None = None
    provider: str | None = None
    campaign_id: strawberry.ID | None = None
    member_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@strawberry.input
class TransferFilter:
    account_id: strawberry.ID | None = None
    reward_id: strawberry.ID | None = None
    state: TransferState | None = None


def _filter_id(type_name: str, name: str, value: strawberry.ID | None) -> int | None:
    """A filter ID that is not one of ours is a client mistake; a foreign one simply matches nothing."""
    if value is None:
        return None
    db_id = decode_id_of(type_name, value)
    if db_id is None:
        raise invalid_argument(name, f"not a {type_name} ID")
    return db_id


def _filter_text(name: str, value: str | None, max_length: int) -> str | None:
    """The column holds at most `max_length` characters; the ORM refuses to compare anything longer."""
    if value is not None and len(value) > max_length:
        raise invalid_argument(name, f"at most {max_length} characters")
    return value


def _filter_time(name: str, value: datetime | None) -> datetime | None:
    """In UTC (naive means UTC), so the database compares instants; some offsets push it out of range."""
    if value is None:
        return None
    try:
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(UTC)
    except OverflowError:
        raise invalid_argument(name, "out of range once converted to UTC") from None


def rewards_matching(principal: Principal, filter: RewardFilter | None) -> QuerySet[models.Reward]:
    """The caller's rewards that `filter` selects (the rewards query and the rewardUpdated subscription)."""
    f = filter or RewardFilter()
    return reads.rewards(
        principal,
        kind=f.kind.value if f.kind else None,
        status=f.status.value if f.status else None,
        provider=_filter_text("filter.provider", f.provider, 40),
        campaign_id=_filter_id("Campaign", "filter.campaignId", f.campaign_id),
        member_id=_filter_text("filter.memberId", f.member_id, 64),
        created_after=_filter_time("filter.createdAfter", f.created_after),
        created_before=_filter_time("filter.createdBefore", f.created_before),
    )


_NODE_TYPES = {
    "Account": (Account, "account"),
    "Campaign": (Campaign, "campaign"),
    "Reward": (Reward, "reward"),
    "Transfer": (Transfer, "transfer"),
}


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global ID; null when unknown or not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        principal = principal_of(info)
        decoded = decode_id(id)
        if decoded is None:
            return None
        type_name, db_id = decoded
        if type_name == "Tenant":
            tenant = await models.Tenant.get_or_none(id=db_id) if db_id == principal.tenant_id else None
            return Tenant.from_row(tenant) if tenant else None
        if type_name == "Event":
            row = await reads.events(principal).get_or_none(id=db_id)
            return Event.from_row(row) if row else None
        if type_name == "JobRun":
            return await job_run_node(principal, db_id)
        if type_name in RECONCILIATION_NODES:
            return await reconciliation_node(principal, type_name, db_id)
        if type_name not in _NODE_TYPES:
            return None
        if type_name == "Campaign" and principal.is_member:
            return None
        node_type, loader_name = _NODE_TYPES[type_name]
        row = await getattr(info.context.loaders, loader_name).load(db_id)
        if type_name == "Transfer" and row is not None and principal.is_member:
            row = await reads.transfers(principal).get_or_none(id=db_id)  # type: ignore[assignment]
        elif type_name in ("Account", "Reward"):
            row = next(iter(visible_to(principal, [row])), None)
        return node_type.from_row(row) if row is not None else None  # type: ignore[attr-defined]

    @strawberry.field
    async def viewer(self, info: Info) -> Viewer:
        principal = principal_of(info)
        tenant = await models.Tenant.get(id=principal.tenant_id)
        return Viewer(tenant=Tenant.from_row(tenant), role=principal.role, member_id=principal.member_id)

    @strawberry.field
    async def campaigns(self, info: Info, first: int | None = None, after: str | None = None
                        ) -> Connection[Campaign]:
        principal = require_operator_view(info, "campaigns")
        page = await reads.paginate(reads.campaigns(principal), first=page_size(first), after=cursor_position(after))
        return connection_of(page, await page_links.campaign_nodes(info, principal, page.items), lambda row: row.id)

    @strawberry.field
    async def campaign(self, info: Info, id: strawberry.ID) -> Campaign | None:
        principal = require_operator_view(info, "campaigns")
        db_id = decode_id_of("Campaign", id)
        row = await reads.campaigns(principal).get_or_none(id=db_id) if db_id else None
        return Campaign.from_row(row) if row else None

    @strawberry.field
    async def accounts(self, info: Info, first: int | None = None, after: str | None = None,
                       filter: AccountFilter | None = None) -> Connection[Account]:
        principal = principal_of(info)
        f = filter or AccountFilter()
        query = reads.accounts(principal, member_id=_filter_text("filter.memberId", f.member_id, 64),
                               asset=_filter_text("filter.asset", f.asset, 80),
                               kind=f.kind.value if f.kind else None)
        page = await reads.paginate(query, first=page_size(first), after=cursor_position(after))
        return connection_of(page, Account.from_row, lambda row: row.id)

    @strawberry.field
    async def account(self, info: Info, id: strawberry.ID) -> Account | None:
        db_id = decode_id_of("Account", id)
        row = await reads.accounts(principal_of(info)).get_or_none(id=db_id) if db_id else None
        return Account.from_row(row) if row else None

    @strawberry.field
    async def transfers(self, info: Info, first: int | None = None, after: str | None = None,
                        filter: TransferFilter | None = None) -> Connection[Transfer]:
        principal = principal_of(info)
        f = filter or TransferFilter()
        query = reads.transfers(
            principal,
            account_id=_filter_id("Account", "filter.accountId", f.account_id),
            reward_id=_filter_id("Reward", "filter.rewardId", f.reward_id),
            state=f.state.value if f.state else None,
        )
        page = await reads.paginate(query, first=page_size(first), after=cursor_position(after))
        return connection_of(page, Transfer.from_row, lambda row: row.id)

    @strawberry.field
    async def transfer(self, info: Info, id: strawberry.ID) -> Transfer | None:
        db_id = decode_id_of("Transfer", id)
        row = await reads.transfers(principal_of(info)).get_or_none(id=db_id) if db_id else None
        return Transfer.from_row(row) if row else None

    @strawberry.field
    async def rewards(self, info: Info, first: int | None = None, after: str | None = None,
                      filter: RewardFilter | None = None, order_by: CreationOrder | None = None
                      ) -> Connection[Reward]:
        principal = principal_of(info)
        query = rewards_matching(principal, filter)
        page = await reads.paginate(query, first=page_size(first), after=cursor_position(after),
                                    descending=newest_first(order_by))
        return connection_of(page, await page_links.reward_nodes(info, principal, page.items), lambda row: row.id)

    @strawberry.field
    async def reward(self, info: Info, id: strawberry.ID) -> Reward | None:
        db_id = decode_id_of("Reward", id)
        row = await reads.rewards(principal_of(info)).get_or_none(id=db_id) if db_id else None
        return Reward.from_row(row) if row else None

    @strawberry.field(description="The event log in sequence order; `after` is a sequence number.")
    async def events(self, info: Info, after: int | None = None, first: int | None = None) -> Connection[Event]:
        principal = principal_of(info)
        if after is not None and after < 0:
            raise invalid_argument("after", "a sequence number is 0 or more")
        page = await reads.paginate(reads.events(principal), first=page_size(first), after=after, key="sequence")
        return connection_of(page, await page_links.event_nodes(info, principal, page.items), lambda row: row.sequence)

    @strawberry.field(description="The tenant's operator API keys (admins only).")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        principal = require_role(info, Role.ADMIN, "list API keys")
        rows = await models.ApiKey.filter(tenant_id=principal.tenant_id).order_by("id")
        return [ApiKey.from_row(row) for row in rows]
