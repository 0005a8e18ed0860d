"""Test harness: one real database for the session (SQLite by default, PostgreSQL when DATABASE_URL says
so), migrated with the project's own migrations, emptied before every test, and the API served over real
HTTP on loopback by uvicorn."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from tortoise.contrib.test import truncate_all_models

from api.app import create_app
from api.settings import Settings
from ledger.domain import clock
from ledger.persistence.config import is_sqlite
from ledger.persistence.database import migrate, open_database
from ledger.services.audit import audit
from tests.support import GraphQLClient, TenantFixture, make_tenant, served

_TMP = tempfile.mkdtemp(prefix="reward-ledger-tests-")
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite://{Path(_TMP) / 'test.sqlite3'}"


def pytest_report_header() -> str:
    return f"database: {DATABASE_URL}"


async def _empty_postgres(url: str) -> None:
    """Starts PostgreSQL from an empty schema so the migrations are what builds it."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("asyncpg://", "postgres://"))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def database_url() -> str:
    return DATABASE_URL


@pytest_asyncio.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[None]:
    if not is_sqlite(database_url):
        await _empty_postgres(database_url)
    await migrate(database_url)
    async with open_database(database_url):
        yield


@pytest_asyncio.fixture
async def clean_state(database: None) -> AsyncIterator[None]:
    await truncate_all_models()
    clock.reset()
    yield
    clock.reset()


@pytest_asyncio.fixture(scope="session")
async def server_url(database: None) -> AsyncIterator[str]:
    async with served(create_app(Settings(database_url=DATABASE_URL), manage_database=False)) as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def http(server_url: str) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=server_url, timeout=60, limits=limits) as client:
        yield client


@pytest_asyncio.fixture
async def tenant() -> TenantFixture:
    return await make_tenant("Acme")


@pytest_asyncio.fixture
async def other_tenant() -> TenantFixture:
    return await make_tenant("Globex")


@pytest.fixture(scope="session")
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest_asyncio.fixture
async def clean_audit() -> AsyncIterator[None]:
    """For concurrent tests: after the test, the ledger's invariants must still hold."""
    yield
    report = await audit()
    assert report.ok, report.problems



@pytest_asyncio.fixture(scope="session")
async def lottery_sandbox_url() -> AsyncIterator[str]:
    from providers.instant_lottery.sandbox import create_sandbox_app

    async with served(create_sandbox_app()) as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def allinpay_sandbox_url() -> AsyncIterator[str]:
    from providers.allinpay.sandbox import create_sandbox_app

    async with served(create_sandbox_app()) as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def red_packet_sandbox_url() -> AsyncIterator[str]:
    from providers.red_packet.sandbox import create_sandbox_app

    async with served(create_sandbox_app()) as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def unionpay_sandbox_url() -> AsyncIterator[str]:
    from providers.unionpay.sandbox import create_sandbox_app

    async with served(create_sandbox_app(key_bits=1024)) as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def randou_sandbox_url() -> AsyncIterator[str]:
    from providers.randou.sandbox import create_sandbox_app

    async with served(create_sandbox_app()) as url:
        yield url
