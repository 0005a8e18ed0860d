"""The event bus port: where committed events go after their transaction commits.

The ledger only publishes; subscribers (GraphQL subscriptions, other instances through Redis) attach
through an implementation set by the composition root. The default bus keeps subscribers in-process.

Publishing never waits for a subscriber: each one has a bounded mailbox, filled with `put_nowait`. A
subscriber whose mailbox is full has fallen behind; it gets nothing more and is told so once (through
`on_overflow`), and catches up from the event log, which stays the truth, with `after:`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ledger.persistence.models import Event

log = logging.getLogger(__name__)

# Notices that are not ledger events (they carry no sequence number) travel on a channel of their own:
# tenant ids start at 1, so 0 names no tenant.
NOTICES_CHANNEL = 0
JOB_FINISHED = "job.finished"


class Mailbox(asyncio.Queue[dict]):
    """One subscriber's bounded share of the bus, for the tenants it named (None: every tenant)."""

    def __init__(self, maxsize: int, tenant_ids: frozenset[int] | None,
                 on_overflow: Callable[[], None] | None) -> None:
        super().__init__(maxsize)
        self.tenant_ids = tenant_ids
        self.on_overflow = on_overflow
        self.overflowed = False


class EventBus(Protocol):
    async def publish(self, tenant_id: int, events: list[dict]) -> None: ...

    def subscribe(self, *, tenant_ids: Iterable[int] | None = None, queue_size: int | None = None,
                  on_overflow: Callable[[], None] | None = None) -> Mailbox: ...

    def unsubscribe(self, mailbox: asyncio.Queue[dict]) -> None: ...


class InProcessEventBus:
    """Fans committed events out to the mailboxes of this process's subscribers."""

    def __init__(self, queue_size: int = 1000) -> None:
        # Indexed by tenant (None: subscribers of every tenant), so a publish touches only its own.
        self._mailboxes: dict[int | None, set[Mailbox]] = {}
        self._queue_size = queue_size

    def subscribe(self, *, tenant_ids: Iterable[int] | None = None, queue_size: int | None = None,
                  on_overflow: Callable[[], None] | None = None) -> Mailbox:
        keys = None if tenant_ids is None else frozenset(tenant_ids)
        mailbox = Mailbox(queue_size or self._queue_size, keys, on_overflow)
        for key in keys if keys is not None else (None,):
            self._mailboxes.setdefault(key, set()).add(mailbox)
        return mailbox

    def unsubscribe(self, mailbox: asyncio.Queue[dict]) -> None:
        keys = mailbox.tenant_ids if isinstance(mailbox, Mailbox) else None
        for key in keys if keys is not None else (None,):
            subscribers = self._mailboxes.get(key)
            if subscribers is not None:
                subscribers.discard(mailbox)  # type: ignore[arg-type]
                if not subscribers:
                    del self._mailboxes[key]

    @property
    def subscriber_count(self) -> int:
        return len({m for mailboxes in self._mailboxes.values() for m in mailboxes})

    async def publish(self, tenant_id: int, events: list[dict]) -> None:
        if not events:
            return
        # One message per event, shared by every mailbox: subscribers read messages, never change them.
        messages = [{**event, "tenant_id": tenant_id} for event in events]
        receivers = self._mailboxes.get(tenant_id, set()) | self._mailboxes.get(None, set())
        for mailbox in receivers:
            if mailbox.maxsize - mailbox.qsize() < len(messages):
                self._overflow(mailbox)
                continue
            for message in messages:
                mailbox.put_nowait(message)

    def _overflow(self, mailbox: Mailbox) -> None:
        """A subscriber fell behind: it gets nothing more (a gap it could not see would be worse)."""
        self.unsubscribe(mailbox)
        mailbox.overflowed = True
        log.warning("an event subscriber fell %d events behind; it resumes from the log", mailbox.qsize())
        if mailbox.on_overflow is not None:
            try:
                mailbox.on_overflow()
            except Exception:  # a subscriber's trouble must never reach the writer that published
                log.exception("an event subscriber's overflow handler failed")


_bus: EventBus = InProcessEventBus()


def set_event_bus(bus: EventBus) -> None:
    global _bus
    _bus = bus


def get_event_bus() -> EventBus:
    return _bus


def event_message(event: Event, account_ids: Sequence[int] = ()) -> dict[str, Any]:
    """What subscribers learn of a committed event: enough to choose it and to load what it touched."""
    return {
        "sequence": event.sequence,
        "type": event.type,
        "reward_id": event.reward_id,  # type: ignore[attr-defined]
        "transfer_id": event.transfer_id,  # type: ignore[attr-defined]
        "campaign_id": event.campaign_id,
        "member_id": event.member_id,
        "account_ids": list(account_ids),  # the transfer's debit and credit accounts, if it has a transfer
        "created_at": event.created_at.isoformat() if event.created_at else None,  # with the sequence: its name
    }


async def publish_after_commit(events: Iterable[Event],
                               account_ids: Mapping[int, Sequence[int]] | None = None) -> None:
    """`account_ids` by sequence: the accounts each event's transfer moved."""
    events = list(events)
    if not events:
        return
    accounts = account_ids or {}
    try:
        await _bus.publish(events[0].tenant_id,  # type: ignore[attr-defined]
                           [event_message(e, accounts.get(e.sequence, ())) for e in events])
    except Exception:
        # The log is the truth; a bus outage costs live delivery only, never the write.
        log.exception("publishing committed events failed")


async def publish_numbered(tenant_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
    """Events the sequencer just numbered: rows of the events table, each with its transfer's
    `debit_account_id` and `credit_account_id` (None without a transfer)."""
    messages = []
    for row in rows:
        written = row["created_at"]
        accounts = [row["debit_account_id"], row["credit_account_id"]] if row["transfer_id"] is not None else []
        messages.append({"sequence": int(row["sequence"]), "type": row["type"], "reward_id": row["reward_id"],
                         "transfer_id": row["transfer_id"], "campaign_id": row["campaign_id"],
                         "member_id": row["member_id"], "account_ids": [int(a) for a in accounts if a is not None],
                         "created_at": written.isoformat() if hasattr(written, "isoformat") else written})
    try:
        await _bus.publish(tenant_id, messages)
    except Exception:
        log.exception("publishing committed events failed")


async def publish_job_finished(job_run_id: int, tenant_id: int | None) -> None:
    """A job's run was recorded as finished; `tenant_id` is the tenant it ran for (None: every tenant)."""
    try:
        await _bus.publish(NOTICES_CHANNEL, [{"type": JOB_FINISHED, "job_run_id": job_run_id,
                                              "run_tenant_id": tenant_id}])
    except Exception:
        log.exception("publishing a finished job run failed")
