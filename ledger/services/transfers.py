"""Moving value between accounts: posted transfers, holds and their one-time resolution, reversals.

These functions run inside a unit of work. They lock the accounts they touch (in id order, so two
transfers never deadlock), check the debit account's balance constraint under that lock, and change the
running totals in the same transaction as the transfer row.
"""

from __future__ import annotations

from datetime import datetime

from tortoise import timezone

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import MAX_AMOUNT, Money, require_positive
from ledger.domain.statuses import TransferState
from ledger.persistence.account_totals import add_transfer, lock_accounts, settle_hold
from ledger.persistence.models import Account, Transfer
from ledger.persistence.transfer_rows import insert_transfer, resolve_transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write


def _check_can_debit(account: Account, amount: int) -> None:
    if not account.debits_must_not_exceed_credits:
        return
    available = account.credits_posted - account.debits_posted - account.debits_pending
    if amount > available:
        raise LedgerError(
            ErrorCode.INSUFFICIENT_FUNDS,
            f"the {account.kind.value.lower().replace('_', ' ')} has {Money(available, account.asset).formatted()} "
            f"available; {Money(amount, account.asset).formatted()} was asked",
            field="amount",
        )


def _check_fits(account: Account, side: str, amount: int) -> None:
    """Refuses a change that would take a side of the account (its posted plus pending debits, or credits)
    past the signed 64-bit range. Keeping each side's sum in range keeps every column, every balance derived
    from them (credits - debits - pending, at least -MAX) and every amount the API shows exact in 64 bits:
    PostgreSQL's BIGINT would refuse the write with a server error, and SQLite would silently turn the
    column into a float."""
    total = getattr(account, f"{side}_posted") + getattr(account, f"{side}_pending") + amount
    if total > MAX_AMOUNT:
        raise LedgerError(ErrorCode.INVALID_AMOUNT,
                          f"this would take the {account.kind.value.lower().replace('_', ' ')}'s {side} past the "
                          f"64-bit limit of {MAX_AMOUNT} minor units", field="amount")


async def create_transfer(
    uow: UnitOfWork,
    *,
    debit: Account,
    credit: Account,
    amount: int,
    pending: bool = False,
    expires_at: datetime | None = None,
    reward_id: int | None = None,
    reverses_id: int | None = None,
    member_id: str | None = None,
) -> Transfer:
    require_positive(amount)
    if debit.asset != credit.asset:
        raise LedgerError(ErrorCode.ASSET_MISMATCH, f"cannot move {debit.asset} into a {credit.asset} account")
    if debit.id == credit.id:
        raise LedgerError(ErrorCode.INVALID_INPUT, "a transfer needs two different accounts")
    # One statement locks both accounts, checks the rules below under the locks and changes the totals.
    if not await add_transfer(debit.id, credit.id, amount, pending=pending):
        # Refused, nothing changed: the rows as read under the locks say why.
        rows = await lock_accounts(debit.id, credit.id)
        _check_can_debit(rows[debit.id], amount)
        _check_fits(rows[debit.id], "debits", amount)
        _check_fits(rows[credit.id], "credits", amount)
        raise AssertionError("the account totals refused a transfer that their rules allow")
    transfer = await insert_transfer(
        tenant_id=uow.tenant_id,
        debit_id=debit.id,
        credit_id=credit.id,
        asset=debit.asset,
        amount=amount,
        state=TransferState.PENDING if pending else TransferState.POSTED,
        posted_amount=None if pending else amount,
        resolved_at=None if pending else now(),
        expires_at=expires_at if pending else None,
        reward_id=reward_id,
        reverses_id=reverses_id,
        created_at=timezone.now(),  # what the model's auto_now_add would have set
    )
    uow.emit(
        "transfer.pending" if pending else "transfer.posted",
        transfer_id=transfer.id,
        reward_id=reward_id,
        member_id=member_id,
        data={"amount": str(amount), "asset": transfer.asset},
        account_ids=(debit.id, credit.id),
    )
    return transfer


async def resolve_pending(
    uow: UnitOfWork, transfer: Transfer, *, post_amount: int | None, member_id: str | None = None
) -> Transfer:
    """Posts (all, or `post_amount` of it) or voids (post_amount None) a hold, exactly once."""
    if post_amount is not None:
        require_positive(post_amount)
        if post_amount > transfer.amount:
            held = Money(transfer.amount, transfer.asset).formatted()
            raise LedgerError(ErrorCode.INVALID_AMOUNT, f"cannot post more than the {held} held", field="amount")
    await lock_accounts(transfer.debit_account_id, transfer.credit_account_id)  # type: ignore[attr-defined]
    new_state = TransferState.VOIDED if post_amount is None else TransferState.POSTED
    posted = post_amount or 0
    resolved_at = now()
    if not await resolve_transfer(transfer.id, new_state, posted, resolved_at):
        raise LedgerError(ErrorCode.INVALID_STATE, "this hold was already resolved")
    held = transfer.amount
    await settle_hold(transfer.debit_account_id, transfer.credit_account_id,  # type: ignore[attr-defined]
                      held=held, posted=posted)
    # What the compare-and-set wrote is all that changed: no need to read the row back.
    transfer.state, transfer.posted_amount, transfer.resolved_at = new_state, posted, resolved_at
    uow.emit(
        "transfer.voided" if post_amount is None else "transfer.posted",
        transfer_id=transfer.id,
        reward_id=transfer.reward_id,  # type: ignore[attr-defined]
        member_id=member_id,
        data={"amount": str(posted), "held": str(held), "asset": transfer.asset},
        account_ids=(transfer.debit_account_id, transfer.credit_account_id),  # type: ignore[attr-defined]
    )
    return transfer


async def reverse_transfer(tenant_id: int, transfer_id: int, idempotency_key: str) -> Transfer:
    """Corrects a posted transfer with a new, linked one in the other direction."""

    async def work(uow: UnitOfWork) -> tuple[dict, Transfer]:
        original = await Transfer.get_or_none(id=transfer_id, tenant_id=tenant_id).prefetch_related(
            "debit_account", "credit_account"
        )
        if original is None:
            raise LedgerError(ErrorCode.NOT_FOUND, "no such transfer", field="transferId")
        if original.state is not TransferState.POSTED:
            raise LedgerError(
                ErrorCode.INVALID_STATE,
                f"only posted transfers can be reversed; this one is {original.state.value} "
                "(void a pending hold instead)",
                field="transferId",
            )
        if await Transfer.exists(reverses_id=original.id):
            raise LedgerError(ErrorCode.ALREADY_REVERSED, "this transfer was already reversed",
                              field="transferId")
        reversal = await create_transfer(
            uow,
            debit=original.credit_account,
            credit=original.debit_account,
            amount=original.posted_amount or 0,
            reward_id=original.reward_id,  # type: ignore[attr-defined]
            reverses_id=original.id,
            member_id=original.credit_account.member_id or original.debit_account.member_id,
        )
        return {"transfer_id": reversal.id}, reversal

    async def replay(reference: dict) -> Transfer:
        return await Transfer.get(id=reference["transfer_id"])

    return await run_idempotent_write(
        tenant_id,
        operation="reverseTransfer",
        key=idempotency_key,
        request={"transfer_id": transfer_id},
        work=work,
        replay=replay,
    )
