"""The schema's faster way through basic fields (api/leaf_execution.py) answers exactly what graphql-core's
own executor answers: the same data and the same errors, for every dashboard document and for documents
with fragments, aliases, directives and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.context import AppContext
from api.ids import encode_id
from api.schema import build_schema
from ledger.domain.access import Principal, Role
from ledger.services import campaigns, rewards
from tests.support import TenantFixture

DASHBOARD = Path(__file__).resolve().parents[2] / "graphql" / "dashboard"
QUERIES = ["ListRewards", "ListCampaigns", "EventFeed", "CampaignWithBalances", "RewardDetail"]
MORE = [
    # fragments, aliases and directives over basic fields and amounts
    """fragment M on Money { a: amount asset formatted }
       query($skip: Boolean = true) { rewards(first: 30) { edges { cursor node { id kind status
         x: amount { ...M } amount @skip(if: $skip) { amount } ... on Reward { memberId provider } } } } }""",
    # an argument that is not valid: an error, the same either way
    "{ rewards(first: 500) { nodes { id } } }",
    # a member token: campaigns are null, budgets refused
    "{ rewards(first: 10) { nodes { id amount { formatted } campaign { name } } } }",
]


@pytest.fixture
async def ledger_rows(tenant: TenantFixture) -> dict[str, Any]:
    made = [await campaigns.create_campaign(tenant.id, f"c{i}", "CNY" if i else "COUPON:T1", f"c{i}")
            for i in range(3)]
    for i, campaign in enumerate(made):
        await campaigns.fund_campaign(tenant.id, campaign.id, 10**6, f"f{i}")
    granted = [await rewards.grant_reward(tenant.id, campaign_id=made[i % 3].id, member_id=f"m{i % 4}",
                                          amount=7 + i, idempotency_key=f"g{i}", hold=i % 2 == 0)
               for i in range(24)]
    await rewards.settle_reward(tenant.id, granted[0].id, rewards.SettleAction.POST, "s0", amount=3)
    await rewards.settle_reward(tenant.id, granted[2].id, rewards.SettleAction.VOID, "s2")
    return {"id": encode_id("Campaign", made[1].id), "rewardId": encode_id("Reward", granted[0].id)}


async def _both(document: str, variables: dict[str, Any], principal: Principal) -> list[tuple[Any, Any]]:
    answers = []
    for fast in (True, False):
        schema = build_schema()
        if not fast:
            schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
        result = await schema.execute(document, variable_values=variables,
                                      context_value=AppContext(principal=principal))
        answers.append((result.data, [(e.message, e.path) for e in result.errors or []]))
    return answers


@pytest.mark.parametrize("name", QUERIES)
async def test_every_dashboard_query_answers_the_same(tenant: TenantFixture, ledger_rows: dict[str, Any],
                                                      name: str):
    document = (DASHBOARD / f"{name}.graphql").read_text()
    variables = {"id": ledger_rows["rewardId"] if name == "RewardDetail" else ledger_rows["id"]}

    fast, standard = await _both(document, variables, Principal(tenant_id=tenant.id, role=Role.VIEWER))

    assert fast == standard
    assert fast[0] is not None


@pytest.mark.parametrize("document", MORE, ids=["fragments-aliases-directives", "bad-argument", "member"])
@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER])
async def test_other_shapes_answer_the_same(tenant: TenantFixture, ledger_rows: dict[str, Any], document: str,
                                            role: Role):
    principal = Principal(tenant_id=tenant.id, role=role, member_id="m1" if role is Role.MEMBER else None)

    fast, standard = await _both(document, {}, principal)

    assert fast == standard
