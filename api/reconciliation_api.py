"""GraphQL for reconciliation: runs over a provider's day and the discrepancies they found (operators and
admins of the tenant), running a day now and resolving a discrepancy (admins)."""

from __future__ import annotations

import datetime as dt

import strawberry
from tortoise.queryset import QuerySet

from api.context import Info, require_role
from api.errors import UserError, invalid_argument
from api.ids import decode_id_of
from api.mutations import attempt, require_id
from api.types.connections import Connection, connection_of, cursor_position, page_size
from api.types.nodes import Transfer
from api.types.ordering import CreationOrder, newest_first
from api.types.reconciliation import Discrepancy, ReconciliationRun
from ledger.domain.access import Principal, Role
from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.reconciliation import PROVIDER_ZONE, DiscrepancyKind, DiscrepancyResolution, DiscrepancyStatus
from ledger.persistence import reconciliation_models as rows
from ledger.services import reads, reconciliation

MAX_PROVIDER_NAME = 40


@strawberry.input
class ReconciliationRunFilter:
    provider: str | None = None
    date: dt.date | None = None


@strawberry.input
class DiscrepancyFilter:
    provider: str | None = None
    kind: DiscrepancyKind | None = None
    status: DiscrepancyStatus | None = None
    date: dt.date | None = None


def _provider_filter(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_PROVIDER_NAME:
        raise invalid_argument("filter.provider", f"at most {MAX_PROVIDER_NAME} characters")
    return value


def _runs_of(principal: Principal, f: ReconciliationRunFilter | None) -> QuerySet[rows.ReconciliationRun]:
    query = rows.ReconciliationRun.filter(tenant_id=principal.tenant_id)
    if f is not None and f.provider is not None:
        query = query.filter(provider=_provider_filter(f.provider))
    if f is not None and f.date is not None:
        query = query.filter(date=f.date)
    return query


def _discrepancies_of(principal: Principal, f: DiscrepancyFilter | None) -> QuerySet[rows.Discrepancy]:
    query = rows.Discrepancy.filter(tenant_id=principal.tenant_id)
    if f is None:
        return query
    chosen = {"provider": _provider_filter(f.provider), "kind": f.kind, "status": f.status, "date": f.date}
    return query.filter(**{name: value for name, value in chosen.items() if value is not None})


async def reconciliation_node(principal: Principal, type_name: str, db_id: int
                              ) -> Discrepancy | ReconciliationRun | None:
    """node(id:) for these types: the tenant's operators and admins only; anyone else finds nothing."""
    if principal.is_member or not principal.has_at_least(Role.OPERATOR):
        return None
    if type_name == "ReconciliationRun":
        run = await rows.ReconciliationRun.get_or_none(id=db_id, tenant_id=principal.tenant_id)
        return ReconciliationRun.from_row(run) if run else None
    discrepancy = await rows.Discrepancy.get_or_none(id=db_id, tenant_id=principal.tenant_id)
    return Discrepancy.from_row(discrepancy) if discrepancy else None


RECONCILIATION_NODES = frozenset({"ReconciliationRun", "Discrepancy"})


@strawberry.type
class ReconciliationQuery:
    @strawberry.field(description="Runs of reconciliation, oldest first unless `orderBy` says DESC (operators and "
                                  "admins).")
    async def reconciliation_runs(self, info: Info, first: int | None = None, after: str | None = None,
                                  filter: ReconciliationRunFilter | None = None, order_by: CreationOrder | None = None
                                  ) -> Connection[ReconciliationRun]:
        principal = require_role(info, Role.OPERATOR, "read reconciliation runs")
        page = await reads.paginate(_runs_of(principal, filter), first=page_size(first), after=cursor_position(after),
                                    descending=newest_first(order_by))
        return connection_of(page, ReconciliationRun.from_row, lambda row: row.id)

    @strawberry.field(description="One run of reconciliation; null when unknown or not yours.")
    async def reconciliation_run(self, info: Info, id: strawberry.ID) -> ReconciliationRun | None:
        principal = require_role(info, Role.OPERATOR, "read reconciliation runs")
        db_id = decode_id_of("ReconciliationRun", id)
        run = await rows.ReconciliationRun.get_or_none(id=db_id, tenant_id=principal.tenant_id) if db_id else None
        return ReconciliationRun.from_row(run) if run else None

    @strawberry.field(description="Discrepancies reconciliation found, oldest first unless `orderBy` says DESC "
                                  "(operators and admins).")
    async def discrepancies(self, info: Info, first: int | None = None, after: str | None = None,
                            filter: DiscrepancyFilter | None = None, order_by: CreationOrder | None = None
                            ) -> Connection[Discrepancy]:
        principal = require_role(info, Role.OPERATOR, "read discrepancies")
        query = _discrepancies_of(principal, filter)
        page = await reads.paginate(query, first=page_size(first), after=cursor_position(after),
                                    descending=newest_first(order_by))
        return connection_of(page, Discrepancy.from_row, lambda row: row.id)


@strawberry.input
class RunReconciliationInput:
    provider: str = strawberry.field(description="instant-lottery or red-packet (the providers with a feed).")
    date: dt.date = strawberry.field(description="The provider's day (Beijing time), today or earlier.")


@strawberry.type
class RunReconciliationPayload:
    reconciliation_run: ReconciliationRun | None
    user_errors: list[UserError]


@strawberry.input
class ResolveDiscrepancyInput:
    discrepancy_id: strawberry.ID
    resolution: DiscrepancyResolution
    note: str = strawberry.field(description="Why: what the person found (kept with the discrepancy and its event).")
    idempotency_key: str


@strawberry.type
class ResolveDiscrepancyPayload:
    discrepancy: Discrepancy | None
    transfer: Transfer | None = strawberry.field(description="The transfer the resolution moved, if any.")
    user_errors: list[UserError]


@strawberry.type
class ReconciliationMutation:
    @strawberry.mutation(description="Admin: reconcile a provider's day now; returns the finished run. A provider "
                         "without a feed is FLOW_NOT_SUPPORTED.")
    async def run_reconciliation(self, info: Info, input: RunReconciliationInput) -> RunReconciliationPayload:
        principal = require_role(info, Role.ADMIN, "run reconciliation")

        async def run() -> rows.ReconciliationRun:
            if input.date > now().astimezone(PROVIDER_ZONE).date():
                raise LedgerError(ErrorCode.INVALID_INPUT, "a day still to come has nothing to reconcile", field="date")
            if len(input.provider) > MAX_PROVIDER_NAME:
                raise LedgerError(ErrorCode.PROVIDER_NOT_CONFIGURED, "no such provider", field="provider")
            feed = await reconciliation.feed_of(principal.tenant_id, input.provider)
            if feed is None:
                raise LedgerError(ErrorCode.FLOW_NOT_SUPPORTED, f"{input.provider} has no reconciliation feed: "
                                  f"{reconciliation.NO_FEED}", field="provider")
            return await reconciliation.reconcile_day(principal.tenant_id, input.provider, input.date, feed)

        finished, errors = await attempt(run())
        return RunReconciliationPayload(reconciliation_run=ReconciliationRun.from_row(finished) if finished else None,
                                        user_errors=errors)

    @strawberry.mutation(description="Admin: settle a discrepancy once, saying why: ACCEPT_PROVIDER (a new linked "
                         "transfer makes the ledger agree), ACCEPT_LEDGER (nothing moves) or WRITE_OFF. A second "
                         "resolution is INVALID_STATE.")
    async def resolve_discrepancy(self, info: Info, input: ResolveDiscrepancyInput) -> ResolveDiscrepancyPayload:
        principal = require_role(info, Role.ADMIN, "resolve discrepancies")
        who = f"apiKey:{principal.api_key_id}" if principal.api_key_id else f"role:{principal.role.value}"

        async def run() -> reconciliation.Resolved:
            discrepancy_id = require_id("Discrepancy", "discrepancyId", input.discrepancy_id)
            return await reconciliation.resolve_discrepancy(
                principal.tenant_id, discrepancy_id, input.resolution, note=input.note,
                idempotency_key=input.idempotency_key, resolved_by=who, api_key_id=principal.api_key_id)

        resolved, errors = await attempt(run())
        if resolved is None:
            return ResolveDiscrepancyPayload(discrepancy=None, transfer=None, user_errors=errors)
        transfer = Transfer.from_row(resolved.transfer) if resolved.transfer is not None else None
        return ResolveDiscrepancyPayload(discrepancy=Discrepancy.from_row(resolved.discrepancy), transfer=transfer,
                                         user_errors=[])
