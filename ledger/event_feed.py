"""A subscriber's view of one tenant's event log: the events after a sequence number, in order, once each.

The log in the database is the truth and the bus only brings news of it. A feed therefore:

1. subscribes to the bus first, so nothing committed from then on can slip past it unseen;
2. replays what the log already holds after `after`, in bounded pages;
3. then follows the bus, skipping every sequence at or below the last one it has dealt with.

Sequence numbers are handed out under the tenant row's lock, which is held until the numbers and the
counter commit together (ledger/persistence/sequences.py), so once event S is numbered every event before
it is numbered too. A bus message that arrives ahead of its
predecessors (two commits publish in either order; Redis may lose a message) opens a gap the log can
always fill: the feed waits a moment for the stragglers, then reads the gap from the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from ledger.events import NOTICES_CHANNEL, Mailbox, get_event_bus
from ledger.persistence.models import Event, Tenant

REPLAY_PAGE_SIZE = 100
GAP_WAIT_S = 0.25  # how long a message that arrived early waits for the ones before it, before the log is read
MAX_EARLY = 1000  # or until this many have arrived early
_FIELDS = ("sequence", "type", "reward_id", "transfer_id", "campaign_id", "member_id", "created_at",
           "transfer__debit_account_id", "transfer__credit_account_id")


@dataclass(frozen=True, slots=True)
class CommittedEvent:
    """What a feed knows of an event, whether the log or the bus told it."""
    sequence: int
    type: str
    reward_id: int | None
    transfer_id: int | None
    campaign_id: int | None
    member_id: str | None
    account_ids: tuple[int, ...]
    created_at: datetime | None = None  # when it was written: with the sequence, names this event for good

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> CommittedEvent:
        written = message.get("created_at")
        return cls(sequence=int(message["sequence"]), type=str(message["type"]), reward_id=message.get("reward_id"),
                   transfer_id=message.get("transfer_id"), campaign_id=message.get("campaign_id"),
                   member_id=message.get("member_id"), account_ids=tuple(message.get("account_ids") or ()),
                   created_at=datetime.fromisoformat(written) if isinstance(written, str) else None)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CommittedEvent:
        accounts = (row["transfer__debit_account_id"], row["transfer__credit_account_id"])
        return cls(sequence=row["sequence"], type=row["type"], reward_id=row["reward_id"],
                   transfer_id=row["transfer_id"], campaign_id=row["campaign_id"], member_id=row["member_id"],
                   account_ids=tuple(a for a in accounts if a is not None), created_at=row["created_at"])


@dataclass(frozen=True, slots=True)
class EventInterest:
    """Which of a tenant's events a subscriber wants: one test, asked of the log in SQL and of the bus here."""
    tenant_id: int
    member_id: str | None = None    # only this member's events (a member token's own)
    about_rewards: bool = False     # only events that concern a reward
    account_id: int | None = None   # only events whose transfer moved this account

    def matches(self, event: CommittedEvent) -> bool:
        return ((self.member_id is None or event.member_id == self.member_id)
                and (not self.about_rewards or event.reward_id is not None)
                and (self.account_id is None or self.account_id in event.account_ids))

    def narrow(self, query: QuerySet[Event]) -> QuerySet[Event]:
        if self.member_id is not None:
            query = query.filter(member_id=self.member_id)
        if self.about_rewards:
            query = query.filter(reward_id__isnull=False)
        if self.account_id is not None:
            query = query.filter(Q(transfer__debit_account_id=self.account_id)
                                 | Q(transfer__credit_account_id=self.account_id))
        return query


async def log_end(tenant_id: int) -> int:
    """The last committed sequence of the tenant's log."""
    row = await Tenant.filter(id=tenant_id).first().values("last_event_sequence")
    return int(row["last_event_sequence"]) if row else 0


class EventFeed:
    """Follows one tenant's log for one subscriber; `cursor` is the last sequence it has dealt with."""

    def __init__(self, interest: EventInterest, mailbox: Mailbox, *, page_size: int = REPLAY_PAGE_SIZE,
                 gap_wait_s: float = GAP_WAIT_S) -> None:
        self.interest = interest
        self.cursor = 0
        self._mailbox = mailbox
        self._page_size = page_size
        self._gap_wait_s = gap_wait_s

    async def follow(self, after: int | None) -> AsyncIterator[list[CommittedEvent]]:
        """Batches of wanted events with sequences after `after` (without it: from now on), for ever."""
        if after is None:
            self.cursor = await log_end(self.interest.tenant_id)
        else:
            self.cursor = after
            async for page in self._read_log(upto=None):
                yield page
        async for batch in self._follow_bus():
            yield batch

    async def _read_log(self, upto: int | None) -> AsyncIterator[list[CommittedEvent]]:
        """The wanted events after the cursor (up to `upto`, else to the end), page by page; moves the cursor."""
        while True:
            # Read before the page: every event up to `end` is committed, so the page's query sees them all.
            end = upto if upto is not None else await log_end(self.interest.tenant_id)
            query = self.interest.narrow(Event.filter(tenant_id=self.interest.tenant_id, sequence__gt=self.cursor))
            if upto is not None:
                query = query.filter(sequence__lte=upto)
            rows = await query.order_by("sequence").limit(self._page_size).values(*_FIELDS)
            page = [CommittedEvent.from_row(row) for row in rows]
            if len(page) < self._page_size:
                self.cursor = max([self.cursor, end, *(e.sequence for e in page)])
                if page:
                    yield page
                return
            self.cursor = page[-1].sequence
            yield page

    async def _follow_bus(self) -> AsyncIterator[list[CommittedEvent]]:
        early: dict[int, CommittedEvent] = {}  # arrived ahead of a gap, by sequence
        gap_deadline = 0.0
        loop = asyncio.get_running_loop()
        while True:
            messages = await self._next_messages(gap_deadline - loop.time() if early else None)
            had_gap = bool(early)
            for message in messages:
                if "sequence" in message and int(message["sequence"]) > self.cursor:  # else: delivered already
                    event = CommittedEvent.from_message(message)
                    early[event.sequence] = event
            ready: list[CommittedEvent] = []
            while self.cursor + 1 in early:
                self.cursor += 1
                ready.append(early.pop(self.cursor))
            if early and (loop.time() >= gap_deadline and had_gap or len(early) >= MAX_EARLY):
                # The stragglers did not come: everything up to the last arrival is committed, so the log has it.
                gap_end = max(early)
                early.clear()
                async for page in self._read_log(upto=gap_end):
                    ready += page
            elif early and (not had_gap or ready):
                gap_deadline = loop.time() + self._gap_wait_s  # a new gap: give its messages a moment
            wanted = [e for e in ready if self.interest.matches(e)]
            if wanted:
                yield wanted

    async def _next_messages(self, timeout_s: float | None) -> list[dict[str, Any]]:
        """Whatever the mailbox holds, waiting for at least one message (at most `timeout_s`, if given)."""
        try:
            async with asyncio.timeout(timeout_s if timeout_s is None else max(timeout_s, 0)):
                first = await self._mailbox.get()
        except TimeoutError:
            return []
        messages = [first]
        while not self._mailbox.empty():
            messages.append(self._mailbox.get_nowait())
        return messages


@asynccontextmanager
async def event_feed(interest: EventInterest, *, queue_size: int | None = None,
                     on_overflow: Callable[[], None] | None = None,
                     page_size: int = REPLAY_PAGE_SIZE) -> AsyncIterator[EventFeed]:
    """A feed subscribed to the bus for the life of the block (and unsubscribed however it ends)."""
    bus = get_event_bus()
    mailbox = bus.subscribe(tenant_ids=(interest.tenant_id,), queue_size=queue_size, on_overflow=on_overflow)
    try:
        yield EventFeed(interest, mailbox, page_size=page_size)
    finally:
        bus.unsubscribe(mailbox)


@asynccontextmanager
async def notices(*, queue_size: int | None = None, on_overflow: Callable[[], None] | None = None,
                  ) -> AsyncIterator[Mailbox]:
    """The bus's notices (finished job runs and the like), for the life of the block."""
    bus = get_event_bus()
    mailbox = bus.subscribe(tenant_ids=(NOTICES_CHANNEL,), queue_size=queue_size, on_overflow=on_overflow)
    try:
        yield mailbox
    finally:
        bus.unsubscribe(mailbox)

