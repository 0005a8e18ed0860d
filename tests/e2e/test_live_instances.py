"""Two `reward-ledger serve` processes on one PostgreSQL database and one Redis: a write on one instance reaches a
subscriber connected to the other through the Redis event bus, within a second."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_lottery_instances import start_service, wait_until_healthy
from tests.live_support import Subscription, last_sequence, live_session
from tests.support import GraphQLClient, TenantFixture

REDIS_URL = os.environ.get("TEST_REDIS_URL")
EVENTS = "subscription($after: Int) { events(after: $after) { sequence type memberId } }"


@pytest.fixture
async def two_instances(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    if database_url.startswith("sqlite"):
        pytest.skip("two instances share one database server: run with TEST_DATABASE_URL (PostgreSQL)")
    if not REDIS_URL:
        pytest.skip("instances share live updates through Redis: run with TEST_REDIS_URL")
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
           # channels of this test alone: no deployment, and no other test run, hears them
           "EVENT_CHANNEL_PREFIX": f"reward-ledger-tests:{uuid.uuid4().hex}:"}
    started = await asyncio.gather(start_service([], env, tmp_path / "a.log"),
                                   start_service([], env, tmp_path / "b.log"))
    try:
        for _, url in started:
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                await wait_until_healthy(http)
        yield started[0][1], started[1][1]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=10)


async def test_a_grant_on_one_instance_reaches_a_subscriber_on_the_other_within_a_second(
        two_instances: tuple[str, str], tenant: TenantFixture):
    writer_url, subscriber_url = two_instances
    async with httpx.AsyncClient(base_url=writer_url, timeout=30) as http:
        writer = GraphQLClient(http)
        campaign = await writer.create_campaign(tenant.admin)
        await writer.fund(tenant.admin, campaign, 100_000)
        async with live_session(subscriber_url, tenant.viewer) as session:
            # Live from the end of the log (no `after:`), so only the bus can bring what follows. The server
            # starts the subscription on its own time: write until the subscriber hears the first one.
            feed = Subscription(session, EVENTS)
            for attempt in range(20):
                await writer.grant(tenant.operator, campaign, "m-warm", 10, f"warm-{attempt}")
                try:
                    await feed.next(timeout_s=1)
                    break
                except TimeoutError:
                    continue
            else:
                pytest.fail("the subscriber on the other instance heard nothing")

            started = time.perf_counter()
            await writer.grant(tenant.operator, campaign, "m-timed", 10, "timed")
            heard = await feed.next(timeout_s=1)
            while heard["events"]["memberId"] == "m-warm":  # the rest of the warm-up, already on its way
                heard = await feed.next(timeout_s=1 - (time.perf_counter() - started))
            elapsed = time.perf_counter() - started
            expected = await last_sequence(writer, tenant.admin) - 1  # the grant's reward.created
    assert heard["events"] == {"sequence": expected, "type": "reward.created", "memberId": "m-timed"}
    assert elapsed < 1.0
