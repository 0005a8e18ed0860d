"""Committed events reach the event bus, in-process and across instances through Redis."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from api.event_bus import RedisEventBus, event_bus_for
from ledger.domain.errors import LedgerError
from ledger.events import InProcessEventBus, get_event_bus, set_event_bus
from ledger.services import access, campaigns, rewards

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
def local_bus():
    previous = get_event_bus()
    bus = InProcessEventBus()
    set_event_bus(bus)
    yield bus
    set_event_bus(previous)


async def test_a_committed_write_publishes_its_events_in_sequence(local_bus: InProcessEventBus):
    queue = local_bus.subscribe()
    tenant = await access.create_tenant("Acme")
    campaign = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    await campaigns.fund_campaign(tenant.id, campaign.id, 100, "f")
    received = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [e["sequence"] for e in received] == [1, 2, 3]
    assert {e["tenant_id"] for e in received} == {tenant.id}


async def test_a_refused_write_publishes_nothing(local_bus: InProcessEventBus):
    queue = local_bus.subscribe()
    tenant = await access.create_tenant("Acme")
    campaign = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    queue.get_nowait()
    with pytest.raises(LedgerError):
        await rewards.grant_reward(tenant.id, campaign_id=campaign.id, member_id="m", amount=1, idempotency_key="g")
    assert queue.empty()


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_events_published_by_one_instance_reach_subscribers_of_another():
    prefix = f"reward-ledger-tests:{uuid.uuid4().hex}:"  # channels no deployment listens on
    async with event_bus_for(REDIS_URL, prefix) as writer, event_bus_for(REDIS_URL, prefix) as reader:
        assert isinstance(writer, RedisEventBus) and isinstance(reader, RedisEventBus)
        queue = reader.subscribe()
        await asyncio.sleep(0.2)  # let both subscriptions reach Redis
        await writer.publish(42, [{"sequence": 7, "type": "reward.created"}])
        message = await asyncio.wait_for(queue.get(), timeout=5)
    assert message == {"sequence": 7, "type": "reward.created", "tenant_id": 42}
