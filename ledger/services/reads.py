"""Scoped, paginated reads. Every read starts from the principal: a tenant's own rows, and for a member
token only that member's. A row outside the scope is indistinguishable from one that does not exist."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from ledger.domain.access import Principal
from ledger.persistence.models import Account, Campaign, Event, Reward, Transfer

M = TypeVar("M", bound=Model)
Row = TypeVar("Row")


@dataclass
class Page(Generic[Row]):
    items: list[Row]
    has_next: bool
    # Counts every row of the query (not only the page's) when called: a COUNT(*) is not free, so only
    # a caller that shows the total pays for it.
    count_all: Callable[[], Awaitable[int]]


async def paginate(query: QuerySet[M], *, first: int, after: int | None, key: str = "id",
                   descending: bool = False) -> Page[M]:
    """Keyset pagination in `key` order: stable under concurrent inserts, unlike offsets. Newest first
    (`descending`) pages on from the cursor downwards."""
    window = query if after is None else query.filter(**{f"{key}__lt" if descending else f"{key}__gt": after})
    rows = await window.order_by(f"-{key}" if descending else key).limit(first + 1)
    return Page(items=rows[:first], has_next=len(rows) > first, count_all=lambda: query.count())


async def by_ids(model: type[M], principal: Principal, ids: Iterable[int | None]) -> dict[int, M]:
    """The tenant's rows of `model` with these ids, in one query: what a page's rows link to."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.pk: row for row in await model.filter(id__in=wanted, tenant_id=principal.tenant_id)}


def campaigns(principal: Principal) -> QuerySet[Campaign]:
    return Campaign.filter(tenant_id=principal.tenant_id)


def accounts(principal: Principal, *, member_id: str | None = None, asset: str | None = None,
             kind: str | None = None) -> QuerySet[Account]:
    query = Account.filter(tenant_id=principal.tenant_id)
    if principal.is_member:
        query = query.filter(member_id=principal.member_id)
    filters: dict[str, Any] = {"member_id": member_id, "asset": asset, "kind": kind}
    return query.filter(**{k: v for k, v in filters.items() if v is not None})


def rewards(principal: Principal, *, kind: str | None = None, status: str | None = None,
            provider: str | None = None, campaign_id: int | None = None, member_id: str | None = None,
            created_after: datetime | None = None, created_before: datetime | None = None) -> QuerySet[Reward]:
    query = Reward.filter(tenant_id=principal.tenant_id)
    if principal.is_member:
        query = query.filter(member_id=principal.member_id)
    filters: dict[str, Any] = {
        "kind": kind, "status": status, "provider": provider, "campaign_id": campaign_id,
        "member_id": member_id, "created_at__gt": created_after, "created_at__lt": created_before,
    }
    return query.filter(**{k: v for k, v in filters.items() if v is not None})


def transfers(principal: Principal, *, account_id: int | None = None, state: str | None = None,
              reward_id: int | None = None) -> QuerySet[Transfer]:
    query = Transfer.filter(tenant_id=principal.tenant_id)
    if principal.is_member:
        query = query.filter(Q(debit_account__member_id=principal.member_id)
                             | Q(credit_account__member_id=principal.member_id))
    if account_id is not None:
        query = query.filter(Q(debit_account_id=account_id) | Q(credit_account_id=account_id))
    filters: dict[str, Any] = {"state": state, "reward_id": reward_id}
    return query.filter(**{k: v for k, v in filters.items() if v is not None})


def events(principal: Principal) -> QuerySet[Event]:
    query = Event.filter(tenant_id=principal.tenant_id, sequence__isnull=False)  # numbered: in the log
    if principal.is_member:
        query = query.filter(member_id=principal.member_id)
    return query
