"""The per-request context: who is asking, and DataLoaders built fresh for this request only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader
from strawberry.litestar.controller import BaseContext
from strawberry.types import Info as StrawberryInfo
from tortoise.models import Model

from api.errors import ApiError, ApiErrorCode, forbidden
from api.settings import Settings
from ledger.domain.access import Principal, Role
from ledger.persistence.models import Account, Campaign, Event, Reward, Transfer
from ledger.persistence.resolution_models import RewardResolution

if TYPE_CHECKING:
    from api.live_transport import LiveConnection


def _by_id_loader(model: type[Model], tenant_id: int, cache: bool = True) -> DataLoader[int, Any]:
    async def load(ids: Sequence[int]) -> list[Any]:
        rows = {row.pk: row for row in await model.filter(id__in=list(set(ids)), tenant_id=tenant_id)}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load, cache=cache)


def _transfers_by_reward_loader(tenant_id: int, cache: bool = True) -> DataLoader[int, list[Transfer]]:
    async def load(reward_ids: Sequence[int]) -> list[list[Transfer]]:
        grouped: dict[int, list[Transfer]] = {i: [] for i in reward_ids}
        for row in await Transfer.filter(tenant_id=tenant_id, reward_id__in=list(set(reward_ids))).order_by("id"):
            grouped[row.reward_id].append(row)  # type: ignore[attr-defined]
        return [grouped[i] for i in reward_ids]

    return DataLoader(load_fn=load, cache=cache)


def _events_by_reward_loader(tenant_id: int, cache: bool = True) -> DataLoader[int, list[Event]]:
    async def load(reward_ids: Sequence[int]) -> list[list[Event]]:
        grouped: dict[int, list[Event]] = {i: [] for i in reward_ids}
        rows = await Event.filter(tenant_id=tenant_id, reward_id__in=list(set(reward_ids)),
                                  sequence__isnull=False).order_by("sequence")
        for row in rows:
            grouped[row.reward_id].append(row)  # type: ignore[attr-defined]
        return [grouped[i] for i in reward_ids]

    return DataLoader(load_fn=load, cache=cache)


def _resolution_by_reward_loader(tenant_id: int, cache: bool = True) -> DataLoader[int, RewardResolution | None]:
    async def load(reward_ids: Sequence[int]) -> list[RewardResolution | None]:
        rows = {row.reward_id: row for row in  # type: ignore[attr-defined]
                await RewardResolution.filter(tenant_id=tenant_id, reward_id__in=list(set(reward_ids)))}
        return [rows.get(i) for i in reward_ids]

    return DataLoader(load_fn=load, cache=cache)


class Loaders:
    """`cache=False` still batches the loads of one tick, but remembers nothing: for a WebSocket, whose
    context lives as long as the connection, so every update shows the rows as they are then."""

    def __init__(self, tenant_id: int, cache: bool = True) -> None:
        self.account = _by_id_loader(Account, tenant_id, cache)
        self.campaign = _by_id_loader(Campaign, tenant_id, cache)
        self.reward = _by_id_loader(Reward, tenant_id, cache)
        self.transfer = _by_id_loader(Transfer, tenant_id, cache)
        self.transfers_by_reward = _transfers_by_reward_loader(tenant_id, cache)
        self.resolution_by_reward = _resolution_by_reward_loader(tenant_id, cache)
        self.events_by_reward = _events_by_reward_loader(tenant_id, cache)


class AppContext(BaseContext, kw_only=True):
    principal: Principal | None = None
    settings: Settings = Settings()  # the service's settings, for resolvers that start work (runJob)
    loader_cache: Loaders | None = None
    cache_loads: bool = True  # False on a WebSocket (see Loaders)
    connection_params: dict[str, Any] | None = None  # a WebSocket's connection_init payload
    live: LiveConnection | None = None  # a WebSocket's connection, once its credential was accepted

    def require_principal(self) -> Principal:
        if self.principal is None:
            raise ApiError(ApiErrorCode.UNAUTHENTICATED, "a valid Authorization: Bearer credential is required")
        return self.principal

    @property
    def loaders(self) -> Loaders:
        if self.loader_cache is None:
            self.loader_cache = Loaders(self.require_principal().tenant_id, cache=self.cache_loads)
        return self.loader_cache


Info = StrawberryInfo[AppContext, None]


def principal_of(info: Info) -> Principal:
    return info.context.require_principal()


def require_role(info: Info, role: Role, action: str) -> Principal:
    principal = principal_of(info)
    if not principal.has_at_least(role):
        raise forbidden(action)
    return principal


def require_operator_view(info: Info, what: str) -> Principal:
    """Reads that only operators (any role) may make; member tokens see their own data only."""
    principal = principal_of(info)
    if principal.is_member:
        raise forbidden(f"read {what}")
    return principal


def visible_to(principal: Principal, rows: Iterable[Any]) -> list[Any]:
    """Drops rows a member token may not see (other members' rewards and accounts)."""
    if not principal.is_member:
        return list(rows)
    return [r for r in rows if r is not None and getattr(r, "member_id", None) == principal.member_id]
