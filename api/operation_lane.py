"""Plain operations answered past Strawberry's operation machinery.

Strawberry wraps every operation in its extension runner: an execution context, a context manager per hook
and extension, result processing. That adds nothing to the answer and is a fixed cost of every request
(bench/RESULTS.md, "floor"). So a POST that is a plain operation (a JSON object with `query`, maybe
`variables` and `operationName`; one query or mutation) is checked exactly as the extensions check it (the
same parse and validation caches with the same limits, the same unstorable-text rule), run by graphql-core
with the schema's own execution context, and its errors, if any, are logged, masked and given codes by the
schema's own error policy (LedgerSchema.process_errors, MaskUnexpectedErrors), as Strawberry's path does.

Anything refused before execution (a subscription, a batch, a document that does not parse or validate,
text no database can store) returns None and takes Strawberry's path, which words those refusals; nothing
has run yet, so nothing runs twice.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, execute, specified_rules
from strawberry.execution.is_awaitable import optimized_is_awaitable

from api.document_caches import parsed_document, validation_errors
from api.schema import LedgerSchema, MaskUnexpectedErrors, has_unstorable_text

_KEYS = frozenset({"query", "variables", "operationName"})
_SPECIFIED_RULES = tuple(specified_rules)  # what Strawberry validates with before the limits
_ANSWERED_HERE = (OperationType.QUERY, OperationType.MUTATION)
_MASK = MaskUnexpectedErrors()  # its error processing keeps no state


async def answer_plain_operation(schema: LedgerSchema, body: bytes, context: Any) -> dict[str, Any] | None:
    """The answer ({"data", "errors"?}) to a plain operation; None when Strawberry's path must answer."""
    request = _plain_request(body)
    if request is None:
        return None
    query, variables, operation_name = request
    limits = schema.document_limits
    try:
        document = parsed_document(query, limits.max_tokens)
    except GraphQLError:
        return None
    if not _is_one_operation_answered_here(document, operation_name):
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
    if not done.errors:
        return {"data": done.data}
    schema._process_errors(done.errors)  # logged by whose fault each is
    return {"data": done.data, "errors": [error.formatted for error in _MASK._process_errors(done.errors)]}


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


def _is_one_operation_answered_here(document: Any, operation_name: str | None) -> bool:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    return len(operations) == 1 and operations[0].operation in _ANSWERED_HERE
