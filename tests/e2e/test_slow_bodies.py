"""A body that trickles in is cut off: the request is answered 408 once BODY_READ_TIMEOUT_SECONDS pass,
and its handler never runs on half a body."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from api.app import create_app
from api.settings import Settings
from tests.lottery_support import CONFIGURE
from tests.support import GraphQLClient, TenantFixture, served


@pytest.fixture
async def impatient_server(database_url: str, database: None) -> AsyncIterator[str]:
    settings = Settings(database_url=database_url, body_read_timeout_seconds=0.5)
    async with served(create_app(settings, manage_database=False)) as url:
        yield url


@pytest.fixture
async def webhook_path(gql: GraphQLClient, tenant: TenantFixture, randou_sandbox_url: str) -> str:
    """The Randou webhook of a tenant connected to Randou, so the handler gets as far as reading the body."""
    import httpx

    async with httpx.AsyncClient(base_url=randou_sandbox_url) as sandbox:
        settings = (await sandbox.get("/_control/config")).json()
    data = await gql(CONFIGURE, {"input": {"provider": "randou", "settings": settings}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data
    return f"/webhooks/randou/{tenant.global_id}"


async def send_half_a_body(url: str, path: str, token: str = "",
                           content_type: str = "application/x-www-form-urlencoded") -> tuple[bytes, float]:
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    started = time.monotonic()
    writer.write(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                 f"Authorization: Bearer {token}\r\nContent-Length: 1000\r\n\r\nappid=".encode())
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    elapsed = time.monotonic() - started
    writer.close()
    return status_line, elapsed


async def test_a_stalled_graphql_body_is_answered_408_in_time(impatient_server: str, tenant: TenantFixture):
    status_line, elapsed = await send_half_a_body(impatient_server, "/graphql", tenant.viewer, "application/json")
    assert status_line.startswith(b"HTTP/1.1 408"), status_line
    assert elapsed < 5


async def test_twenty_stalled_webhook_bodies_are_each_answered_408_in_time(impatient_server: str,
                                                                            webhook_path: str):
    stalled = [asyncio.create_task(send_half_a_body(impatient_server, webhook_path)) for _ in range(20)]
    results = await asyncio.gather(*stalled)
    assert [line[:12] for line, _ in results] == [b"HTTP/1.1 408"] * 20
    assert max(elapsed for _, elapsed in results) < 5
