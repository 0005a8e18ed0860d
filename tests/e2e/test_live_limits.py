"""Slow, greedy or vanished live clients cannot hurt the server: a subscriber that stops reading is closed with
4429 while writes and other subscribers carry on; connections per credential and subscriptions per connection
are capped. These run against an instance of their own with small limits."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import socket
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import websockets
from gql.transport.exceptions import TransportQueryError
from websockets.asyncio.client import ClientConnection, connect

from api.app import create_app
from api.live_transport import LiveConnections
from api.settings import Settings
from ledger.persistence.models import Event, Tenant
from tests.live_support import Subscription, close_code_of, last_sequence, live_session, ws_url
from tests.support import GraphQLClient, TenantFixture, served

QUEUE_SIZE = 8
EVENTS = "subscription($after: Int) { events(after: $after) { sequence } }"
FAT_EVENTS = "subscription($after: Int) { events(after: $after) { id sequence type data createdAt } }"


@pytest.fixture
async def small_limits_url(database_url: str) -> AsyncIterator[str]:
    settings = Settings(database_url=database_url, subscription_queue_size=QUEUE_SIZE, connections_per_credential=2,
                        subscriptions_per_connection=3)
    async with served(create_app(settings, manage_database=False)) as url:
        yield url


async def filler_events(tenant_id: int, count: int, size: int) -> int:
    """Appends `count` bulky events to the tenant's log at once (a log long enough to fill a socket, fast);
    returns the last sequence."""
    tenant = await Tenant.get(id=tenant_id)
    first = tenant.last_event_sequence + 1
    # Random padding, so that no compression on the way makes it small.
    await Event.bulk_create([Event(tenant_id=tenant_id, sequence=first + n, type="test.filler",
                                   data={"padding": secrets.token_hex(size // 2)}) for n in range(count)])
    tenant.last_event_sequence = first + count - 1
    await tenant.save(update_fields=["last_event_sequence"])
    return tenant.last_event_sequence


async def unread_connection(server_url: str, token: str) -> ClientConnection:
    """An acknowledged graphql-transport-ws connection whose client will stop reading: a small receive buffer,
    and a client library that stops taking frames off the socket after one."""
    address = urlsplit(server_url)
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting, so the window stays small
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (address.hostname, address.port))
    client = await connect(ws_url(server_url), sock=raw, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           max_queue=1, ping_interval=None, compression=None)
    await client.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
    assert json.loads(await client.recv())["type"] == "connection_ack"
    return client


async def test_a_client_that_stops_reading_is_closed_with_4429_while_writes_and_others_carry_on(
        small_limits_url: str, gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 100_000)
    # ~8 MB to replay: more than the kernel's socket buffers (4 MB at most here) and the server's own hold.
    history_end = await filler_events(tenant.id, count=1000, size=8000)

    stalled = await unread_connection(small_limits_url, tenant.viewer)
    for operation, after in (("replaying", 0), ("live", history_end)):
        await stalled.send(json.dumps({"id": operation, "type": "subscribe",
                                       "payload": {"query": FAT_EVENTS, "variables": {"after": after}}}))
    async with live_session(small_limits_url, tenant.operator) as session:
        healthy = Subscription(session, EVENTS, {"after": history_end})
        write_seconds = []
        for n in range(QUEUE_SIZE * 2):  # twice as many events as a mailbox holds
            started = time.perf_counter()
            await gql.grant(tenant.operator, campaign, f"m-{n}", 10, f"g-{n}")
            write_seconds.append(time.perf_counter() - started)
        received = [r["events"]["sequence"] for r in await healthy.take(QUEUE_SIZE * 4)]
        assert received == list(range(history_end + 1, history_end + 1 + QUEUE_SIZE * 4))

        # Now the stalled client reads again: what was sent before the close, then the close itself.
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(30):
                while True:
                    await stalled.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
        assert "after" in closed.value.rcvd.reason

        await gql.grant(tenant.operator, campaign, "m-later", 10, "later")  # and the others carry on
        assert [r["events"]["sequence"] for r in await healthy.take(2)] == [received[-1] + 1, received[-1] + 2]
    assert max(write_seconds) < 5, write_seconds  # no write waited on the stalled subscriber


async def test_connections_per_credential_are_capped_with_4429(small_limits_url: str, tenant: TenantFixture,
                                                               monkeypatch: pytest.MonkeyPatch):
    viewers_released = asyncio.Event()  # the server frees a place on its own time, once it sees a connection go
    viewer_key = hashlib.sha256(tenant.viewer.encode()).hexdigest()
    real_release = LiveConnections._release

    def release(self: LiveConnections, key: str) -> None:
        real_release(self, key)
        if key == viewer_key:
            viewers_released.set()

    monkeypatch.setattr(LiveConnections, "_release", release)
    async with live_session(small_limits_url, tenant.viewer):
        async with live_session(small_limits_url, tenant.viewer):
            assert await close_code_of(small_limits_url, tenant.viewer, EVENTS) == 4429
            async with live_session(small_limits_url, tenant.operator):  # another credential has its own count
                pass
        await asyncio.wait_for(viewers_released.wait(), 5)
        async with live_session(small_limits_url, tenant.viewer):  # the place the closed one left
            pass


async def test_subscriptions_per_connection_are_capped(small_limits_url: str, gql: GraphQLClient,
                                                       tenant: TenantFixture):
    end = await last_sequence(gql, tenant.admin)
    async with live_session(small_limits_url, tenant.viewer) as session:
        allowed = [Subscription(session, EVENTS, {"after": end}) for _ in range(3)]
        with pytest.raises(TransportQueryError, match="Subscription limit reached"):
            await Subscription(session, EVENTS, {"after": end}).next()
        for subscription in allowed:
            await subscription.stop()
