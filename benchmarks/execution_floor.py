"""What GraphQL execution alone costs for a dashboard page or a grant, with no database, no HTTP and no JSON:
the floor under the read and write scenarios' ratio.

    python -m benchmarks.execution_floor [nodes] [issue|ListCampaigns|EventFeed|grant ...]

Runs each document (the issue's read, ListCampaigns, EventFeed, GrantReward; all unless named) through the
real schema many times through the server's path for a plain operation (api/operation_lane.py), its page
and links (or the granted reward) served from memory, and shapes the same rows into the same dict the way
the baseline route does. Both answers are checked equal. The difference is what GraphQL adds to every
request, whatever the database and the server do.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from unittest import mock

from api.context import AppContext
from api.ids import encode_id
from api.operation_lane import answer_plain_operation
from api.schema import build_schema
from benchmarks import baseline
from benchmarks.scenarios import ISSUE_READ, document
from ledger.domain.access import Principal, Role
from ledger.domain.statuses import AccountKind, RewardKind, RewardStatus, TransferState
from ledger.persistence.database import open_database
from ledger.persistence.models import Account, Campaign, Event, Reward, Transfer
from ledger.services import reads, rewards

REPEAT = 200
MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Rows:
    """A page of rows, and the rows its links name, by model."""
    page: list[Any]
    linked: dict[type, dict[int, Any]]


@dataclass(frozen=True)
class Read:
    document: str
    shaped: Callable[[Principal, dict[str, Any]], Awaitable[dict[str, Any]]]
    rows: Callable[[int], Rows]
    variables: dict[str, Any] | None = None
    role: Role = Role.VIEWER


def _reward(i: int) -> Reward:
    reward = Reward(id=i, tenant_id=1, kind=RewardKind.GRANT, status=RewardStatus.ISSUED, provider=None,
                    member_id=f"m{i}", asset="CNY", amount=100 + i, provider_refs={}, details={},
                    created_at=MOMENT, updated_at=MOMENT)
    reward.campaign_id = 1 + i % 5  # type: ignore[attr-defined]  # as a row read from the database has it
    return reward


def _account(i: int) -> Account:
    return Account(id=i, tenant_id=1, asset="CNY", kind=AccountKind.CAMPAIGN_BUDGET, credits_posted=10_000 * i,
                   debits_posted=17 * i, debits_pending=3 * i, credits_pending=0, created_at=MOMENT)


def _campaign(i: int) -> Campaign:
    campaign = Campaign(id=i, tenant_id=1, name=f"campaign {i}", asset="CNY", created_at=MOMENT)
    campaign.budget_account_id = 1000 + i  # type: ignore[attr-defined]
    return campaign


def _transfer(i: int) -> Transfer:
    transfer = Transfer(id=i, tenant_id=1, asset="CNY", amount=100 + i, state=TransferState.POSTED,
                        created_at=MOMENT)
    transfer.debit_account_id, transfer.credit_account_id = 1, 2  # type: ignore[attr-defined]
    return transfer


def _event(i: int) -> Event:
    event = Event(id=i, tenant_id=1, sequence=i, type="reward.issued", member_id=f"m{i}",
                  data={"status": "ISSUED", "amount": str(i)}, created_at=MOMENT)
    # Half the events name a transfer, as a grant's two events (status change, transfer) do.
    event.reward_id, event.transfer_id = i, (i if i % 2 else None)  # type: ignore[attr-defined]
    event.campaign_id = None
    return event


def _rewards_page(count: int) -> Rows:
    return Rows([_reward(i) for i in range(1, count + 1)], {Campaign: {i: _campaign(i) for i in range(1, 6)}})


def _campaigns_page(count: int) -> Rows:
    campaigns = [_campaign(i) for i in range(1, count + 1)]
    return Rows(campaigns, {Account: {1000 + i: _account(1000 + i) for i in range(1, count + 1)}})


def _events_page(count: int) -> Rows:
    return Rows([_event(i) for i in range(1, count + 1)],
                {Reward: {i: _reward(i) for i in range(1, count + 1)},
                 Transfer: {i: _transfer(i) for i in range(1, count + 1, 2)}})


def _granted(_: int) -> Rows:
    return Rows([_reward(7)], {})


GRANT_VARIABLES = {"input": {"campaignId": encode_id("Campaign", 1), "memberId": "m7", "amount": "107",
                             "idempotencyKey": "grant-7", "hold": False}}

READS = {
    "issue": Read(ISSUE_READ, baseline.issue_rewards_page, _rewards_page),
    "ListCampaigns": Read(document("ListCampaigns"), baseline.list_campaigns, _campaigns_page),
    "EventFeed": Read(document("EventFeed"), baseline.event_feed, _events_page),
    # A write's floor: the grant itself answered from memory, as if the ledger took no time.
    "grant": Read(document("GrantReward"), baseline.grant_reward, _granted, GRANT_VARIABLES, Role.OPERATOR),
}


async def _timed(run: Callable[[], Awaitable[Any]]) -> float:
    """Median seconds of one call, over REPEAT calls after a warm-up."""
    for _ in range(20):
        await run()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def compare(schema: Any, read: Read, count: int) -> tuple[float, float]:
    """Median seconds per request of GraphQL's execution and of the baseline's shaping, answers checked equal."""
    rows = read.rows(count)
    principal = Principal(tenant_id=1, role=read.role)

    async def page(*_: Any, **__: Any) -> reads.Page[Any]:
        async def counted() -> int:
            return len(rows.page)

        return reads.Page(items=rows.page, has_next=False, count_all=counted)

    async def linked(model: type, *_: Any) -> dict[int, Any]:
        return rows.linked.get(model, {})

    async def grant(*_: Any, **__: Any) -> Reward:
        return rows.page[0]

    variables = read.variables or {}
    body = json.dumps({"query": read.document, "variables": variables}).encode()

    async def graphql() -> Any:  # the server's path for a plain operation (api/operation_lane.py)
        answer = await answer_plain_operation(schema, body, AppContext(principal=principal))
        assert answer is not None and "errors" not in answer, answer
        return answer["data"]

    async def shaped() -> Any:
        return await read.shaped(principal, variables)

    with mock.patch.object(reads, "paginate", page), mock.patch.object(reads, "by_ids", linked), \
            mock.patch.object(rewards, "grant_reward", grant):
        assert await graphql() == await shaped(), "GraphQL and the baseline shape different answers"
        return await _timed(graphql), await _timed(shaped)


async def main(count: int, names: list[str]) -> None:
    schema = build_schema()
    async with open_database("sqlite://:memory:"):  # models need Tortoise set up; nothing is queried
        for name in names:
            executed, built = await compare(schema, READS[name], count)
            print(f"{name}, {count} nodes: GraphQL execution {executed * 1000:.2f} ms, the baseline's shaping "
                  f"{built * 1000:.2f} ms per request; GraphQL adds {(executed - built) * 1000:.2f} ms")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    asyncio.run(main(int(arguments[0]) if arguments else 50, arguments[1:] or list(READS)))
