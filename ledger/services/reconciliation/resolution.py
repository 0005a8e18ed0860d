"""resolveDiscrepancy: a person settles what a reconciliation found, once, saying why.

- ACCEPT_PROVIDER: the ledger is made to agree with the provider (settlement.py; adoption.py for a record the
  ledger never had), through one new transfer linked to the discrepancy.
- ACCEPT_LEDGER: the ledger stands; the note is kept; nothing moves.
- WRITE_OFF: the difference moves between the provider's side and the tenant's WRITE_OFF account.

A discrepancy is resolved once (a second attempt is INVALID_STATE); who (the API key, else the role) and why
(the note) are kept on it and in a `discrepancy.resolved` event. Idempotent by key. A reward the sync job still
follows (REQUESTED, PENDING, UNKNOWN) is refused: its provider's answer may pay it at any moment, so money
could move twice; it is resolved once settled (or handed to a person).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.reconciliation import DiscrepancyKind, DiscrepancyResolution, DiscrepancyStatus, ValueState
from ledger.domain.reconciliation import value_state as state_of
from ledger.domain.statuses import RewardStatus
from ledger.persistence.models import Account, Reward, Transfer
from ledger.persistence.reconciliation_models import Discrepancy
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write
from ledger.services.reconciliation.adoption import adopt_record
from ledger.services.reconciliation.settlement import pay_as_provider, provider_side, write_off

MAX_NOTE_LENGTH = 500
_SYNC_FOLLOWS = frozenset({RewardStatus.REQUESTED, RewardStatus.PENDING, RewardStatus.UNKNOWN})


@dataclass(frozen=True)
class Resolved:
    discrepancy: Discrepancy
    transfer: Transfer | None


async def resolve_discrepancy(tenant_id: int, discrepancy_id: int, resolution: DiscrepancyResolution, *, note: str,
                              idempotency_key: str, resolved_by: str, api_key_id: int | None) -> Resolved:
    note = _check_note(note)

    async def work(uow: UnitOfWork) -> tuple[dict, Resolved]:
        discrepancy = await _open_discrepancy(tenant_id, discrepancy_id)
        reward = await _locked_reward(discrepancy)
        transfer = await _move(uow, discrepancy, reward, resolution, note)
        discrepancy.status, discrepancy.resolution, discrepancy.note = DiscrepancyStatus.RESOLVED, resolution, note
        discrepancy.resolved_at, discrepancy.resolved_by, discrepancy.api_key_id = now(), resolved_by, api_key_id  # type: ignore[attr-defined]
        discrepancy.transfer_id = transfer.id if transfer else None  # type: ignore[attr-defined]
        await discrepancy.save(update_fields=["status", "resolution", "note", "resolved_at", "resolved_by",
                                              "api_key_id", "transfer_id", "reward_id"])
        uow.emit("discrepancy.resolved", reward_id=discrepancy.reward_id,  # type: ignore[attr-defined]
                 transfer_id=transfer.id if transfer else None,
                 data={"discrepancyId": discrepancy.id, "kind": discrepancy.kind.value,
                       "provider": discrepancy.provider, "reference": discrepancy.reference,
                       "resolution": resolution.value, "note": note, "resolvedBy": resolved_by})
        return ({"discrepancy_id": discrepancy.id, "transfer_id": transfer.id if transfer else None},
                Resolved(discrepancy, transfer))

    async def replay(reference: dict) -> Resolved:
        transfer_id = reference.get("transfer_id")
        return Resolved(await Discrepancy.get(id=reference["discrepancy_id"]),
                        await Transfer.get(id=transfer_id) if transfer_id else None)

    return await run_idempotent_write(
        tenant_id, operation="resolveDiscrepancy", key=idempotency_key,
        request={"discrepancy_id": discrepancy_id, "resolution": resolution.value, "note": note},
        work=work, replay=replay)


@dataclass(frozen=True)
class AccountSide:
    kind: str
    asset: str
    member_id: str | None


@dataclass(frozen=True)
class PlannedTransfer:
    debit: AccountSide
    credit: AccountSide
    amount: int
    asset: str
    state: str


@dataclass(frozen=True)
class ResolutionPlan:
    """What a resolution would do now: the transfer it would make (None: nothing moves) and the reward's
    status after it (None: no reward)."""

    transfer: PlannedTransfer | None
    reward_status: RewardStatus | None


class _Preview(Exception):
    """Carries the plan out of the transaction it was made in, rolling that transaction back."""

    def __init__(self, plan: ResolutionPlan) -> None:
        self.plan = plan


async def preview_resolution(tenant_id: int, discrepancy_id: int, resolution: DiscrepancyResolution
                             ) -> ResolutionPlan:
    """Runs the resolution exactly as resolve_discrepancy would, in a transaction that is always rolled back,
    so a person confirms the very transfer it will make. Refusals are raised as resolve_discrepancy raises
    them. The plan holds until something changes the reward or the accounts."""
    try:
        async with in_transaction():
            discrepancy = await _open_discrepancy(tenant_id, discrepancy_id)
            reward = await _locked_reward(discrepancy)
            transfer = await _move(UnitOfWork(tenant_id), discrepancy, reward, resolution, "preview")
            reward_id = discrepancy.reward_id  # type: ignore[attr-defined]  # set by an adoption too
            after = await Reward.get(id=reward_id) if reward_id else None
            raise _Preview(ResolutionPlan(transfer=await _planned(transfer) if transfer else None,
                                          reward_status=after.status if after else None))
    except _Preview as preview:
        return preview.plan


async def _planned(transfer: Transfer) -> PlannedTransfer:
    accounts = {a.id: a for a in await Account.filter(id__in=[transfer.debit_account_id,  # type: ignore[attr-defined]
                                                             transfer.credit_account_id])}  # type: ignore[attr-defined]

    def side(account_id: int) -> AccountSide:
        account = accounts[account_id]
        return AccountSide(kind=account.kind.value, asset=account.asset, member_id=account.member_id)

    return PlannedTransfer(debit=side(transfer.debit_account_id), credit=side(transfer.credit_account_id),  # type: ignore[attr-defined]
                           amount=transfer.amount, asset=transfer.asset, state=transfer.state.value)


async def _open_discrepancy(tenant_id: int, discrepancy_id: int) -> Discrepancy:
    discrepancy = await Discrepancy.filter(id=discrepancy_id, tenant_id=tenant_id).select_for_update().first()
    if discrepancy is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such discrepancy", field="discrepancyId")
    if discrepancy.status is not DiscrepancyStatus.OPEN:
        raise LedgerError(ErrorCode.INVALID_STATE, f"this discrepancy was already resolved "
                          f"({discrepancy.resolution.value if discrepancy.resolution else 'it went away'})",
                          field="discrepancyId")
    return discrepancy


async def _locked_reward(discrepancy: Discrepancy) -> Reward | None:
    reward_id = discrepancy.reward_id  # type: ignore[attr-defined]
    if reward_id is None:
        return None
    return await Reward.filter(id=reward_id).select_for_update().first()


async def _move(uow: UnitOfWork, discrepancy: Discrepancy, reward: Reward | None,
                resolution: DiscrepancyResolution, note: str) -> Transfer | None:
    if resolution is DiscrepancyResolution.ACCEPT_LEDGER:
        return None
    if reward is not None and reward.status in _SYNC_FOLLOWS:
        raise LedgerError(ErrorCode.INVALID_STATE, f"the reward is {reward.status.value}: the sync job is still "
                          "settling it with the provider; resolve this once it is settled", field="discrepancyId")
    if resolution is DiscrepancyResolution.WRITE_OFF:
        station = (discrepancy.evidence.get("provider") or {}).get("station")
        side = await provider_side(discrepancy.tenant_id, discrepancy.provider, discrepancy.asset,  # type: ignore[attr-defined]
                                   reward, station)
        return await write_off(uow, reward=reward, provider_paid=_provider_paid(discrepancy), provider_side=side,
                               asset=discrepancy.asset)
    if reward is None:
        adopted, transfer = await adopt_record(uow, discrepancy)
        discrepancy.reward_id = adopted.id  # type: ignore[attr-defined]
        return transfer
    status, amount = _provider_view(discrepancy, reward)
    return await pay_as_provider(uow, reward, status=status, amount=amount, discrepancy_id=discrepancy.id,
                                 reason=f"accepted the provider's record ({discrepancy.kind.value}): {note}")


def _provider_paid(discrepancy: Discrepancy) -> int | None:
    """What the provider paid for the record: nothing if it lists none (or lists it unpaid)."""
    if discrepancy.kind is DiscrepancyKind.MISSING_AT_PROVIDER:
        return 0
    outcome = RewardStatus(discrepancy.provider_outcome or RewardStatus.UNKNOWN)
    return discrepancy.provider_amount if state_of(outcome) is ValueState.PAID else 0


def _provider_view(discrepancy: Discrepancy, reward: Reward) -> tuple[RewardStatus, int]:
    """The status and amount the provider's record gives the reward."""
    if discrepancy.kind is DiscrepancyKind.MISSING_AT_PROVIDER:
        return RewardStatus.VOIDED, reward.amount
    status = RewardStatus(discrepancy.provider_outcome or RewardStatus.UNKNOWN)
    if discrepancy.kind is DiscrepancyKind.AMOUNT_MISMATCH:
        status = reward.status  # the payment stands; only its amount differs
    paid = state_of(status) is ValueState.PAID
    if paid and discrepancy.provider_amount is None:
        raise LedgerError(ErrorCode.INVALID_STATE, "the provider's amount is unknown, so the ledger cannot be made "
                          "to agree; resolve it with ACCEPT_LEDGER, or look the amount up and WRITE_OFF",
                          field="discrepancyId")
    return status, (discrepancy.provider_amount or 0) if paid else reward.amount


def _check_note(note: str) -> str:
    if not isinstance(note, str) or not note.strip() or len(note) > MAX_NOTE_LENGTH:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"note must say why, in 1-{MAX_NOTE_LENGTH} characters",
                          field="note")
    return note.strip()
