"""Event bus implementations chosen by configuration.

Without REDIS_URL the in-process bus serves one instance. With it, committed events are published on a
Redis channel per tenant so every instance's subscribers see every instance's writes. Redis only carries
live delivery: the event log in the database stays the truth, and a subscriber that missed messages
resumes from its last sequence number.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager

import redis.asyncio as redis

from ledger.events import EventBus, InProcessEventBus, Mailbox

log = logging.getLogger(__name__)
CHANNEL_PREFIX = "reward-ledger:events:"
# A write publishes after its commit and waits for Redis to take the message; a stalled Redis may delay
# the write's answer this long at most, then the message is given up (subscribers fill gaps from the log).
PUBLISH_TIMEOUT_S = 2.0


def channel_for(tenant_id: int, prefix: str = CHANNEL_PREFIX) -> str:
    return f"{prefix}{tenant_id}"


class RedisEventBus:
    """Publishes to Redis and relays what any instance published to this process's local subscribers."""

    def __init__(self, client: redis.Redis, channel_prefix: str = CHANNEL_PREFIX) -> None:
        self._client = client
        self._prefix = channel_prefix  # a deployment's own; tests use one per run, so they never reach its subscribers
        self.local = InProcessEventBus()
        self._relay: asyncio.Task[None] | None = None

    async def publish(self, tenant_id: int, events: list[dict]) -> None:
        payload = json.dumps({"tenant_id": tenant_id, "events": events})
        await asyncio.wait_for(self._client.publish(channel_for(tenant_id, self._prefix), payload),
                               PUBLISH_TIMEOUT_S)

    def subscribe(self, *, tenant_ids: Iterable[int] | None = None, queue_size: int | None = None,
                  on_overflow: Callable[[], None] | None = None) -> Mailbox:
        return self.local.subscribe(tenant_ids=tenant_ids, queue_size=queue_size, on_overflow=on_overflow)

    def unsubscribe(self, queue: asyncio.Queue[dict]) -> None:
        self.local.unsubscribe(queue)

    async def start(self) -> None:
        pubsub = self._client.pubsub()
        await pubsub.psubscribe(f"{self._prefix}*")
        self._relay = asyncio.create_task(self._relay_messages(pubsub))

    async def stop(self) -> None:
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay
        await self._client.aclose()

    async def _relay_messages(self, pubsub: redis.client.PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "pmessage":
                    continue
                try:
                    body = json.loads(message["data"])
                    await self.local.publish(int(body["tenant_id"]), list(body["events"]))
                except (ValueError, KeyError, TypeError):
                    log.warning("ignoring a malformed event bus message")
        finally:
            await pubsub.aclose()


@asynccontextmanager
async def event_bus_for(redis_url: str | None, channel_prefix: str = CHANNEL_PREFIX) -> AsyncIterator[EventBus]:
    """The bus for this process, running for the life of the block."""
    if not redis_url:
        yield InProcessEventBus()
        return
    bus = RedisEventBus(redis.from_url(redis_url), channel_prefix)
    await bus.start()
    try:
        yield bus
    finally:
        await bus.stop()
