"""A request's objects are freed when it ends, by reference counting: no reference cycle keeps its executor,
and the context, request and answer the executor holds, alive until the cycle collector happens to run
(api/leaf_execution.py, api/item_shapes.py)."""

from __future__ import annotations

import gc
import json
from inspect import isawaitable
from typing import Any

import pytest
import strawberry
from graphql import execute, parse

from api.context import AppContext
from api.leaf_execution import LeafFastPathExecutionContext
from api.operation_lane import answer_plain_operation
from api.schema import build_schema
from ledger.domain.access import Principal, Role
from tests.unit.test_item_shapes import DOCUMENTS, Query

GRANT_REFUSED = """mutation($input: GrantRewardInput!) {
  grantReward(input: $input) { reward { id amount { amount formatted } } userErrors { field code message } }
}"""


async def _unreachable_after(run: Any, times: int = 5) -> int:
    """How many objects the cycle collector finds after `times` runs, once caches are warm."""
    await run()
    gc.collect()
    gc.disable()
    try:
        for _ in range(times):
            await run()
        return gc.collect()
    finally:
        gc.enable()


@pytest.mark.parametrize(("role", "document", "variables", "expected"), [
    (Role.VIEWER, "query { __typename }", {}, {"data": {"__typename": "Query"}}),
    # A mutation refused before the ledger (the campaign id is not one): variables, the input converted,
    # the async resolver, the payload and its list of user errors shaped.
    (Role.OPERATOR, GRANT_REFUSED,
     {"input": {"campaignId": "nope", "memberId": "m1", "amount": "100", "idempotencyKey": "k1"}},
     {"data": {"grantReward": {"reward": None, "userErrors": [
         {"field": ["input", "campaignId"], "code": "NOT_FOUND", "message": "no such campaign"}]}}}),
])
async def test_the_servers_operations_leave_no_cyclic_garbage(role: Role, document: str, variables: dict[str, Any],
                                                               expected: dict[str, Any]) -> None:
    schema = build_schema()
    body = json.dumps({"query": document, "variables": variables}).encode()

    async def run() -> None:
        assert await answer_plain_operation(schema, body, AppContext(principal=Principal(1, role))) == expected

    assert await _unreachable_after(run) == 0


# The shaped documents answered without errors: lists, fragments, @include, 120-deep objects, single objects.
# (An error keeps its traceback, whose frames hold the executor: every error is a cycle Python makes.)
ANSWERED_WITHOUT_ERRORS = [DOCUMENTS[index] for index in (2, 3, 4, 7, 8, 9, 10, 12, 15, 16, 20, 21)]


@pytest.mark.parametrize("document", ANSWERED_WITHOUT_ERRORS)
async def test_shaped_lists_and_objects_leave_no_cyclic_garbage(document: str) -> None:
    """Through graphql-core's execute, as the server's operation lane runs it (Strawberry's own execute path,
    which the server takes for subscriptions only, leaves cycles of its own)."""
    schema = strawberry.Schema(query=Query)._schema
    parsed = parse(document)

    async def run() -> None:
        result = execute(schema, parsed, variable_values={"with": True}, context_value={},
                         executor_class=LeafFastPathExecutionContext)
        if isawaitable(result):
            result = await result
        assert result.data and not result.errors  # type: ignore[union-attr]

    assert await _unreachable_after(run) == 0
