"""A dashboard's list costs a fixed number of SQL statements whatever the page size: no N+1, and no
COUNT(*) unless `totalCount` is asked for. Statements are counted from Tortoise's db-client log; the
credential's lookup is left out (a key that authenticated within the last second is not looked up again)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.services import campaigns, rewards
from tests.statement_log import counted_statements
from tests.support import GraphQLClient, TenantFixture

DASHBOARD = Path(__file__).resolve().parents[2] / "graphql" / "dashboard"
ISSUE_DOCUMENT = ("{ rewards(first: $first) { nodes { id kind status memberId amount { amount formatted } "
                  "campaign { name } } } }").replace("{ rewards", "query($first: Int) { rewards", 1)
PAGE_SIZES = (10, 50, 100)


# The credential's lookup is left out (see above).
CREDENTIAL_LOOKUPS = ('"api_keys"', '"member_tokens"')


@pytest.fixture
async def busy_tenant(tenant: TenantFixture) -> TenantFixture:
    """More than 100 rewards over two campaigns, more than 100 campaigns, and more than 100 events that
    name rewards and transfers."""
    made = [await campaigns.create_campaign(tenant.id, f"c{i}", "CNY", f"c{i}") for i in range(2)]
    for i, campaign in enumerate(made):
        await campaigns.fund_campaign(tenant.id, campaign.id, 10**9, f"f{i}")
    for i in range(101):
        await rewards.grant_reward(tenant.id, campaign_id=made[i % 2].id, member_id=f"m{i % 7}", amount=10 + i,
                                   idempotency_key=f"g{i}", hold=i % 2 == 0)
    for i in range(2, 101):
        await campaigns.create_campaign(tenant.id, f"c{i}", "CNY", f"c{i}")
    return tenant


async def _count(gql: GraphQLClient, document: str, first: int, token: str) -> int:
    with counted_statements(CREDENTIAL_LOOKUPS) as statements:
        data = await gql(document, {"first": first}, token=token)
    assert len(next(iter(data.values()))["nodes"]) == first
    return len(statements)


@pytest.mark.parametrize(("document", "expected"), [
    # the page, the page's campaigns
    (ISSUE_DOCUMENT, 2),
    # ... and the COUNT(*) for totalCount
    ((DASHBOARD / "ListRewards.graphql").read_text(), 3),
    # the page, the budgets, the count
    ((DASHBOARD / "ListCampaigns.graphql").read_text(), 3),
    # the page, its rewards, its transfers, the count
    ((DASHBOARD / "EventFeed.graphql").read_text(), 4),
], ids=["issue-document", "ListRewards", "ListCampaigns", "EventFeed"])
async def test_a_dashboard_list_costs_the_same_statements_at_every_page_size(
        gql: GraphQLClient, busy_tenant: TenantFixture, document: str, expected: int):
    counts = {first: await _count(gql, document, first, busy_tenant.viewer) for first in PAGE_SIZES}

    assert counts == dict.fromkeys(PAGE_SIZES, expected)


async def test_no_count_runs_when_total_count_is_not_asked_for(gql: GraphQLClient, busy_tenant: TenantFixture):
    with counted_statements(CREDENTIAL_LOOKUPS) as statements:
        await gql("{ rewards(first: 5) { nodes { id } } }", token=busy_tenant.viewer)

    assert not any("COUNT(" in sql.upper() for sql in statements)
    assert len(statements) == 1  # the page
