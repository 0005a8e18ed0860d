"""Reconciliation's objects as GraphQL nodes: a run over a provider's day, and a discrepancy it found."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api.context import Info, principal_of
from api.errors import UserError
from api.ids import encode_id
from api.jobs_api import JobRunStatus
from api.types.connections import Connection, connection_of, cursor_position, page_size
from api.types.enums import AccountKind, RewardStatus, TransferState
from api.types.money import Money
from api.types.nodes import Node, Reward, Transfer
from ledger.domain.errors import LedgerError
from ledger.domain.reconciliation import DiscrepancyKind, DiscrepancyResolution, DiscrepancyStatus
from ledger.persistence import reconciliation_models as rows
from ledger.services import reads, reconciliation
from ledger.services.reconciliation.resolution import AccountSide

strawberry.enum(DiscrepancyKind, description=(
    "MISSING_IN_LEDGER: the provider lists a record no reward holds; MISSING_AT_PROVIDER: a reward paid or "
    "issued that day the provider does not list; AMOUNT_MISMATCH: both paid, different amounts; "
    "STATUS_MISMATCH: one side paid, the other did not."))
strawberry.enum(DiscrepancyStatus, description="OPEN until a person resolves it (or a later run no longer finds it).")
strawberry.enum(DiscrepancyResolution, description=(
    "ACCEPT_PROVIDER: the ledger is made to agree with the provider by a new linked transfer; ACCEPT_LEDGER: the "
    "ledger stands, nothing moves; WRITE_OFF: the difference moves between the provider's side and WRITE_OFF."))


def _money(amount: int | None, asset: str) -> Money | None:
    return None if amount is None else Money.of(amount, asset)


@strawberry.type(description="A difference between a provider's record and the ledger, with both sides' evidence.")
class Discrepancy(Node):
    row: strawberry.Private[rows.Discrepancy]
    kind: DiscrepancyKind
    status: DiscrepancyStatus
    provider: str
    date: dt.date = strawberry.field(description="The provider's day (Beijing time) whose run found it.")
    reference: str = strawberry.field(description="The provider's own id: the lottery transacId, the packet's "
                                                  "list id (for a reward it never listed, the reward's).")
    ledger_amount: Money | None
    provider_amount: Money | None = strawberry.field(description="Null when the provider's record states none.")
    ledger_status: str | None
    provider_status: str | None = strawberry.field(description="The provider's own word for its record's state.")
    evidence: JSON = strawberry.field(description="`provider`: its record as listed; `ledger`: the reward as found.")
    resolution: DiscrepancyResolution | None
    note: str | None
    resolved_at: datetime | None
    resolved_by: str | None = strawberry.field(description="`apiKey:<id>` (or `role:<role>`) of whoever resolved it; "
                                                           "`reconciliation` when a later run no longer found it.")
    created_at: datetime

    @classmethod
    def from_row(cls, row: rows.Discrepancy) -> Discrepancy:
        return cls(id=strawberry.ID(encode_id("Discrepancy", row.id)), row=row, kind=row.kind, status=row.status,
                   provider=row.provider, date=row.date, reference=row.reference,
                   ledger_amount=_money(row.ledger_amount, row.asset),
                   provider_amount=_money(row.provider_amount, row.asset), ledger_status=row.ledger_status,
                   provider_status=row.provider_status, evidence=JSON(row.evidence), resolution=row.resolution,
                   note=row.note, resolved_at=row.resolved_at, resolved_by=row.resolved_by,
                   created_at=row.created_at)

    @strawberry.field(description="The ledger's reward it concerns; null for a record the ledger never had.")
    async def reward(self, info: Info) -> Reward | None:
        reward_id = self.row.reward_id  # type: ignore[attr-defined]
        row = await info.context.loaders.reward.load(reward_id) if reward_id else None
        return Reward.from_row(row) if row is not None else None

    @strawberry.field(description="What resolving it this way would do now (the transfer, the reward's status), "
                                  "or why it would be refused; nothing is changed. Admins confirm with it.")
    async def resolution_preview(self, info: Info, resolution: DiscrepancyResolution
                                 ) -> DiscrepancyResolutionPreview:
        principal = principal_of(info)
        try:
            plan = await reconciliation.preview_resolution(principal.tenant_id, self.row.id, resolution)
        except LedgerError as refused:
            return DiscrepancyResolutionPreview.of(resolution, None, UserError.from_ledger(refused))
        return DiscrepancyResolutionPreview.of(resolution, plan, None)

    @strawberry.field(description="The transfer its resolution moved; null until then, and when nothing moved.")
    async def transfer(self, info: Info) -> Transfer | None:
        transfer_id = self.row.transfer_id  # type: ignore[attr-defined]
        row = await info.context.loaders.transfer.load(transfer_id) if transfer_id else None
        return Transfer.from_row(row) if row is not None else None


@strawberry.type(description="One side of a planned transfer: the account as its kind, asset and member.")
class PlannedAccount:
    kind: AccountKind
    asset: str
    member_id: str | None


@strawberry.type(description="A transfer a resolution would make.")
class PlannedTransfer:
    debit_account: PlannedAccount
    credit_account: PlannedAccount
    amount: Money
    state: TransferState


@strawberry.type(description="What resolving a discrepancy one way would do now, computed by doing it in a "
                             "transaction that is rolled back: the transfer it would make, the reward's status after "
                             "it, or why it would be refused.")
class DiscrepancyResolutionPreview:
    resolution: DiscrepancyResolution
    transfer: PlannedTransfer | None = strawberry.field(description="Null when nothing would move.")
    reward_status: RewardStatus | None = strawberry.field(
        description="The reward's status after it; null when there is no reward.")
    refusal: UserError | None = strawberry.field(description="Why resolveDiscrepancy would refuse it now.")

    @classmethod
    def of(cls, resolution: DiscrepancyResolution, plan: reconciliation.ResolutionPlan | None,
           refusal: UserError | None) -> DiscrepancyResolutionPreview:
        planned = plan.transfer if plan else None
        transfer = None if planned is None else PlannedTransfer(
            debit_account=_planned_account(planned.debit), credit_account=_planned_account(planned.credit),
            amount=Money.of(planned.amount, planned.asset), state=TransferState(planned.state))
        status = plan.reward_status if plan else None
        return cls(resolution=resolution, transfer=transfer, refusal=refusal,
                   reward_status=RewardStatus(status.value) if status else None)


def _planned_account(side: AccountSide) -> PlannedAccount:
    return PlannedAccount(kind=AccountKind(side.kind), asset=side.asset, member_id=side.member_id)


@strawberry.type(description="One run of reconciliation over a provider's day.")
class ReconciliationRun(Node):
    row: strawberry.Private[rows.ReconciliationRun]
    provider: str
    date: dt.date = strawberry.field(description="The provider's day (Beijing time).")
    status: JobRunStatus
    matched_count: int = strawberry.field(description="Records on which the provider and the ledger agree.")
    matched_amount: Money = strawberry.field(description="What those records paid.")
    discrepancy_count: int = strawberry.field(description="Discrepancies this run found (new or already known).")
    counts: JSON = strawberry.field(description="The run's own numbers (listed, matched, amountsUnverified, ...).")
    note: str | None = strawberry.field(description="Why it was SKIPPED (\"provider has no feed\") or FAILED.")
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: rows.ReconciliationRun) -> ReconciliationRun:
        return cls(id=strawberry.ID(encode_id("ReconciliationRun", row.id)), row=row, provider=row.provider,
                   date=row.date, status=row.status, matched_count=row.matched_count,
                   matched_amount=Money.of(row.matched_amount, row.asset), discrepancy_count=row.discrepancy_count,
                   counts=JSON(row.counts), note=row.note, started_at=row.started_at, finished_at=row.finished_at)

    @strawberry.field(description="The discrepancies of this provider's day, whichever run found them, oldest first.")
    async def discrepancies(self, first: int | None = None, after: str | None = None) -> Connection[Discrepancy]:
        query = rows.Discrepancy.filter(tenant_id=self.row.tenant_id, provider=self.row.provider,  # type: ignore[attr-defined]
                                        date=self.row.date)
        page = await reads.paginate(query, first=page_size(first), after=cursor_position(after))
        return connection_of(page, Discrepancy.from_row, lambda row: row.id)
