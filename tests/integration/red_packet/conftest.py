"""Fixtures shared by the red packet client and sandbox tests: one platform per module, reset per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from providers.red_packet.client import RedPacketClient
from tests.red_packet_support import NewClient, Platform, client_factory, fresh_platform, shared_sandbox


@pytest_asyncio.fixture(scope="module")
async def platform_url() -> AsyncIterator[str]:
    async with shared_sandbox() as url:
        yield url


@pytest_asyncio.fixture
async def platform(platform_url: str) -> AsyncIterator[Platform]:
    async with fresh_platform(platform_url) as platform:
        yield platform


@pytest_asyncio.fixture
async def new_client(platform: Platform) -> AsyncIterator[NewClient]:
    async with client_factory(platform) as build:
        yield build


@pytest.fixture
def client(new_client: NewClient) -> RedPacketClient:
    return new_client()
