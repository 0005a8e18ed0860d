"""Fixtures shared by the Allinpay adapter and sandbox tests: one sandbox per module, reset per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from providers.allinpay.client import AllinpayClient
from providers.allinpay.sandbox import create_sandbox_app
from tests.allinpay_support import AllinpaySandbox, ClientFactory, fresh_sandbox
from tests.support import served


@pytest.fixture(autouse=True)
def _start_from_an_empty_database() -> None:
    """Overrides the directory's autouse fixture: the adapter and the sandbox need no database."""


@pytest_asyncio.fixture(scope="module")
async def sandbox_url() -> AsyncIterator[str]:
    async with served(create_sandbox_app()) as url:
        yield url


@pytest_asyncio.fixture
async def sandbox(sandbox_url: str) -> AsyncIterator[AllinpaySandbox]:
    async with fresh_sandbox(sandbox_url, stock=100) as sandbox:
        yield sandbox


@pytest_asyncio.fixture
async def config(sandbox: AllinpaySandbox) -> dict[str, Any]:
    return await sandbox.config()


@pytest_asyncio.fixture
async def new_client(config: dict[str, Any]) -> AsyncIterator[ClientFactory]:
    factory = ClientFactory(config)
    yield factory
    await factory.aclose()


@pytest.fixture
def client(new_client: ClientFactory) -> AllinpayClient:
    return new_client()
