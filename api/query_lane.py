"""Plain queries answered past Strawberry's operation machinery.

Strawberry wraps every operation in its extension runner: an execution context, a context manager per hook
and extension, result processing. For a query that succeeds that adds nothing to the answer, and it is a
fixed cost of every request (bench/RESULTS.md, "floor"). So a POST that is a plain query (a JSON object with
`query`, maybe `variables` and `operationName`; one query operation) is checked exactly as the extensions
check it (the same parse and validation caches with the same limits, the same unstorable-text rule) and run
by graphql-core with the schema's own execution context.

Only a clean answer is given from here. Anything else (a mutation or subscription, a document that does not
parse or validate, text no database can store, any error in the result) returns None and takes Strawberry's
path, which gives the errors their codes, masks and logs them. Queries only read, so running one again
there changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, execute, specified_rules
from strawberry.execution.is_awaitable import optimized_is_awaitable

from api.document_caches import parsed_document, validation_errors
from api.schema import LedgerSchema, has_unstorable_text

_KEYS = frozenset({"query", "variables", "operationName"})
_SPECIFIED_RULES = tuple(specified_rules)  # what Strawberry validates with before the limits


async def answer_plain_query(schema: LedgerSchema, body: bytes, context: Any) -> dict[str, Any] | None:
    """The data of a plain query that succeeds; None when Strawberry's path must answer."""
    request = _plain_request(body)
    if request is None:
        return None
    query, variables, operation_name = request
    limits = schema.document_limits
    try:
        document = parsed_document(query, limits.max_tokens)
    except GraphQLError:
        return None
    if not _is_one_query(document, operation_name):
        return None
    if validation_errors(schema._schema, document, (*_SPECIFIED_RULES, *limits.rules)):
        return None
    if has_unstorable_text(query, document, variables):
        return None
    result = execute(schema._schema, document, context_value=context, variable_values=variables,
                     operation_name=operation_name, executor_class=schema.execution_context_class,
                     is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # as Strawberry passes it
                     operation_extensions=None)
    done = await result if isinstance(result, Awaitable) else result
    if done.errors:
        return None
    return done.data


def _plain_request(body: bytes) -> tuple[str, dict[str, Any] | None, str | None] | None:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or not payload.keys() <= _KEYS:
        return None
    query, variables, operation_name = payload.get("query"), payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not isinstance(variables, dict | None) or not isinstance(operation_name,
                                                                                               str | None):
        return None
    return query, variables, operation_name


def _is_one_query(document: Any, operation_name: str | None) -> bool:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    return len(operations) == 1 and operations[0].operation is OperationType.QUERY
