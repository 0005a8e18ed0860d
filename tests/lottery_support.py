"""Helpers for tests of the instant-lottery flow: the sandbox's control routes and connecting a tenant."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from tests.support import USER_ERRORS, GraphQLClient, TenantFixture

REWARD = """id kind status provider memberId amount { amount asset } campaign { id }
  transfers { state amount { amount } debitAccount { kind } creditAccount { kind memberId } }"""
REDEEM = f"""mutation($input: RedeemLotteryTicketInput!) {{ redeemLotteryTicket(input: $input) {{
  reward {{ {REWARD} }} ticket {{ barCode ticketNo game prizeLevel prizeAmount {{ amount }} stationId }}
  {USER_ERRORS} }} }}"""
SYNC = f"""mutation($input: SyncRewardInput!) {{ syncReward(input: $input) {{ reward {{ {REWARD} }}
  {USER_ERRORS} }} }}"""
CONFIGURE = f"""mutation($input: ConfigureProviderInput!) {{ configureProvider(input: $input) {{
  providerConfig {{ provider baseUrl settings updatedAt }} {USER_ERRORS} }} }}"""
RISK_RULES = f"""mutation($input: SetLotteryRiskRulesInput!) {{ setLotteryRiskRules(input: $input) {{
  {USER_ERRORS} }} }}"""
OPEN_RULES = {"requireRealName": False, "serviceHours": "00:00-24:00", "minIntervalSeconds": None,
              "maxTicketsPerDay": None, "maxAmountPerDay": None, "maxFailuresPerDay": None}


class Sandbox:
    """The sandbox's control routes."""

    def __init__(self, url: str, verify: ssl.SSLContext | bool = True) -> None:
        self.url = url
        self.http = httpx.AsyncClient(base_url=url, timeout=30, verify=verify)

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.http.post(path, json=body or {})
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    async def reset(self) -> None:
        await self._post("/_control/reset")

    async def config(self) -> dict[str, Any]:
        return (await self.http.get("/_control/config")).json()

    async def ticket(self, bar_code: str, outcome: str = "WIN", prize_fen: int = 500, **extra: Any) -> None:
        await self._post("/_control/tickets", {"barCode": bar_code, "outcome": outcome, "prizeAmountFen": prize_fen,
                                               **extra})

    async def rules(self, **rules: Any) -> None:
        await self._post("/_control/rules", rules)

    async def faults(self, mode: str, count: int = 1, **extra: Any) -> None:
        await self._post("/_control/faults", {"mode": mode, "count": count, **extra})

    async def records(self) -> dict[str, Any]:
        return (await self.http.get("/_control/records")).json()

    async def expire_tokens(self) -> None:
        await self._post("/_control/expire-tokens")


async def connect_tenant(gql: GraphQLClient, tenant: TenantFixture, sandbox: Sandbox, **settings: Any) -> dict:
    """Configures the tenant for the sandbox with short timeouts, and opens every risk rule on both sides
    (tests of a rule switch that one on again)."""
    config = {**await sandbox.config(), "readTimeoutSeconds": 0.5, "connectTimeoutSeconds": 0.5, **settings}
    data = await gql(CONFIGURE, {"input": {"provider": "instant-lottery", "settings": config}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data
    data = await gql(RISK_RULES, {"input": OPEN_RULES}, token=tenant.admin)
    assert data["setLotteryRiskRules"]["userErrors"] == [], data
    await sandbox.rules(serviceHours="00:00-24:00", minIntervalSeconds=0, maxFailuresPerDay=1000,
                        maxTicketsPerDay=1000, maxAmountPerDayFen=10**12)
    return config


async def redeem(gql: GraphQLClient, token: str, bar_code: str, key: str, member: str = "m1",
                 **extra: Any) -> dict[str, Any]:
    data = await gql(REDEEM, {"input": {"barCode": bar_code, "memberId": member, "userRealIp": "10.0.0.8",
                                        "idempotencyKey": key, **extra}}, token=token)
    return data["redeemLotteryTicket"]


async def sync(gql: GraphQLClient, token: str, reward_id: str) -> dict[str, Any]:
    return (await gql(SYNC, {"input": {"rewardId": reward_id}}, token=token))["syncReward"]
