"""Balances stay inside 64 bits: a change that would take an account past the range is refused with
INVALID_AMOUNT before anything is written, on SQLite (which would turn the column into a float) and on
PostgreSQL (whose BIGINT would fail the write with a server error)."""

from __future__ import annotations

from ledger.domain.money import MAX_AMOUNT
from ledger.services.audit import audit
from tests.support import CAMPAIGN_BALANCE, FUND_CAMPAIGN, GraphQLClient, TenantFixture, ledger_snapshot


async def fund(gql: GraphQLClient, tenant: TenantFixture, campaign: str, amount: int, key: str) -> dict:
    variables = {"input": {"campaignId": campaign, "amount": str(amount), "idempotencyKey": key}}
    return (await gql(FUND_CAMPAIGN, variables, token=tenant.admin))["fundCampaign"]


async def test_funding_past_64_bits_is_refused_and_changes_nothing(gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    assert (await fund(gql, tenant, campaign, MAX_AMOUNT, "f-1"))["userErrors"] == []
    before = await ledger_snapshot()

    refused = await fund(gql, tenant, campaign, MAX_AMOUNT, "f-2")
    assert [error["code"] for error in refused["userErrors"]] == ["INVALID_AMOUNT"]
    assert (await fund(gql, tenant, campaign, 1, "f-3"))["userErrors"][0]["code"] == "INVALID_AMOUNT"

    assert await ledger_snapshot() == before
    balance = (await gql(CAMPAIGN_BALANCE, {"id": campaign}, token=tenant.viewer))["campaign"]["budget"]["balance"]
    assert balance["posted"]["amount"] == str(MAX_AMOUNT)
    report = await audit()
    assert report.ok, report.problems


async def test_the_limit_holds_for_the_funding_account_that_feeds_every_campaign(gql: GraphQLClient,
                                                                                  tenant: TenantFixture):
    first = await gql.create_campaign(tenant.admin, name="A", key="c-a")
    second = await gql.create_campaign(tenant.admin, name="B", key="c-b")
    await fund(gql, tenant, first, MAX_AMOUNT - 10, "f-a")
    assert (await fund(gql, tenant, second, 11, "f-b"))["userErrors"][0]["code"] == "INVALID_AMOUNT"
    assert (await fund(gql, tenant, second, 10, "f-c"))["userErrors"] == []
    assert (await audit()).ok
