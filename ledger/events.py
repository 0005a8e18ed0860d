"""The event bus port: where committed events go after their transaction commits.

The ledger only publishes; subscribers (GraphQL subscriptions, other instances through Redis) attach
through an implementation set by the composition root. The default bus keeps subscribers in-process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ledger.persistence.models import Event

log = logging.getLogger(__name__)


class EventBus(Protocol):
    async def publish(self, tenant_id: int, events: list[dict]) -> None: ...


class InProcessEventBus:
    """Fans committed events out to asyncio queues in this process."""

    def __init__(self, queue_size: int = 1000) -> None:
        self._queues: set[asyncio.Queue[dict]] = set()
        self._queue_size = queue_size

    def subscribe(self) -> asyncio.Queue[dict]:
        queue: asyncio.Queue[dict] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict]) -> None:
        self._queues.discard(queue)

    async def publish(self, tenant_id: int, events: list[dict]) -> None:
        for queue in list(self._queues):
            for event in events:
                if queue.full():
                    # A slow subscriber loses live events, never the log: it resumes with `after:`.
                    log.warning("event subscriber queue full; dropping live event")
                    break
                queue.put_nowait({**event, "tenant_id": tenant_id})


_bus: EventBus = InProcessEventBus()


def set_event_bus(bus: EventBus) -> None:
    global _bus
    _bus = bus


def get_event_bus() -> EventBus:
    return _bus


def event_message(event: Event) -> dict:
    return {
        "sequence": event.sequence,
        "type": event.type,
        "reward_id": event.reward_id,  # type: ignore[attr-defined]
        "transfer_id": event.transfer_id,  # type: ignore[attr-defined]
        "campaign_id": event.campaign_id,
        "member_id": event.member_id,
    }


async def publish_after_commit(events: Iterable[Event]) -> None:
    events = list(events)
    if not events:
        return
    try:
        await _bus.publish(events[0].tenant_id, [event_message(e) for e in events])  # type: ignore[attr-defined]
    except Exception:
        # The log is the truth; a bus outage costs live delivery only, never the write.
        log.exception("publishing committed events failed")
