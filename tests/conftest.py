"""Test harness: one real database for the session, created for the run and dropped after it (SQLite in a
temporary folder by default; a new PostgreSQL database on TEST_DATABASE_URL's server, see tests/databases.py),
migrated with the project's own migrations, emptied before every test, and the API served over real HTTP on
loopback by uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from tortoise.contrib.test import truncate_all_models

from api.app import create_app
from api.settings import Settings
from ledger.domain import clock
from ledger.persistence.database import migrate, open_database
from ledger.services.audit import audit
from tests.databases import TestDatabase, TestServerUnreachable, create_test_database, drop_test_database
from tests.secrets_support import use_test_secrets_key
from tests.support import GraphQLClient, TenantFixture, make_tenant, served

_test_database: TestDatabase | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _test_database
    use_test_secrets_key()  # in every worker too: each process encrypts and decrypts provider secrets
    if getattr(config, "workerinput", None) is not None or _test_database is not None:
        return
    try:
        _test_database = create_test_database()
    except TestServerUnreachable as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    global _test_database
    if _test_database is not None:
        drop_test_database(_test_database)
        _test_database = None


def pytest_report_header() -> str:
    where = _test_database.url if _test_database else "?"
    return f"test database: {where.split('@')[-1]} (created for this run)"


@pytest.fixture(scope="session")
def database_url() -> str:
    assert _test_database is not None, "pytest_configure creates the test database"
    return _test_database.url


@pytest_asyncio.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[None]:
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
async def server_url(database: None, database_url: str) -> AsyncIterator[str]:
    async with served(create_app(Settings(database_url=database_url), manage_database=False)) as url:
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

    # The storm test sends 200 pushes at once; on a loaded two-core machine an answer can take over 5 s.
    async with served(create_sandbox_app(timeout_s=30)) as url:
        yield url
