import pytest

from tests.lottery_support import Sandbox, connect_tenant
from tests.support import GraphQLClient, TenantFixture


@pytest.fixture(autouse=True)
def _start_from_an_empty_database(clean_state: None) -> None:
    """Every test here starts from an empty, migrated database."""


@pytest.fixture
async def sandbox(lottery_sandbox_url: str) -> Sandbox:
    """The instant-lottery sandbox, reset for this test."""
    box = Sandbox(lottery_sandbox_url)
    await box.reset()
    return box


@pytest.fixture
async def connected(gql: GraphQLClient, tenant: TenantFixture, sandbox: Sandbox) -> TenantFixture:
    """The tenant, connected to the sandbox with every risk rule open."""
    await connect_tenant(gql, tenant, sandbox)
    return tenant
