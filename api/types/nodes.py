"""The ledger's objects as GraphQL nodes. Each wraps its row (private) and resolves links through the
request's DataLoaders, so a list never costs one query per item."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON

from api.context import AppContext, Info, principal_of
from api.errors import forbidden
from api.ids import encode_id
from api.item_shapes import NOT_AT_ONCE, answers_at_once
from api.types.enums import AccountKind, Resolution, RewardKind, RewardStatus, Role, TransferState
from api.types.money import Balance, Money
from ledger.persistence import models
from ledger.persistence.resolution_models import RewardResolution

R = TypeVar("R")


# The rows of a link that a list resolver loaded for its whole page in one query, by id (api/page_links.py);
# one mapping shared by the page's nodes. A node made without it loads the link through the request's
# DataLoader instead.
#
# Link resolvers are plain functions that answer the node at once when its link was loaded with the page, and
# otherwise answer the DataLoader's awaitable (graphql-core awaits whatever a resolver answers). An async
# resolver would cost every node of a page a coroutine and an await, as much as the rest of its fields.
# Each one's `linked_*` method is its shortcut (api/item_shapes.answers_at_once): a list's shapes call it.
PageRows = Mapping[int, R]
N = TypeVar("N")

# Nodes made from rows are made without their dataclass __init__: `_new(cls)` and the same attributes the
# __init__ would set (tests/unit/test_node_construction.py holds the two equal). A page makes a node per row
# and per link, and the generated __init__ with keywords costs twice the object it makes.
_new = object.__new__


def _linked(row_id: int | None, page_rows: PageRows[R] | None, node_of: Callable[[R], N]) -> N | None | object:
    """A link's node from the rows loaded with the page: None when there is no link (or the page found no
    row: not visible), NOT_AT_ONCE when the page did not load them."""
    if not row_id:
        return None
    if page_rows is None:
        return NOT_AT_ONCE
    row = page_rows.get(row_id)
    return node_of(row) if row is not None else None


@strawberry.interface(description="An object with an opaque global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


def row_id(type_name: str) -> strawberry.ID:
    """The `id` of a node made from a row, encoded only when asked for: a page's links (a campaign's budget,
    an event's transfer) are made as nodes whose ids are rarely selected."""
    def encoded(self: Any) -> strawberry.ID:
        return encode_id(type_name, self.row.id)  # type: ignore[return-value]  # an ID is a str: no NewType call
    return strawberry.field(resolver=encoded)  # type: ignore[no-any-return]


def row_field(attribute: str, description: str | None = None) -> Any:
    """A field that answers the node's row's attribute. A node is made from its row alone, whichever fields
    are asked for: a page's links (an event's reward) are made in full for the one or two fields asked of
    them. Marked, so that a list's shapes read `row.<attribute>` without calling the resolver."""
    def read(self: Any) -> Any:
        return getattr(self.row, attribute)
    read.__reads_row__ = attribute  # type: ignore[attr-defined]  # api/item_shapes.py
    return strawberry.field(resolver=read, description=description)


@strawberry.type
class Tenant(Node):
    name: str

    @classmethod
    def from_row(cls, row: models.Tenant) -> Tenant:
        return cls(id=strawberry.ID(encode_id("Tenant", row.id)), name=row.name)


@strawberry.type(description="Who is asking.")
class Viewer:
    tenant: Tenant
    role: Role
    member_id: str | None


@strawberry.type(description="Holds one asset for one owner.")
class Account(Node):
    row: strawberry.Private[models.Account]
    id: strawberry.ID = row_id("Account")
    asset: str = row_field("asset")
    kind: AccountKind = row_field("kind")
    member_id: str | None = row_field("member_id")
    created_at: datetime = row_field("created_at")

    @classmethod
    def from_row(cls, row: models.Account) -> Account:
        node = _new(cls)
        node.row = row
        return node

    def balance_of(self, context: AppContext) -> Balance:
        principal = context.require_principal()
        if principal.is_member and self.row.member_id != principal.member_id:
            raise forbidden("read the balance of an account that is not yours")
        return Balance.of(self.row)

    @strawberry.field
    @answers_at_once(balance_of)
    def balance(self, info: Info) -> Balance:
        return self.balance_of(info.context)


@strawberry.type
class Campaign(Node):
    row: strawberry.Private[models.Campaign]
    id: strawberry.ID = row_id("Campaign")
    name: str = row_field("name")
    asset: str = row_field("asset")
    created_at: datetime = row_field("created_at")
    page_budgets: strawberry.Private[PageRows[models.Account] | None] = None

    @classmethod
    def from_row(cls, row: models.Campaign, page_budgets: PageRows[models.Account] | None = None) -> Campaign:
        node = _new(cls)
        node.row, node.page_budgets = row, page_budgets
        return node

    def linked_budget(self, context: AppContext) -> Account | object:
        """The budget when it was loaded with the page; NOT_AT_ONCE when the request's loader must get it."""
        if context.require_principal().is_member:
            raise forbidden("read a campaign's budget")
        if self.page_budgets is not None:
            budget = self.page_budgets.get(self.row.budget_account_id)  # type: ignore[attr-defined]
            if budget is not None:
                return Account.from_row(budget)
        return NOT_AT_ONCE

    @strawberry.field(description="The account that funds this campaign's rewards.")
    @answers_at_once(linked_budget)
    def budget(self, info: Info) -> Account:
        answer = self.linked_budget(info.context)
        if answer is NOT_AT_ONCE:
            return _account(info, self.row.budget_account_id)  # type: ignore[attr-defined,return-value]
        return answer  # type: ignore[return-value]


@strawberry.type(description="Moves an amount of one asset from a debit account to a credit account.")
class Transfer(Node):
    row: strawberry.Private[models.Transfer]
    id: strawberry.ID = row_id("Transfer")
    state: TransferState = row_field("state")
    created_at: datetime = row_field("created_at")
    expires_at: datetime | None = row_field("expires_at")
    resolved_at: datetime | None = row_field("resolved_at")

    @classmethod
    def from_row(cls, row: models.Transfer) -> Transfer:
        node = _new(cls)
        node.row = row
        return node

    @strawberry.field(description="The amount moved, or held while pending.")
    def amount(self) -> Money:
        return Money.of(self.row.amount, self.row.asset)

    @strawberry.field(description="What a resolved transfer posted (less than `amount` after a partial post; 0 "
                      "when voided); null while pending.")
    def posted_amount(self) -> Money | None:
        posted = self.row.posted_amount
        return None if posted is None else Money.of(posted, self.row.asset)

    @strawberry.field
    async def debit_account(self, info: Info) -> Account:
        return Account.from_row(await info.context.loaders.account.load(self.row.debit_account_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def credit_account(self, info: Info) -> Account:
        return Account.from_row(await info.context.loaders.account.load(self.row.credit_account_id))  # type: ignore[attr-defined]

    @strawberry.field(description="The transfer this one corrects, if it is a reversal.")
    async def reverses(self, info: Info) -> Transfer | None:
        reverses_id = self.row.reverses_id  # type: ignore[attr-defined]
        if reverses_id is None:
            return None
        return Transfer.from_row(await info.context.loaders.transfer.load(reverses_id))

    @strawberry.field
    async def reward(self, info: Info) -> Annotated[Reward, strawberry.lazy("api.types.nodes")] | None:
        reward_id = self.row.reward_id  # type: ignore[attr-defined]
        if reward_id is None:
            return None
        row = await info.context.loaders.reward.load(reward_id)
        principal = principal_of(info)
        if row is None or (principal.is_member and row.member_id != principal.member_id):
            return None
        return Reward.from_row(row)


@strawberry.type(description="How a person settled a reward no job could (resolveReward), who, and why.")
class ResolutionRecord:
    resolution: Resolution
    note: str
    amount: Money | None = strawberry.field(description="What PAY posted; null for VOID (or a PAY moving nothing).")
    resolved_by: strawberry.ID | None = strawberry.field(description="The admin API key that resolved it.")
    resolved_at: datetime

    @classmethod
    def from_row(cls, row: RewardResolution, asset: str) -> ResolutionRecord:
        key_id = row.api_key_id  # type: ignore[attr-defined]
        return cls(resolution=row.resolution, note=row.note,
                   amount=Money.of(row.amount, asset) if row.amount is not None else None,
                   resolved_by=strawberry.ID(encode_id("ApiKey", key_id)) if key_id is not None else None,
                   resolved_at=row.created_at)


@strawberry.type(description="What a member sees: a draw, a coupon issue, a red packet, a ticket prize.")
class Reward(Node):
    row: strawberry.Private[models.Reward]
    id: strawberry.ID = row_id("Reward")
    kind: RewardKind = row_field("kind")
    status: RewardStatus = row_field("status")
    provider: str | None = row_field("provider")
    member_id: str = row_field("member_id")
    created_at: datetime = row_field("created_at")
    updated_at: datetime = row_field("updated_at")

    page_campaigns: strawberry.Private[PageRows[models.Campaign] | None] = None

    @classmethod
    def from_row(cls, row: models.Reward, page_campaigns: PageRows[models.Campaign] | None = None) -> Reward:
        node = _new(cls)
        node.row, node.page_campaigns = row, page_campaigns
        return node

    @strawberry.field
    def amount(self) -> Money:
        return Money.of(self.row.amount, self.row.asset)

    @strawberry.field(description="How often the status-sync job has asked the provider about it.")
    def sync_attempts(self) -> int:
        return self.row.sync_attempts

    @strawberry.field(description="When the status-sync job asks next; null when it is not waiting to.")
    def next_sync_at(self) -> datetime | None:
        return self.row.next_sync_at

    @strawberry.field(description="Why it was handed to a person (NEEDS_ATTENTION), when a job did that.")
    def attention_reason(self) -> str | None:
        return self.row.attention_reason

    @strawberry.field(description="How a person settled it (resolveReward); null until then, and for member "
                      "tokens (the note is the operators').")
    async def resolution(self, info: Info) -> ResolutionRecord | None:
        if principal_of(info).is_member:
            return None
        row = await info.context.loaders.resolution_by_reward.load(self.row.id)
        return ResolutionRecord.from_row(row, self.row.asset) if row is not None else None

    def linked_campaign(self, context: AppContext) -> Campaign | None | object:
        """The campaign when it was loaded with the page (or there is none to show); else NOT_AT_ONCE."""
        if context.require_principal().is_member:
            return None
        return _linked(self.row.campaign_id, self.page_campaigns, Campaign.from_row)  # type: ignore[attr-defined]

    @strawberry.field(description="The funding campaign; null when a provider's prize pool funds it, and for "
                      "member tokens (a campaign is the operator's configuration).")
    @answers_at_once(linked_campaign)
    def campaign(self, info: Info) -> Campaign | None:
        answer = self.linked_campaign(info.context)
        if answer is NOT_AT_ONCE:
            return _campaign(info, self.row.campaign_id)  # type: ignore[attr-defined,return-value]
        return answer  # type: ignore[return-value]

    @strawberry.field
    async def transfers(self, info: Info) -> list[Transfer]:
        return [Transfer.from_row(t) for t in await info.context.loaders.transfers_by_reward.load(self.row.id)]

    @strawberry.field(description="The reward's history, oldest first: every event that names it.")
    async def events(self, info: Info) -> list[Event]:
        principal = principal_of(info)
        rows = await info.context.loaders.events_by_reward.load(self.row.id)
        # A member sees the events of its own rewards that name it, as the events query shows them.
        visible = [row for row in rows if not principal.is_member or row.member_id == principal.member_id]
        return [Event.from_row(row) for row in visible]

    @strawberry.field(description="The provider's references (order numbers, serial numbers).")
    def provider_refs(self) -> JSON:
        return JSON(self.row.provider_refs)

    @strawberry.field(description="Provider-specific details of the reward (award names, validity).")
    def details(self) -> JSON:
        # Sealed (encrypted) personal data is kept for replaying a request, never shown.
        return JSON({k: v for k, v in self.row.details.items() if not k.startswith("sealed")})


@strawberry.type(description="An entry of the append-only log: every status change and every transfer.")
class Event(Node):
    row: strawberry.Private[models.Event]
    id: strawberry.ID = row_id("Event")
    sequence: int = row_field("sequence", description="Gap-free per tenant; resume a feed with `after:`.")
    type: str = row_field("type")
    member_id: str | None = row_field("member_id")
    data: JSON = row_field("data")
    created_at: datetime = row_field("created_at")

    page_rewards: strawberry.Private[PageRows[models.Reward] | None] = None
    page_transfers: strawberry.Private[PageRows[models.Transfer] | None] = None

    @classmethod
    def from_row(cls, row: models.Event, page_rewards: PageRows[models.Reward] | None = None,
                 page_transfers: PageRows[models.Transfer] | None = None) -> Event:
        node = _new(cls)
        node.row, node.page_rewards, node.page_transfers = row, page_rewards, page_transfers
        return node

    def linked_reward(self, context: AppContext | None = None) -> Reward | None | object:
        """The reward when it was loaded with the page (or there is none); else NOT_AT_ONCE. (An event's reward
        is shown to whoever sees the event: the context is the shortcut's signature.)"""
        return _linked(self.row.reward_id, self.page_rewards, Reward.from_row)  # type: ignore[attr-defined]

    @strawberry.field
    @answers_at_once(linked_reward)
    def reward(self, info: Info) -> Reward | None:
        answer = self.linked_reward()
        return _reward(info, self.row.reward_id) if answer is NOT_AT_ONCE else answer  # type: ignore[attr-defined,return-value]

    def linked_transfer(self, context: AppContext | None = None) -> Transfer | None | object:
        """The transfer when it was loaded with the page (or there is none); else NOT_AT_ONCE."""
        return _linked(self.row.transfer_id, self.page_transfers, Transfer.from_row)  # type: ignore[attr-defined]

    @strawberry.field
    @answers_at_once(linked_transfer)
    def transfer(self, info: Info) -> Transfer | None:
        answer = self.linked_transfer()
        return _transfer(info, self.row.transfer_id) if answer is NOT_AT_ONCE else answer  # type: ignore[attr-defined,return-value]

    @strawberry.field(description="The campaign the event concerns; null for member tokens (a campaign is the "
                      "operator's configuration).")
    async def campaign(self, info: Info) -> Campaign | None:
        if self.row.campaign_id is None or principal_of(info).is_member:
            return None
        row = await info.context.loaders.campaign.load(self.row.campaign_id)
        return Campaign.from_row(row) if row else None


@strawberry.type(description="An operator credential. Its secret is shown once, when it is created.")
class ApiKey(Node):
    role: Role
    prefix: str
    label: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: models.ApiKey) -> ApiKey:
        return cls(id=strawberry.ID(encode_id("ApiKey", row.id)), role=Role(row.role), prefix=row.prefix,
                   label=row.label, created_at=row.created_at, revoked_at=row.revoked_at)


# The DataLoader paths of the link resolvers above, for nodes that were not loaded with a page.
async def _account(info: Info, account_id: int) -> Account:
    return Account.from_row(await info.context.loaders.account.load(account_id))


async def _campaign(info: Info, campaign_id: int) -> Campaign | None:
    row = await info.context.loaders.campaign.load(campaign_id)
    return Campaign.from_row(row) if row else None


async def _reward(info: Info, reward_id: int) -> Reward | None:
    row = await info.context.loaders.reward.load(reward_id)
    return Reward.from_row(row) if row else None


async def _transfer(info: Info, transfer_id: int) -> Transfer | None:
    row = await info.context.loaders.transfer.load(transfer_id)
    return Transfer.from_row(row) if row else None
