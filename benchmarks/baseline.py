"""The benchmark's baseline: plain Litestar JSON routes that do what a GraphQL document does, without GraphQL.

Each route authenticates the same way, calls the same service or query function, and answers byte for byte
the JSON the GraphQL document answers (the harness checks that before it measures), so the difference
between the two is what GraphQL costs. Mounted only by the benchmark's app factory, never in production.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, post

from api.auth import bearer_credential
from api.errors import UserError
from api.ids import decode_id_of, encode_cursor, encode_id
from api.json_encoding import encode_json
from ledger.domain.access import Principal, Role
from ledger.domain.errors import LedgerError
from ledger.domain.money import Money
from ledger.domain.statuses import RewardStatus
from ledger.persistence.models import Account, Campaign, Event, Reward, Transfer
from ledger.services import lottery, reads, rewards
from ledger.services.credential_cache import authenticate_cached

Handler = Callable[[Principal, dict[str, Any]], Awaitable[dict[str, Any]]]


def encode(data: dict[str, Any]) -> bytes:
    """What the GraphQL view encodes its answers with."""
    return encode_json(data)


def _answer(data: dict[str, Any], status: int = 200) -> Response[bytes]:
    return Response(encode(data), status_code=status, media_type="application/json")


async def _serve(request: Request, handler: Handler, role: Role = Role.VIEWER) -> Response[bytes]:
    credential = bearer_credential(request.headers.get("authorization"))
    principal = await authenticate_cached(credential) if credential and len(credential) <= 200 else None
    if principal is None or not principal.has_at_least(role):
        return _answer({"data": None, "errors": [{"message": "unauthenticated"}]}, 401)
    body = json.loads(await request.body())
    return _answer({"data": await handler(principal, body.get("variables") or {})})


# Shapes: the JSON a GraphQL selection gives for a row.
def _money(amount: int, asset: str, *fields: str) -> dict[str, Any]:
    everything = {"amount": str(amount), "asset": asset, "formatted": Money(amount, asset).formatted()}
    return {name: everything[name] for name in fields}


def _user_errors(error: LedgerError) -> list[dict[str, Any]]:
    user_error = UserError.from_ledger(error)
    return [{"field": user_error.field, "code": user_error.code, "message": user_error.message}]


def _page_info(page: reads.Page[Any], position: Callable[[Any], int], *fields: str) -> dict[str, Any]:
    everything = {"hasNextPage": page.has_next,
                  "endCursor": encode_cursor(position(page.items[-1])) if page.items else None}
    return {name: everything[name] for name in fields}


async def _campaigns_of(principal: Principal, rows: list[Reward]) -> dict[int, Campaign]:
    if principal.is_member:
        return {}
    return await reads.by_ids(Campaign, principal, (row.campaign_id for row in rows))  # type: ignore[attr-defined]


async def typename(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """`{ __typename }`: the request and nothing else."""
    return {"__typename": "Query"}


async def issue_rewards_page(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """`rewards(first: 50) { nodes { id kind status memberId amount { amount formatted } campaign { name } } }`"""
    page = await reads.paginate(reads.rewards(principal), first=50, after=None)
    campaigns = await _campaigns_of(principal, page.items)

    def node(row: Reward) -> dict[str, Any]:
        campaign = campaigns.get(row.campaign_id)  # type: ignore[attr-defined]
        return {"id": encode_id("Reward", row.id), "kind": row.kind.name, "status": row.status.name,
                "memberId": row.member_id, "amount": _money(row.amount, row.asset, "amount", "formatted"),
                "campaign": {"name": campaign.name} if campaign else None}

    return {"rewards": {"nodes": [node(row) for row in page.items]}}


async def list_rewards(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """graphql/dashboard/ListRewards.graphql with its defaults (first 50, no filter)."""
    page = await reads.paginate(reads.rewards(principal), first=variables.get("first", 50), after=None)
    campaigns = await _campaigns_of(principal, page.items)

    def node(row: Reward) -> dict[str, Any]:
        campaign = campaigns.get(row.campaign_id)  # type: ignore[attr-defined]
        return {"id": encode_id("Reward", row.id), "kind": row.kind.name, "status": row.status.name,
                "provider": row.provider, "memberId": row.member_id,
                "amount": _money(row.amount, row.asset, "amount", "asset", "formatted"),
                "campaign": {"id": encode_id("Campaign", campaign.id), "name": campaign.name} if campaign else None,
                "createdAt": row.created_at.isoformat(), "updatedAt": row.updated_at.isoformat()}

    return {"rewards": {"totalCount": await page.count_all(),
                        "pageInfo": _page_info(page, lambda row: row.id, "hasNextPage", "endCursor"),
                        "nodes": [node(row) for row in page.items]}}


async def list_campaigns(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """graphql/dashboard/ListCampaigns.graphql with its defaults (first 50)."""
    page = await reads.paginate(reads.campaigns(principal), first=variables.get("first", 50), after=None)
    budgets = await reads.by_ids(Account, principal, (row.budget_account_id for row in page.items))  # type: ignore[attr-defined]

    def node(row: Campaign) -> dict[str, Any]:
        budget = budgets[row.budget_account_id]  # type: ignore[attr-defined]
        available = budget.credits_posted - budget.debits_posted - budget.debits_pending
        return {"id": encode_id("Campaign", row.id), "name": row.name, "asset": row.asset,
                "budget": {"balance": {"available": _money(available, budget.asset, "amount", "asset",
                                                           "formatted")}}}

    return {"campaigns": {"totalCount": await page.count_all(),
                          "pageInfo": _page_info(page, lambda row: row.id, "hasNextPage", "endCursor"),
                          "nodes": [node(row) for row in page.items]}}


async def event_feed(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """graphql/dashboard/EventFeed.graphql with its defaults (first 100 from the start)."""
    page = await reads.paginate(reads.events(principal), first=variables.get("first", 100),
                                after=variables.get("after"), key="sequence")
    rows: list[Event] = page.items
    found_rewards = await reads.by_ids(Reward, principal, (row.reward_id for row in rows))  # type: ignore[attr-defined]
    found_transfers = await reads.by_ids(Transfer, principal, (row.transfer_id for row in rows))  # type: ignore[attr-defined]

    def node(row: Event) -> dict[str, Any]:
        reward = found_rewards.get(row.reward_id)  # type: ignore[attr-defined]
        transfer = found_transfers.get(row.transfer_id)  # type: ignore[attr-defined]
        return {"sequence": row.sequence, "type": row.type, "memberId": row.member_id, "data": row.data,
                "createdAt": row.created_at.isoformat(),
                "reward": {"id": encode_id("Reward", reward.id), "status": reward.status.name} if reward else None,
                "transfer": {"id": encode_id("Transfer", transfer.id), "state": transfer.state.name,
                             "amount": _money(transfer.amount, transfer.asset, "amount", "asset", "formatted")}
                if transfer else None}

    return {"events": {"totalCount": await page.count_all(), "pageInfo": _page_info(page, lambda row: row.sequence,
                                                                         "hasNextPage"),
                       "nodes": [node(row) for row in rows]}}


async def grant_reward(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """graphql/dashboard/GrantReward.graphql."""
    given = variables["input"]
    try:
        reward = await rewards.grant_reward(
            principal.tenant_id, campaign_id=decode_id_of("Campaign", given["campaignId"]) or 0,
            member_id=given["memberId"], amount=int(given["amount"]), idempotency_key=given["idempotencyKey"],
            hold=given.get("hold", False), hold_timeout_s=given.get("holdTimeoutSeconds"),
            expected_asset=given.get("asset"))
    except LedgerError as error:
        return {"grantReward": {"reward": None, "userErrors": _user_errors(error)}}
    return {"grantReward": {"reward": {"id": encode_id("Reward", reward.id), "status": reward.status.name,
                                       "amount": _money(reward.amount, reward.asset, "amount", "asset",
                                                        "formatted")},
                            "userErrors": []}}


async def settle_reward(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """graphql/dashboard/SettleReward.graphql."""
    given = variables["input"]
    try:
        reward = await rewards.settle_reward(
            principal.tenant_id, decode_id_of("Reward", given["rewardId"]) or 0,
            rewards.SettleAction(given["action"]), given["idempotencyKey"],
            int(given["amount"]) if given.get("amount") is not None else None)
    except LedgerError as error:
        return {"settleReward": {"reward": None, "userErrors": _user_errors(error)}}
    transfers = await Transfer.filter(tenant_id=principal.tenant_id, reward_id__in=[reward.id]).order_by("id")
    return {"settleReward": {"reward": {
        "id": encode_id("Reward", reward.id), "status": reward.status.name,
        "transfers": [{"id": encode_id("Transfer", t.id), "state": t.state.name,
                       "postedAmount": None if t.posted_amount is None else
                       _money(t.posted_amount, t.asset, "amount", "asset", "formatted")} for t in transfers]},
        "userErrors": []}}


async def redeem_lottery_ticket(principal: Principal, variables: dict[str, Any]) -> dict[str, Any]:
    """benchmarks.provider.REDEEM: a ticket through the lottery gateway's adapter."""
    given = variables["input"]
    try:
        redemption = await lottery.redeem_ticket(
            principal.tenant_id, member_id=given["memberId"], bar_code=given["barCode"],
            user_ip=given["userRealIp"], station_id=given.get("stationId"), idempotency_key=given["idempotencyKey"])
    except LedgerError as error:
        return {"redeemLotteryTicket": {"reward": None, "ticket": None, "userErrors": _user_errors(error)}}
    reward = redemption.reward
    if reward.status is RewardStatus.FAILED:  # the document's userErrors then name the gateway's refusal
        raise RuntimeError(f"the gateway refused the ticket: {reward.details}")
    return {"redeemLotteryTicket": {
        "reward": {"id": encode_id("Reward", reward.id), "status": reward.status.name,
                   "amount": _money(reward.amount, reward.asset, "amount", "formatted")},
        "ticket": {"ticketNo": reward.details.get("ticketNo"), "game": reward.details.get("gameName")},
        "userErrors": []}}


def _route(path: str, handler: Handler, role: Role = Role.VIEWER) -> Any:
    async def serve(request: Request) -> Response[bytes]:
        return await _serve(request, handler, role)

    serve.__name__ = handler.__name__
    return post(path)(serve)


BASELINE_ROUTES = [
    _route("/baseline/typename", typename),
    _route("/baseline/issue-rewards-page", issue_rewards_page),
    _route("/baseline/list-rewards", list_rewards),
    _route("/baseline/list-campaigns", list_campaigns),
    _route("/baseline/event-feed", event_feed),
    _route("/baseline/grant-reward", grant_reward, Role.OPERATOR),
    _route("/baseline/settle-reward", settle_reward, Role.OPERATOR),
    _route("/baseline/redeem-lottery-ticket", redeem_lottery_ticket, Role.OPERATOR),
]
