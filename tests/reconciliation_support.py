"""Helpers for the reconciliation tests: the GraphQL documents, the lottery sandbox's staging routes, and the
provider's day as the ledger's clock sees it."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.ids import decode_id_of
from ledger.domain.clock import now
from ledger.domain.reconciliation import PROVIDER_ZONE
from ledger.persistence.models import Account, Reward
from tests.lottery_support import Sandbox
from tests.support import USER_ERRORS, GraphQLClient

MONEY = "{ amount asset }"
DISCREPANCY = f"""id kind status provider date reference ledgerAmount {MONEY} providerAmount {MONEY} ledgerStatus
  providerStatus evidence resolution note resolvedAt resolvedBy reward {{ id status amount {MONEY} }}
  transfer {{ id state amount {MONEY} debitAccount {{ kind }} creditAccount {{ kind memberId }} reverses {{ id }} }}"""
RUN = f"""id provider date status matchedCount matchedAmount {MONEY} discrepancyCount counts note
  discrepancies(first: 50) {{ totalCount nodes {{ {DISCREPANCY} }} }}"""
RUN_RECONCILIATION = f"""mutation($input: RunReconciliationInput!) {{ runReconciliation(input: $input) {{
  reconciliationRun {{ {RUN} }} {USER_ERRORS} }} }}"""
RESOLVE = f"""mutation($input: ResolveDiscrepancyInput!) {{ resolveDiscrepancy(input: $input) {{
  discrepancy {{ {DISCREPANCY} }} transfer {{ id state amount {MONEY} debitAccount {{ kind }}
  creditAccount {{ kind memberId }} }} {USER_ERRORS} }} }}"""
DISCREPANCIES = f"""query($filter: DiscrepancyFilter) {{ discrepancies(first: 50, filter: $filter) {{ totalCount
  nodes {{ {DISCREPANCY} }} }} }}"""
RUNS = f"""query($filter: ReconciliationRunFilter) {{ reconciliationRuns(first: 50, filter: $filter) {{ totalCount
  nodes {{ {RUN} }} }} }}"""


def today() -> date:
    """The provider's day now (Beijing time, by the ledger's clock): the day the tests' records fall on."""
    return now().astimezone(PROVIDER_ZONE).date()


async def run_reconciliation(gql: GraphQLClient, token: str, provider: str = "instant-lottery",
                             day: date | None = None) -> dict[str, Any]:
    data = await gql(RUN_RECONCILIATION, {"input": {"provider": provider, "date": (day or today()).isoformat()}},
                     token=token)
    return dict(data["runReconciliation"])


async def resolve(gql: GraphQLClient, token: str, discrepancy_id: str, resolution: str, key: str,
                  note: str = "checked the provider's record") -> dict[str, Any]:
    data = await gql(RESOLVE, {"input": {"discrepancyId": discrepancy_id, "resolution": resolution, "note": note,
                                         "idempotencyKey": key}}, token=token)
    return dict(data["resolveDiscrepancy"])


def by_kind(discrepancies: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in discrepancies}


async def transac_id_of(reward_global_id: str) -> str:
    reward = await Reward.get(id=decode_id_of("Reward", reward_global_id))
    return str(reward.provider_refs["transacId"])


async def balance(kind: str, owner: str | None = None, member: str | None = None) -> int:
    """Credits minus debits, posted, of the account of that kind (and owner or member); 0 when it has none."""
    filters: dict[str, Any] = {"kind": kind, "asset": "CNY"}
    if owner is not None:
        filters["owner_key"] = owner
    if member is not None:
        filters["member_id"] = member
    account = await Account.get_or_none(**filters)
    return 0 if account is None else account.credits_posted - account.debits_posted


class Staging:
    """The lottery sandbox's routes that change only the gateway's side."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.sandbox.http.post(path, json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def add(self, bar_code: str, prize_fen: int, user_id: str, **extra: Any) -> dict[str, Any]:
        return await self._post("/_control/redemptions", {"barCode": bar_code, "prizeAmountFen": prize_fen,
                                                          "userId": user_id, **extra})

    async def amend(self, transac_id: str, prize_fen: int) -> dict[str, Any]:
        return await self._post("/_control/redemptions/amend", {"transacId": transac_id, "prizeAmountFen": prize_fen})

    async def forget(self, transac_id: str) -> dict[str, Any]:
        return await self._post("/_control/redemptions/forget", {"transacId": transac_id})
