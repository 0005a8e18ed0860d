"""The write transaction every command runs in.

A command's work runs inside one database transaction together with its idempotency record and the
events it emits. On PostgreSQL the events commit unnumbered and get their gap-free sequence numbers after
commit, from the tenant's sequencer (ledger/event_sequencer.py), which also publishes them: the write
returns once they are numbered, so its caller sees them in the log as before. SQLite numbers them last,
just before commit (ledger/persistence/sequences.py), and they are published here.

Conflicts that a fresh attempt resolves (a concurrent insert of the same wallet or key, a PostgreSQL
deadlock or serialization failure) are retried a bounded number of times.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError
from tortoise.transactions import in_transaction

from ledger import event_sequencer
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.events import publish_after_commit
from ledger.persistence.models import Event, IdempotencyRecord, Transfer
from ledger.persistence.sequences import append_events, numbers_after_commit

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_KEY_LENGTH = 255
_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}


@dataclass
class PendingEvent:
    type: str
    reward_id: int | None = None
    transfer_id: int | None = None
    campaign_id: int | None = None
    member_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # The accounts the event's transfer moved (debit, credit): live balance views follow them. Not stored:
    # the log finds them through the transfer.
    account_ids: tuple[int, ...] = ()


class UnitOfWork:
    """Collects what a command emits; the runner flushes it inside the same transaction."""

    def __init__(self, tenant_id: int) -> None:
        self.tenant_id = tenant_id
        self._pending: list[PendingEvent] = []
        self.committed_events: list[Event] = []
        # The accounts each committed event's transfer moved (in the same order): published with the events
        # where the write numbers them (the sequencer reads them as it numbers).
        self.committed_accounts: list[tuple[int, ...]] = []

    def emit(self, type: str, **fields: Any) -> None:
        self._pending.append(PendingEvent(type=type, **fields))

    async def flush_events(self) -> list[Event]:
        if not self._pending:
            return []
        if not numbers_after_commit():
            # Read before SQLite's sequence row lock, which is held to commit. (PostgreSQL's sequencer reads
            # them as it numbers the events.)
            accounts = await self._transfer_accounts()
            self.committed_accounts = [accounts.get(p.transfer_id, ()) if p.transfer_id is not None else ()
                                       for p in self._pending]
        events = [
            Event(  # numbered by append_events
                tenant_id=self.tenant_id,
                type=p.type,
                reward_id=p.reward_id,
                transfer_id=p.transfer_id,
                campaign_id=p.campaign_id,
                member_id=p.member_id,
                data=p.data,
            )
            for p in self._pending
        ]
        await append_events(self.tenant_id, events)
        self._pending.clear()
        return events

    async def _transfer_accounts(self) -> dict[int, tuple[int, ...]]:
        """The accounts of every transfer an event names: from what emit was told, else from the database."""
        known = {p.transfer_id: p.account_ids for p in self._pending if p.transfer_id is not None and p.account_ids}
        missing = {p.transfer_id for p in self._pending if p.transfer_id is not None} - known.keys()
        if missing:
            rows = await Transfer.filter(id__in=missing).values_list("id", "debit_account_id", "credit_account_id")
            known.update({transfer_id: (debit, credit) for transfer_id, debit, credit in rows})
        return {transfer_id: ids for transfer_id, ids in known.items() if transfer_id is not None}


async def _publish(tenant_id: int, uow: UnitOfWork) -> None:
    """After commit: numbered events (SQLite) go to the bus; unnumbered ones are numbered first."""
    if not uow.committed_events:
        return
    if any(event.sequence is None for event in uow.committed_events):
        await event_sequencer.settle(tenant_id)
        return
    accounts = zip(uow.committed_events, uow.committed_accounts, strict=True)
    await publish_after_commit(uow.committed_events, {event.sequence: ids for event, ids in accounts if ids})


def request_fingerprint(operation: str, request: dict[str, Any]) -> str:
    canonical = json.dumps({"op": operation, "request": request}, sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_idempotency_key(key: str) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise LedgerError(
            ErrorCode.INVALID_INPUT,
            f"idempotencyKey must be 1-{MAX_KEY_LENGTH} characters and not blank",
            field="idempotencyKey",
        )
    return key


def _is_retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, (OperationalError, TransactionManagementError)):
        cause = exc.__cause__ or exc
        return getattr(cause, "sqlstate", None) in _RETRYABLE_SQLSTATES or "database is locked" in str(exc)
    return False


async def run_write(tenant_id: int, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Runs `work` in a transaction with its events; retries conflicts. For writes that need no key."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        uow = UnitOfWork(tenant_id)
        try:
            async with in_transaction():
                result = await work(uow)
                uow.committed_events = await uow.flush_events()
        except Exception as exc:
            if attempt < MAX_ATTEMPTS and _is_retryable(exc):
                log.info("write conflict, retrying", extra={"attempt": attempt, "error": type(exc).__name__})
                continue
            raise
        await _publish(tenant_id, uow)
        return result
    raise AssertionError("unreachable")


async def run_idempotent_write(
    tenant_id: int,
    *,
    operation: str,
    key: str,
    request: dict[str, Any],
    work: Callable[[UnitOfWork], Awaitable[tuple[dict[str, Any], T]]],
    replay: Callable[[dict[str, Any]], Awaitable[T]],
) -> T:
    """Runs `work` once per (tenant, key).

    `work` returns a JSON-able reference to what it made (ids) and the result itself; a later call with
    the same key and the same request gets `replay(reference)`, the same key with another request gets
    IDEMPOTENCY_KEY_REUSED. A refusal (a LedgerError) rolls everything back, the key included, so a
    retry after, say, funding the budget can still succeed.
    """
    check_idempotency_key(key)
    fingerprint = request_fingerprint(operation, request)

    async def claim_and_work(uow: UnitOfWork) -> tuple[bool, Any]:
        existing = await IdempotencyRecord.get_or_none(tenant_id=tenant_id, key=key)
        if existing is not None:
            return True, existing
        try:
            reference, result = await work(uow)
        except LedgerError:
            # A concurrent twin with this key may have committed while this one worked (this one then found
            # the money spent or the ticket taken): the twin's result is the answer, not the refusal.
            twin = await IdempotencyRecord.get_or_none(tenant_id=tenant_id, key=key)
            if twin is not None:
                return True, twin
            raise
        # Inserted with its result, last, in one statement. A concurrent twin that got this far too fails on
        # the unique key once this commits, rolls back, and its retry replays this write.
        await IdempotencyRecord.create(tenant_id=tenant_id, key=key, operation=operation,
                                       request_hash=fingerprint, result=reference)
        return False, result

    replayed, value = await run_write(tenant_id, claim_and_work)
    if not replayed:
        return value
    record: IdempotencyRecord = value
    if record.operation != operation or record.request_hash != fingerprint:
        raise LedgerError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "this idempotencyKey was already used with a different request",
            field="idempotencyKey",
        )
    return await replay(record.result)
