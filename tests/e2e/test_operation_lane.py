"""Plain operations answered past Strawberry's operation machinery (api/operation_lane.py) answer byte for byte
what Strawberry's path answers: data, errors (their codes and masks), refusals before execution."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

import api.operation_lane
from tests.support import GraphQLClient, TenantFixture

DASHBOARD = Path(__file__).resolve().parents[2] / "graphql" / "dashboard"
ISSUE_READ = ("{ rewards(first: 50) { nodes { id kind status memberId amount { amount formatted } "
              "campaign { name } } } }")


@pytest.fixture
def lane_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents graphql-core ran from the lane."""
    runs: list[str] = []
    real = api.operation_lane.execute

    def counted(schema: Any, document: Any, **kwargs: Any) -> Any:
        runs.append(kwargs.get("operation_name") or "")
        return real(schema, document, **kwargs)

    monkeypatch.setattr(api.operation_lane, "execute", counted)
    return runs


async def _both(http: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any] | None = None
                ) -> tuple[httpx.Response, httpx.Response]:
    headers = {"Authorization": f"Bearer {token}"}
    plain = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    # An `extensions` member makes the request more than a plain query: Strawberry's own path answers it.
    strawberry_path = await http.post("/graphql", json={"query": query, "variables": variables, "extensions": {}},
                                      headers=headers)
    return plain, strawberry_path


@pytest.fixture
async def rewards_granted(gql: GraphQLClient, tenant: TenantFixture) -> str:
    campaign_id = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign_id, 100_000)
    for i in range(5):
        await gql.grant(tenant.operator, campaign_id, f"m{i}", 100 + i, f"g{i}", hold=i % 2 == 1)
    return campaign_id


@pytest.mark.parametrize("name", ["issue", "ListRewards", "ListCampaigns", "EventFeed", "CampaignWithBalances"])
async def test_a_plain_query_answers_what_strawberry_answers(http: httpx.AsyncClient, tenant: TenantFixture,
                                                             rewards_granted: str, lane_runs: list[str],
                                                             name: str) -> None:
    query = ISSUE_READ if name == "issue" else (DASHBOARD / f"{name}.graphql").read_text()
    variables = {"id": rewards_granted} if name == "CampaignWithBalances" else None

    plain, strawberry_path = await _both(http, tenant.viewer, query, variables)

    assert plain.status_code == strawberry_path.status_code == 200
    assert plain.content == strawberry_path.content
    assert "errors" not in plain.json()
    assert len(lane_runs) == 1  # the plain request went through the lane, the other did not


@pytest.mark.parametrize("query", [
    "{ rewards(first: 500) { nodes { id } } }",  # a resolver's refusal: answered in the lane
    "{ rewards(first: 5) { nodes { id nope } } }",  # does not validate
    "{ rewards(first: 5) { nodes { id } } ",  # does not parse
    '{ rewards(first: 5, memberId: "a\\u0000b") { nodes { id } } }',  # text no database can store
    "{ a: __typename b: __typename } { __typename }",  # two anonymous operations
    'mutation { createCampaign(input: {name: "x", asset: "CNY", idempotencyKey: "k"}) { userErrors { code } } }',
])
async def test_errors_and_refusals_are_answered_as_strawberry_answers_them(
        http: httpx.AsyncClient, tenant: TenantFixture, query: str) -> None:
    plain, strawberry_path = await _both(http, tenant.viewer, query)  # a viewer may not create campaigns

    assert plain.status_code == strawberry_path.status_code
    assert plain.content == strawberry_path.content
    assert plain.json()["errors"][0]["extensions"]["code"]


async def test_a_mutation_answers_what_strawberry_answers(http: httpx.AsyncClient, tenant: TenantFixture,
                                                          rewards_granted: str, lane_runs: list[str]) -> None:
    document = (DASHBOARD / "GrantReward.graphql").read_text()
    variables = {"input": {"campaignId": rewards_granted, "memberId": "m9", "amount": "250",
                           "idempotencyKey": "lane-grant"}}

    made, replayed = await _both(http, tenant.operator, document, variables)  # the same key: the same reward

    assert made.status_code == replayed.status_code == 200
    assert made.content == replayed.content
    assert made.json()["data"]["grantReward"]["reward"]["status"] == "ISSUED"
    assert len(lane_runs) == 1
