"""Fixtures shared by the UnionPay adapter and sandbox tests: one sandbox per module, reset per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from providers.unionpay.client import UnionPayClient
from providers.unionpay.sandbox import create_sandbox_app
from tests.support import served
from tests.unionpay_support import make_client


@pytest.fixture(autouse=True)
def _start_from_an_empty_database() -> None:
    """Overrides the directory's autouse fixture: the adapter and the sandbox need no database."""


@pytest_asyncio.fixture(scope="module")
async def sandbox_url() -> AsyncIterator[str]:
    async with served(create_sandbox_app(key_bits=1024)) as url:
        yield url


@pytest_asyncio.fixture
async def control(sandbox_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox_url) as http:
        (await http.post("/_control/reset")).raise_for_status()
        yield http


@pytest_asyncio.fixture
async def config(control: httpx.AsyncClient) -> dict[str, Any]:
    response = await control.get("/_control/config")
    response.raise_for_status()
    return dict(response.json())


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def client(config: dict[str, Any], http: httpx.AsyncClient) -> UnionPayClient:
    return make_client(config, http, readTimeoutSeconds=0.5)
