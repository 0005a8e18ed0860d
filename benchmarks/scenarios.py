"""The HTTP scenarios: each a GraphQL operation and the baseline route that does the same work.

To add one, append a `Scenario` to `HTTP_SCENARIOS` (and a route to benchmarks/baseline.py); the harness
checks that both answer the same bytes, then measures them side by side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.seed import Seeded

DOCUMENTS = Path(__file__).resolve().parent.parent / "graphql" / "dashboard"
ISSUE_READ = ("{ rewards(first: 50) { nodes { id kind status memberId amount { amount formatted } "
              "campaign { name } } } }")
REWARD_ID_PATH = ["data", "grantReward", "reward", "id"]


def document(name: str) -> str:
    return (DOCUMENTS / f"{name}.graphql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Step:
    """One request of an operation: the same body goes to /graphql and to the baseline route."""
    baseline_path: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    extract: dict[str, list[str]] = field(default_factory=dict)

    def body(self) -> str:
        return json.dumps({"query": self.query, "variables": self.variables})


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    target: float | None                     # the ratio GraphQL / baseline it must reach, if any
    steps: Callable[[Seeded], list[Step]]
    key: Callable[[Seeded], str]             # whose credential
    writes: bool = False
    concurrency: int = 8

    def spec(self, seeded: Seeded, graphql: bool) -> list[dict[str, Any]]:
        return [{"path": "/graphql" if graphql else step.baseline_path,
                 "headers": {"authorization": f"Bearer {self.key(seeded)}"},
                 "body": step.body(), "extract": step.extract} for step in self.steps(seeded)]


def _grant(seeded: Seeded, hold: bool) -> Step:
    return Step("/baseline/grant-reward", document("GrantReward"), {"input": {
        "campaignId": seeded.write_campaign_id, "memberId": "m@@M@@", "amount": "100",
        "idempotencyKey": "grant-@@N@@", "hold": hold}}, extract={"reward_id": REWARD_ID_PATH})


def _settle() -> Step:
    return Step("/baseline/settle-reward", document("SettleReward"), {"input": {
        "rewardId": "@@reward_id@@", "action": "POST", "idempotencyKey": "settle-@@N@@"}})


def _reader(seeded: Seeded) -> str:
    return seeded.reader_key


def _writer(seeded: Seeded) -> str:
    return seeded.writer_key


HTTP_SCENARIOS = [
    # What GraphQL costs a request before any resolver: the floor under every other scenario's ratio.
    Scenario("floor: { __typename }", "no resolver, no database: authentication, parsing (cached), "
             "validation (cached), execution, JSON", None,
             lambda s: [Step("/baseline/typename", "{ __typename }")], _reader),
    Scenario("read: issue document", "rewards(first: 50) { nodes { id kind status memberId amount { amount "
             "formatted } campaign { name } } }", 0.8,
             lambda s: [Step("/baseline/issue-rewards-page", ISSUE_READ)], _reader),
    Scenario("read: ListRewards", "graphql/dashboard/ListRewards.graphql, first 50", 0.8,
             lambda s: [Step("/baseline/list-rewards", document("ListRewards"))], _reader),
    Scenario("read: ListCampaigns", "graphql/dashboard/ListCampaigns.graphql, first 50", 0.8,
             lambda s: [Step("/baseline/list-campaigns", document("ListCampaigns"))], _reader),
    Scenario("read: EventFeed", "graphql/dashboard/EventFeed.graphql, first 100", 0.8,
             lambda s: [Step("/baseline/event-feed", document("EventFeed"))], _reader),
    Scenario("write: grantReward posted", "graphql/dashboard/GrantReward.graphql, a new member every 500",
             0.8, lambda s: [_grant(s, hold=False)], _writer, writes=True),
    Scenario("write: grantReward held, then settleReward", "GrantReward (hold: true) then SettleReward (POST); "
             "one operation is both requests", 0.8, lambda s: [_grant(s, hold=True), _settle()], _writer,
             writes=True),
]
