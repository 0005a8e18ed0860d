"""Who may do what, over HTTP: credentials, roles, member tokens, and tenants that never see each other."""

from __future__ import annotations

from typing import Any

from ledger.domain import clock
from ledger.services import access
from tests.support import (
    CREATE_API_KEY,
    CREATE_CAMPAIGN,
    FUND_CAMPAIGN,
    GRANT_REWARD,
    ISSUE_MEMBER_TOKEN,
    REVERSE_TRANSFER,
    REVOKE_API_KEY,
    SETTLE_REWARD,
    GraphQLClient,
    TenantFixture,
    error_codes,
    ledger_snapshot,
    seed_ledger,
    unknown_id,
)

VIEWER_QUERY = "{ viewer { role memberId tenant { id } } }"


async def member_token(tenant: TenantFixture, member_id: str, ttl_s: int | None = None) -> str:
    return (await access.issue_member_token(tenant.id, member_id, ttl_s))[0]


def token_of(tenant: TenantFixture, role: str, member: str | None = None) -> str:
    return member if role == "member" else getattr(tenant, role)


# ---------------------------------------------------------------------------------------------------------
# Credentials


BAD_AUTHORIZATIONS = {
    "missing": None,
    "empty": "",
    "bearer-without-credential": "Bearer",
    "basic-scheme": "Basic dXNlcjpwYXNz",
    "other-scheme": "Token rl_key_abc",
    "unknown-api-key": "Bearer rl_key_not-a-real-key",
    "unknown-member-token": "Bearer rl_mbr_not-a-real-token",
    "unknown-kind": "Bearer something-else-entirely",
    "oversized": "Bearer rl_key_" + "x" * 500,
    "not-ascii": b"Bearer rl_key_\xff\xfe",
}


async def test_a_missing_or_bad_credential_is_401_unauthenticated_and_runs_nothing(http, tenant: TenantFixture):
    before = await ledger_snapshot()
    for case, authorization in BAD_AUTHORIZATIONS.items():
        headers = {"Authorization": authorization} if authorization is not None else {}
        response = await http.post("/graphql", headers=headers, json={
            "query": CREATE_CAMPAIGN, "variables": {"input": {"name": "X", "asset": "CNY", "idempotencyKey": "k"}}})
        assert response.status_code == 401, case
        body = response.json()
        assert body["data"] is None, case
        assert error_codes(body["errors"]) == ["UNAUTHENTICATED"], case
        assert response.headers["www-authenticate"].startswith("Bearer"), case
    assert await ledger_snapshot() == before


async def test_the_graphql_path_with_a_trailing_slash_still_needs_a_credential(http, tenant: TenantFixture):
    response = await http.post("/graphql/", json={"query": VIEWER_QUERY})
    assert response.status_code == 401
    assert error_codes(response.json()["errors"]) == ["UNAUTHENTICATED"]


async def test_operations_over_get_are_refused_so_they_cannot_skip_authentication(http, tenant: TenantFixture):
    response = await http.get("/graphql", params={"query": VIEWER_QUERY})
    assert response.status_code == 400
    assert "viewer" not in response.text


async def test_each_api_key_acts_with_its_own_role_and_tenant(gql, tenant: TenantFixture, other_tenant):
    for role in ("admin", "operator", "viewer"):
        viewer = (await gql(VIEWER_QUERY, token=getattr(tenant, role)))["viewer"]
        assert viewer == {"role": role.upper(), "memberId": None, "tenant": {"id": tenant.global_id}}
    other = (await gql(VIEWER_QUERY, token=other_tenant.viewer))["viewer"]
    assert other["tenant"]["id"] == other_tenant.global_id != tenant.global_id


async def test_a_revoked_api_key_is_401_from_the_next_request_on(gql, tenant: TenantFixture):
    created = (await gql(CREATE_API_KEY, {"input": {"role": "OPERATOR", "label": "ci"}},
                         token=tenant.admin))["createApiKey"]
    assert created["userErrors"] == [] and created["apiKey"]["revokedAt"] is None
    secret = created["secret"]
    assert (await gql(VIEWER_QUERY, token=secret))["viewer"]["role"] == "OPERATOR"

    revoked = (await gql(REVOKE_API_KEY, {"input": {"apiKeyId": created["apiKey"]["id"]}},
                         token=tenant.admin))["revokeApiKey"]
    assert revoked["userErrors"] == [] and revoked["apiKey"]["revokedAt"] is not None

    status, errors = await gql.errors(VIEWER_QUERY, token=secret)
    assert (status, error_codes(errors)) == (401, ["UNAUTHENTICATED"])
    again = (await gql(REVOKE_API_KEY, {"input": {"apiKeyId": created["apiKey"]["id"]}},
                       token=tenant.admin))["revokeApiKey"]
    assert again["userErrors"] == [] and again["apiKey"]["revokedAt"] == revoked["apiKey"]["revokedAt"]


async def test_revoking_one_key_leaves_the_other_keys_working(gql, tenant: TenantFixture):
    data = await gql("{ apiKeys { id role } }", token=tenant.admin)
    [operator_key] = [k["id"] for k in data["apiKeys"] if k["role"] == "OPERATOR"]
    await gql(REVOKE_API_KEY, {"input": {"apiKeyId": operator_key}}, token=tenant.admin)
    assert (await gql.errors(VIEWER_QUERY, token=tenant.operator))[0] == 401
    assert (await gql(VIEWER_QUERY, token=tenant.viewer))["viewer"]["role"] == "VIEWER"
    assert (await gql(VIEWER_QUERY, token=tenant.admin))["viewer"]["role"] == "ADMIN"


async def test_a_member_token_works_until_it_expires_then_is_401(gql, tenant: TenantFixture):
    issued = (await gql(ISSUE_MEMBER_TOKEN, {"input": {"memberId": "m-1", "ttlSeconds": 60}},
                        token=tenant.operator))["issueMemberToken"]
    assert issued["userErrors"] == [] and issued["token"].startswith("rl_mbr_")
    viewer = (await gql(VIEWER_QUERY, token=issued["token"]))["viewer"]
    assert viewer == {"role": "MEMBER", "memberId": "m-1", "tenant": {"id": tenant.global_id}}

    clock.advance(59)
    assert (await gql(VIEWER_QUERY, token=issued["token"]))["viewer"]["memberId"] == "m-1"
    clock.advance(2)
    status, errors = await gql.errors(VIEWER_QUERY, token=issued["token"])
    assert (status, error_codes(errors)) == (401, ["UNAUTHENTICATED"])


# ---------------------------------------------------------------------------------------------------------
# Roles

# Every privileged operation, the least role that may run it, and variables that are valid for it. IDs are
# unknown ones: a role check that came after the lookup would answer NOT_FOUND instead of FORBIDDEN.
OPERATIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "createCampaign": ("admin", CREATE_CAMPAIGN,
                       {"input": {"name": "X", "asset": "CNY", "idempotencyKey": "role-k"}}),
    "fundCampaign": ("admin", FUND_CAMPAIGN,
                     {"input": {"campaignId": unknown_id("Campaign"), "amount": "1", "idempotencyKey": "role-k"}}),
    "createApiKey": ("admin", CREATE_API_KEY, {"input": {"role": "ADMIN", "label": "escalate"}}),
    "revokeApiKey": ("admin", REVOKE_API_KEY, {"input": {"apiKeyId": unknown_id("ApiKey")}}),
    "apiKeys": ("admin", "{ apiKeys { id role prefix } }", {}),
    "grantReward": ("operator", GRANT_REWARD,
                    {"input": {"campaignId": unknown_id("Campaign"), "memberId": "m-1", "amount": "1",
                               "idempotencyKey": "role-k"}}),
    "settleReward": ("operator", SETTLE_REWARD,
                     {"input": {"rewardId": unknown_id("Reward"), "action": "VOID", "idempotencyKey": "role-k"}}),
    "reverseTransfer": ("operator", REVERSE_TRANSFER,
                        {"input": {"transferId": unknown_id("Transfer"), "idempotencyKey": "role-k"}}),
    "issueMemberToken": ("operator", ISSUE_MEMBER_TOKEN, {"input": {"memberId": "m-1"}}),
    "campaigns": ("viewer", "{ campaigns { totalCount nodes { id } } }", {}),
    "campaign": ("viewer", "query($id: ID!) { campaign(id: $id) { id } }", {"id": unknown_id("Campaign")}),
}
_RANK = {"member": 0, "viewer": 1, "operator": 2, "admin": 3}


async def assert_forbidden_to(gql: GraphQLClient, tenant: TenantFixture, role: str) -> list[str]:
    """Runs every operation above `role` with its token; each must be FORBIDDEN and change nothing."""
    token = token_of(tenant, role, await member_token(tenant, "m-1"))
    refused = []
    before = await ledger_snapshot()
    for name, (least, document, variables) in OPERATIONS.items():
        if _RANK[role] >= _RANK[least]:
            continue
        status, errors = await gql.errors(document, variables, token=token)
        assert (status, error_codes(errors)) == (200, ["FORBIDDEN"]), (name, errors)
        assert errors[0]["path"] == [name]
        refused.append(name)
    assert await ledger_snapshot() == before
    return refused


async def test_a_viewer_may_not_act_or_manage(gql, tenant: TenantFixture):
    refused = await assert_forbidden_to(gql, tenant, "viewer")
    assert set(refused) == {"createCampaign", "fundCampaign", "createApiKey", "revokeApiKey", "apiKeys",
                            "grantReward", "settleReward", "reverseTransfer", "issueMemberToken"}


async def test_an_operator_may_not_manage_keys_or_campaigns(gql, tenant: TenantFixture):
    refused = await assert_forbidden_to(gql, tenant, "operator")
    assert set(refused) == {"createCampaign", "fundCampaign", "createApiKey", "revokeApiKey", "apiKeys"}


async def test_a_member_token_may_not_run_mutations_nor_read_campaigns_or_keys(gql, tenant: TenantFixture):
    refused = await assert_forbidden_to(gql, tenant, "member")
    assert set(refused) == set(OPERATIONS)


async def test_each_operation_is_let_through_to_its_least_role_and_above(gql, tenant: TenantFixture):
    for name, (least, document, variables) in OPERATIONS.items():
        for role in ("viewer", "operator", "admin"):
            if _RANK[role] < _RANK[least]:
                continue
            data = await gql(document, variables, token=getattr(tenant, role))  # raises on any top-level error
            assert name in data, (name, role)
            if document.lstrip().startswith("mutation"):
                assert data[name] is not None, (name, role)


async def test_a_viewer_reads_everything_of_its_tenant(gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    data = await gql("""{ rewards { totalCount } campaigns { totalCount } accounts { totalCount }
                          transfers { totalCount } events { totalCount } }""", token=tenant.viewer)
    assert data["rewards"]["totalCount"] == 2 and data["campaigns"]["totalCount"] == 1
    assert data["accounts"]["totalCount"] == 4  # funding, budget, two wallets
    assert data["transfers"]["totalCount"] == 3 and data["events"]["totalCount"] == 7
    one = await gql("query($id: ID!) { reward(id: $id) { memberId } }", {"id": seeded.held_reward},
                    token=tenant.viewer)
    assert one["reward"]["memberId"] == "m-2"


# ---------------------------------------------------------------------------------------------------------
# Member tokens

MEMBER_READS = """{ viewer { role memberId }
  rewards { totalCount nodes { id memberId } }
  accounts { totalCount nodes { id memberId kind } }
  transfers { totalCount nodes { id } }
  events(first: 100) { totalCount nodes { memberId type } } }"""


async def test_a_member_token_reads_only_that_members_rewards_accounts_and_events(gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    data = await gql(MEMBER_READS, token=await member_token(tenant, "m-1"))
    assert data["viewer"] == {"role": "MEMBER", "memberId": "m-1"}
    assert data["rewards"] == {"totalCount": 1, "nodes": [{"id": seeded.reward, "memberId": "m-1"}]}
    assert data["accounts"] == {"totalCount": 1,
                                "nodes": [{"id": seeded.wallet, "memberId": "m-1", "kind": "MEMBER_WALLET"}]}
    assert data["transfers"] == {"totalCount": 1, "nodes": [{"id": seeded.transfer}]}
    events = data["events"]["nodes"]
    assert events and data["events"]["totalCount"] == len(events)
    assert {e["memberId"] for e in events} == {"m-1"}
    assert [e["type"] for e in events] == ["reward.created", "transfer.posted"]


async def test_a_member_token_cannot_widen_its_reads_with_filters(gql, tenant: TenantFixture):
    await seed_ledger(gql, tenant)
    data = await gql("""{ rewards(filter: {memberId: "m-2"}) { totalCount }
                          accounts(filter: {memberId: "m-2"}) { totalCount }
                          budget: accounts(filter: {kind: CAMPAIGN_BUDGET}) { totalCount } }""",
                     token=await member_token(tenant, "m-1"))
    assert data == {"rewards": {"totalCount": 0}, "accounts": {"totalCount": 0}, "budget": {"totalCount": 0}}


async def test_a_member_token_sees_another_members_objects_as_unknown(gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    m2 = await gql("""{ accounts(filter: {memberId: "m-2"}) { nodes { id } }
                        transfers(filter: {state: PENDING}) { nodes { id } } }""", token=tenant.viewer)
    m2_wallet, m2_transfer = m2["accounts"]["nodes"][0]["id"], m2["transfers"]["nodes"][0]["id"]
    token = await member_token(tenant, "m-1")
    reads = {"reward": (seeded.held_reward, "Reward"), "account": (m2_wallet, "Account"),
             "transfer": (m2_transfer, "Transfer"), "node": (seeded.held_reward, "Reward")}
    for field, (other_members, type_name) in reads.items():
        query = f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}"
        theirs = await gql.raw(query, {"id": other_members}, token)
        unknown = await gql.raw(query, {"id": unknown_id(type_name)}, token)
        assert theirs.status_code == unknown.status_code == 200
        assert theirs.json() == unknown.json() == {"data": {field: None}}, field
    own = await gql("query($id: ID!) { reward(id: $id) { id } }", {"id": seeded.reward}, token=token)
    assert own["reward"] == {"id": seeded.reward}


async def test_a_member_token_cannot_read_a_campaign_budget_through_its_reward(gql, tenant: TenantFixture):
    await seed_ledger(gql, tenant)
    token = await member_token(tenant, "m-1")
    data = await gql("{ rewards { nodes { campaign { budget { balance { posted { amount } } } } } } }", token=token)
    assert [node["campaign"] for node in data["rewards"]["nodes"]] == [None]  # no campaign for members at all
    status, errors = await gql.errors(
        "{ transfers { nodes { debitAccount { kind balance { posted { amount } } } } } }", token=token)
    assert status == 200 and error_codes(errors) == ["FORBIDDEN"]


async def test_a_member_token_never_reaches_the_same_member_id_in_another_tenant(
        gql, tenant: TenantFixture, other_tenant: TenantFixture):
    ours = await seed_ledger(gql, tenant)
    theirs = await seed_ledger(gql, other_tenant)
    token = await member_token(tenant, "m-1")
    data = await gql(MEMBER_READS, token=token)
    assert [r["id"] for r in data["rewards"]["nodes"]] == [ours.reward]
    assert [a["id"] for a in data["accounts"]["nodes"]] == [ours.wallet]
    assert data["events"]["totalCount"] == 2
    for field, object_id in (("reward", theirs.reward), ("account", theirs.wallet),
                             ("transfer", theirs.transfer), ("node", theirs.reward)):
        found = await gql(f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", {"id": object_id}, token=token)
        assert found == {field: None}


# ---------------------------------------------------------------------------------------------------------
# Tenants


async def test_lists_never_include_another_tenants_rows(gql, tenant: TenantFixture, other_tenant: TenantFixture):
    ours = await seed_ledger(gql, tenant)
    theirs = await seed_ledger(gql, other_tenant)
    query = """{ rewards { totalCount nodes { id } } campaigns { totalCount nodes { id } }
                 accounts { totalCount nodes { id } } transfers { totalCount nodes { id } }
                 events(first: 100) { totalCount nodes { id sequence } } apiKeys { id } }"""
    mine, other = await gql(query, token=tenant.admin), await gql(query, token=other_tenant.admin)
    for field in ("rewards", "campaigns", "accounts", "transfers", "events"):
        assert mine[field]["totalCount"] == other[field]["totalCount"] == len(mine[field]["nodes"]), field
        assert not {n["id"] for n in mine[field]["nodes"]} & {n["id"] for n in other[field]["nodes"]}, field
    assert {r["id"] for r in mine["rewards"]["nodes"]} == {ours.reward, ours.held_reward}
    assert theirs.reward not in {r["id"] for r in mine["rewards"]["nodes"]}
    assert [e["sequence"] for e in mine["events"]["nodes"]] == list(range(1, mine["events"]["totalCount"] + 1))
    assert len(mine["apiKeys"]) == 3 and ours.api_key in {k["id"] for k in mine["apiKeys"]}
    assert theirs.api_key not in {k["id"] for k in mine["apiKeys"]}


READ_BY_ID = [
    ("reward", "reward", "Reward"),
    ("campaign", "campaign", "Campaign"),
    ("account", "wallet", "Account"),
    ("transfer", "transfer", "Transfer"),
    ("node", "reward", "Reward"),
    ("node", "campaign", "Campaign"),
    ("node", "wallet", "Account"),
    ("node", "transfer", "Transfer"),
    ("node", "event", "Event"),
    ("node", "tenant", "Tenant"),
    ("node", "api_key", "ApiKey"),
]


async def test_reading_another_tenants_id_answers_exactly_like_an_unknown_id(
        gql, tenant: TenantFixture, other_tenant: TenantFixture):
    theirs = await seed_ledger(gql, other_tenant)
    await seed_ledger(gql, tenant)
    for field, attribute, type_name in READ_BY_ID:
        query = f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}"
        foreign = await gql.raw(query, {"id": getattr(theirs, attribute)}, tenant.admin)
        unknown = await gql.raw(query, {"id": unknown_id(type_name)}, tenant.admin)
        assert foreign.status_code == unknown.status_code == 200, (field, type_name)
        assert foreign.json() == unknown.json() == {"data": {field: None}}, (field, type_name)
        if type_name != "ApiKey":  # API keys are nobody's nodes; everything else is found by its owner
            own = await gql(query, {"id": getattr(theirs, attribute)}, token=other_tenant.admin)
            assert own[field] == {"id": getattr(theirs, attribute)}, (field, type_name)


FILTERS = [
    ("rewards", "campaignId", "campaign", "Campaign"),
    ("transfers", "rewardId", "reward", "Reward"),
    ("transfers", "accountId", "wallet", "Account"),
]


async def test_filtering_by_another_tenants_id_answers_exactly_like_an_unknown_id(
        gql, tenant: TenantFixture, other_tenant: TenantFixture):
    theirs = await seed_ledger(gql, other_tenant)
    await seed_ledger(gql, tenant)
    for field, filter_name, attribute, type_name in FILTERS:
        query = f"query($id: ID!) {{ {field}(filter: {{{filter_name}: $id}}) {{ totalCount nodes {{ id }} }} }}"
        foreign = await gql.raw(query, {"id": getattr(theirs, attribute)}, tenant.viewer)
        unknown = await gql.raw(query, {"id": unknown_id(type_name)}, tenant.viewer)
        assert foreign.status_code == unknown.status_code == 200, filter_name
        assert foreign.json() == unknown.json() == {"data": {field: {"totalCount": 0, "nodes": []}}}, filter_name
        own = await gql(query, {"id": getattr(theirs, attribute)}, token=other_tenant.viewer)
        assert own[field]["totalCount"] >= 1, filter_name


MUTATIONS_ON_IDS = [
    ("fundCampaign", FUND_CAMPAIGN, "campaign", "Campaign",
     lambda i: {"campaignId": i, "amount": "100", "idempotencyKey": "x-1"}, "admin"),
    ("grantReward", GRANT_REWARD, "campaign", "Campaign",
     lambda i: {"campaignId": i, "memberId": "m-9", "amount": "100", "idempotencyKey": "x-1"}, "operator"),
    ("settleReward", SETTLE_REWARD, "held_reward", "Reward",
     lambda i: {"rewardId": i, "action": "POST", "idempotencyKey": "x-1"}, "operator"),
    ("settleReward", SETTLE_REWARD, "held_reward", "Reward",
     lambda i: {"rewardId": i, "action": "VOID", "idempotencyKey": "x-1"}, "operator"),
    ("reverseTransfer", REVERSE_TRANSFER, "transfer", "Transfer",
     lambda i: {"transferId": i, "idempotencyKey": "x-1"}, "operator"),
    ("revokeApiKey", REVOKE_API_KEY, "api_key", "ApiKey", lambda i: {"apiKeyId": i}, "admin"),
]


async def test_acting_on_another_tenants_id_answers_exactly_like_an_unknown_id_and_writes_nothing(
        gql, tenant: TenantFixture, other_tenant: TenantFixture):
    theirs = await seed_ledger(gql, other_tenant)
    await seed_ledger(gql, tenant)
    before = await ledger_snapshot()
    for operation, document, attribute, type_name, make_input, role in MUTATIONS_ON_IDS:
        token = getattr(tenant, role)
        foreign = await gql.raw(document, {"input": make_input(getattr(theirs, attribute))}, token)
        unknown = await gql.raw(document, {"input": make_input(unknown_id(type_name))}, token)
        assert foreign.status_code == unknown.status_code == 200, operation
        assert foreign.json() == unknown.json(), operation
        payload = foreign.json()["data"][operation]
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"], operation
        assert [v for k, v in payload.items() if k != "userErrors"] == [None] * (len(payload) - 1), operation
    assert await ledger_snapshot() == before
    # The other tenant's viewer key, which we tried to revoke, still works.
    assert (await gql(VIEWER_QUERY, token=other_tenant.viewer))["viewer"]["role"] == "VIEWER"


async def test_idempotency_keys_belong_to_one_tenant(gql, tenant: TenantFixture, other_tenant: TenantFixture):
    ours = await seed_ledger(gql, tenant)
    theirs = await seed_ledger(gql, other_tenant)
    mine = await gql.grant(tenant.operator, ours.campaign, "m-5", 100, "shared-key")
    # Another tenant using the same key, even for a different request, neither replays ours nor collides.
    other = await gql.grant(other_tenant.operator, theirs.campaign, "m-6", 200, "shared-key")
    assert mine["userErrors"] == other["userErrors"] == []
    assert mine["reward"]["id"] != other["reward"]["id"]
    assert (other["reward"]["memberId"], other["reward"]["amount"]["amount"]) == ("m-6", "200")
    assert other["reward"]["campaign"]["id"] == theirs.campaign

