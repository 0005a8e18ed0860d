"""What GraphQL execution alone costs for a dashboard page, with no database, no HTTP and no JSON: the floor
under the read scenarios' ratio.

    python -m benchmarks.execution_floor [nodes]

Runs the issue's read document through the real schema many times, its page and links served from memory,
and shapes the same rows into the same dict the way the baseline route does. Both answers are checked equal.
The difference is what GraphQL adds to every request, whatever the database and the server do.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any
from unittest import mock

from api.context import AppContext
from api.schema import build_schema
from benchmarks.baseline import issue_rewards_page
from benchmarks.scenarios import ISSUE_READ
from ledger.domain.access import Principal, Role
from ledger.domain.statuses import RewardKind, RewardStatus
from ledger.persistence.database import open_database
from ledger.persistence.models import Campaign, Reward
from ledger.services import reads

REPEAT = 200


def _rows(count: int) -> tuple[list[Reward], dict[int, Campaign]]:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    campaigns = {i: Campaign(id=i, tenant_id=1, name=f"campaign {i}", asset="CNY", budget_account_id=i,
                             created_at=moment) for i in range(1, 6)}
    rewards = [Reward(id=i, tenant_id=1, kind=RewardKind.GRANT, status=RewardStatus.ISSUED, provider=None,
                      member_id=f"m{i}", asset="CNY", amount=100 + i, provider_refs={}, details={},
                      created_at=moment, updated_at=moment) for i in range(1, count + 1)]
    for i, reward in enumerate(rewards):
        reward.campaign_id = 1 + i % 5  # type: ignore[attr-defined]  # as a row read from the database has it
    return rewards, campaigns


async def _timed(run: Any) -> float:
    """Median seconds of one call, over REPEAT calls after a warm-up."""
    for _ in range(20):
        await run()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def main(count: int) -> None:
    rewards, campaigns = _rows(count)
    principal = Principal(tenant_id=1, role=Role.VIEWER)

    async def page(*_: Any, **__: Any) -> reads.Page[Reward]:
        async def no_count() -> int:
            return count

        return reads.Page(items=rewards, has_next=False, count_all=no_count)

    async def linked(model: Any, *_: Any) -> dict[int, Any]:
        return campaigns if model is Campaign else {}

    schema = build_schema()
    async with open_database("sqlite://:memory:"):  # models need Tortoise set up; nothing is queried
        await _compare(schema, principal, count, page, linked)


async def _compare(schema: Any, principal: Principal, count: int, page: Any, linked: Any) -> None:
    with mock.patch.object(reads, "paginate", page), mock.patch.object(reads, "by_ids", linked):
        async def graphql() -> Any:
            result = await schema.execute(ISSUE_READ, context_value=AppContext(principal=principal))
            assert not result.errors, result.errors
            return result.data

        async def shaped() -> Any:
            return await issue_rewards_page(principal, {})

        assert await graphql() == await shaped(), "GraphQL and the baseline shape different answers"
        executed, built = await _timed(graphql), await _timed(shaped)
    print(f"{count} nodes: GraphQL execution {executed * 1000:.2f} ms, the baseline's shaping {built * 1000:.2f} ms "
          f"per request; GraphQL adds {(executed - built) * 1000:.2f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
