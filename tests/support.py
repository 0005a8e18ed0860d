"""Helpers the tests share: a tenant with a key per role, and a small GraphQL client over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from api.ids import encode_id
from ledger.domain.access import Role
from ledger.services import access


@asynccontextmanager
async def served(app: Any, *, ssl_certfile: str | None = None, ssl_keyfile: str | None = None
                 ) -> AsyncIterator[str]:
    """Serves an ASGI app over real HTTP on a free loopback port, in the running event loop; over HTTPS
    when given a certificate (PEM, with its chain) and its key file."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on",
                                           ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"{'https' if ssl_certfile else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def sandbox_config(provider: str) -> dict[str, Any]:
    """The settings a new sandbox of `provider` hands out (`/_control/config`), asked in-process."""
    from providers import registry

    transport = httpx.ASGITransport(app=registry.module(provider).sandbox())
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        response = await client.get("/_control/config")
        response.raise_for_status()
        return dict(response.json())


@dataclass
class TenantFixture:
    id: int
    global_id: str
    admin: str
    operator: str
    viewer: str


async def make_tenant(name: str) -> TenantFixture:
    tenant = await access.create_tenant(name)
    keys = {role: (await access.create_api_key(tenant.id, role))[1]
            for role in (Role.ADMIN, Role.OPERATOR, Role.VIEWER)}
    return TenantFixture(id=tenant.id, global_id=encode_id("Tenant", tenant.id), admin=keys[Role.ADMIN],
                         operator=keys[Role.OPERATOR], viewer=keys[Role.VIEWER])


class GraphQLError(AssertionError):
    pass


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def raw(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
                  ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                    headers=headers)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, *, token: str
                       ) -> dict[str, Any]:
        """Runs an operation that must succeed without top-level errors; returns `data`."""
        response = await self.raw(query, variables, token)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise GraphQLError(f"HTTP {response.status_code}: {body}")
        return body["data"]

    async def errors(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None
                     ) -> tuple[int, list[dict[str, Any]]]:
        response = await self.raw(query, variables, token)
        return response.status_code, response.json().get("errors") or []

    # Shortcuts for the flows most tests need.
    async def create_campaign(self, token: str, name: str = "Spring", asset: str = "CNY",
                              key: str = "campaign-1") -> str:
        data = await self(CREATE_CAMPAIGN, {"input": {"name": name, "asset": asset, "idempotencyKey": key}},
                          token=token)
        assert data["createCampaign"]["userErrors"] == [], data
        return data["createCampaign"]["campaign"]["id"]

    async def fund(self, token: str, campaign_id: str, amount: int, key: str = "fund-1") -> dict:
        data = await self(FUND_CAMPAIGN, {"input": {"campaignId": campaign_id, "amount": str(amount),
                                                    "idempotencyKey": key}}, token=token)
        assert data["fundCampaign"]["userErrors"] == [], data
        return data["fundCampaign"]

    async def grant(self, token: str, campaign_id: str, member_id: str, amount: int | str, key: str,
                    **extra: Any) -> dict:
        data = await self(GRANT_REWARD, {"input": {"campaignId": campaign_id, "memberId": member_id,
                                                   "amount": str(amount), "idempotencyKey": key, **extra}},
                          token=token)
        return data["grantReward"]


USER_ERRORS = "userErrors { field code message }"
MONEY = "{ amount asset formatted }"
REWARD_FIELDS = f"id kind status provider memberId amount {MONEY} campaign {{ id }} " \
                f"transfers {{ id state amount {MONEY} postedAmount {MONEY} }}"
CREATE_CAMPAIGN = f"""mutation($input: CreateCampaignInput!) {{
  createCampaign(input: $input) {{ campaign {{ id name asset }} {USER_ERRORS} }} }}"""
FUND_CAMPAIGN = f"""mutation($input: FundCampaignInput!) {{
  fundCampaign(input: $input) {{ campaign {{ id budget {{ balance {{ posted {MONEY} available {MONEY} }} }} }}
    transfer {{ id state amount {MONEY} }} {USER_ERRORS} }} }}"""
GRANT_REWARD = f"""mutation($input: GrantRewardInput!) {{
  grantReward(input: $input) {{ reward {{ {REWARD_FIELDS} }} {USER_ERRORS} }} }}"""
SETTLE_REWARD = f"""mutation($input: SettleRewardInput!) {{
  settleReward(input: $input) {{ reward {{ {REWARD_FIELDS} }} {USER_ERRORS} }} }}"""
REVERSE_TRANSFER = f"""mutation($input: ReverseTransferInput!) {{
  reverseTransfer(input: $input) {{ transfer {{ id state amount {MONEY} reverses {{ id }}
    debitAccount {{ id kind }} creditAccount {{ id kind }} }} {USER_ERRORS} }} }}"""
CAMPAIGN_BALANCE = f"""query($id: ID!) {{ campaign(id: $id) {{ id name asset
  budget {{ id balance {{ posted {MONEY} pending {MONEY} available {MONEY} }} }} }} }}"""
WALLETS = f"""query($member: String!) {{ accounts(filter: {{memberId: $member}}) {{ totalCount
  nodes {{ id kind asset memberId balance {{ posted {MONEY} pending {MONEY} available {MONEY} }} }} }} }}"""


# Helpers for the access and bad-input tests.
def unknown_id(type_name: str) -> str:
    """A well-formed global ID that no row has (the tests' databases never get this far)."""
    return encode_id(type_name, 987_654_321)


async def ledger_snapshot() -> dict[str, Any]:
    """Everything a write could change: row counts, account totals and each tenant's event counter."""
    from ledger.persistence import models

    counted = (models.Tenant, models.ApiKey, models.MemberToken, models.Account, models.Campaign, models.Reward,
               models.Transfer, models.Event, models.IdempotencyRecord)
    snapshot: dict[str, Any] = {model.__name__: await model.all().count() for model in counted}
    snapshot["account_totals"] = await models.Account.all().order_by("id").values_list(
        "id", "debits_posted", "credits_posted", "debits_pending", "credits_pending")
    snapshot["event_counters"] = await models.Tenant.all().order_by("id").values_list("id", "last_event_sequence")
    snapshot["revoked_keys"] = await models.ApiKey.filter(revoked_at__isnull=False).count()
    snapshot["reward_statuses"] = await models.Reward.all().order_by("id").values_list("id", "status")
    snapshot["transfer_states"] = await models.Transfer.all().order_by("id").values_list("id", "state")
    return snapshot


async def post_body(http: httpx.AsyncClient, content: bytes, token: str | None,
                    content_type: str = "application/json") -> httpx.Response:
    """Sends `content` as is: for bodies a well-behaved client would never send."""
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await http.post("/graphql", content=content, headers=headers)


def error_codes(errors: list[dict[str, Any]]) -> list[str | None]:
    return [(error.get("extensions") or {}).get("code") for error in errors]


ISSUE_MEMBER_TOKEN = """mutation($input: IssueMemberTokenInput!) {
  issueMemberToken(input: $input) { token expiresAt userErrors { field code message } } }"""
CREATE_API_KEY = """mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { id role prefix revokedAt } secret userErrors { field code message } } }"""
REVOKE_API_KEY = """mutation($input: RevokeApiKeyInput!) {
  revokeApiKey(input: $input) { apiKey { id revokedAt } userErrors { field code message } } }"""


@dataclass
class SeededLedger:
    """One tenant's objects, one of each kind, for tests that need IDs to point at."""
    campaign: str
    reward: str           # posted grant to m-1
    held_reward: str      # held grant to m-2
    transfer: str         # the posted grant's transfer
    wallet: str           # m-1's wallet account
    event: str
    api_key: str          # the viewer key's ID
    tenant: str


async def seed_ledger(gql: GraphQLClient, tenant: TenantFixture) -> SeededLedger:
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 10_000)
    posted = (await gql.grant(tenant.operator, campaign, "m-1", 1_000, "seed-g-1"))["reward"]
    held = (await gql.grant(tenant.operator, campaign, "m-2", 500, "seed-g-2", hold=True))["reward"]
    data = await gql("""{ accounts(filter: {memberId: "m-1"}) { nodes { id } }
                          events(first: 1) { nodes { id } } apiKeys { id role } }""", token=tenant.admin)
    [wallet] = data["accounts"]["nodes"]
    [viewer_key] = [key for key in data["apiKeys"] if key["role"] == "VIEWER"]
    return SeededLedger(campaign=campaign, reward=posted["id"], held_reward=held["id"],
                        transfer=posted["transfers"][0]["id"], wallet=wallet["id"],
                        event=data["events"]["nodes"][0]["id"], api_key=viewer_key["id"], tenant=tenant.global_id)
