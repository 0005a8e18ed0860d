"""The schema: Query and Mutation roots, the query limits and the error policy."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api.coupons_api import CouponMutation, CouponQuery
from api.document_caches import CachedDocuments
from api.draws_api import DrawMutation
from api.errors import ApiErrorCode, invalid_argument
from api.input_conversion import plan_input_conversion
from api.jobs_api import JobMutation, JobQuery
from api.leaf_execution import LeafFastPathExecutionContext
from api.lottery_api import LotteryMutation, LotteryQuery
from api.lottery_risk_api import LotteryRiskMutation, LotteryRiskQuery
from api.mutations import Mutation as LedgerMutation
from api.overview_api import OverviewQuery
from api.queries import Query as LedgerQuery
from api.reconciliation_api import ReconciliationMutation, ReconciliationQuery
from api.red_packets_api import RedPacketMutation, RedPacketQuery
from api.resolutions_api import ResolutionMutation
from api.scalars import DATETIME_SCALAR, MINOR_UNITS_SCALAR, MinorUnits
from api.settings import Settings
from api.subscriptions_api import Subscription, SubscriptionsOverWebSocketOnly

log = logging.getLogger("api.errors")


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors a resolver raised without meaning to; validation and our own ApiErrors stay visible."""
    original = error.original_error
    return error.path is not None and original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Hides unexpected failures behind a stable code, logs them, and gives every other error a code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message="Internal server error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": ApiErrorCode.INTERNAL_SERVER_ERROR.value}
        return masked

    def _process_result(self, result: object) -> None:
        if getattr(result, "errors", None):  # most results have none: spared the base's protocol isinstance
            super()._process_result(result)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": ApiErrorCode.INVALID_INPUT.value}
        return processed

    def on_operation(self) -> Iterator[None]:
        try:
            yield from super().on_operation()
        except GraphQLError as error:  # a syntax error (or too many tokens) escapes the operation unprocessed
            self._process_errors([error])
            raise


def _unstorable(values: list[object]) -> bool:
    """NUL (PostgreSQL text cannot hold it) or a lone surrogate (it has no UTF-8), anywhere in `values`."""
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value or not value.isascii() and _has_lone_surrogate(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _literals_may_be_unstorable(document: str | None) -> bool:
    """A literal holds only what its document's text holds, unless an escape (a backslash) makes it: a text
    with neither an escape nor unstorable text spares walking the parsed document on every request."""
    return document is None or "\\" in document or _unstorable([document])


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[object] = []

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        self.values.append(node.value)


def has_unstorable_text(query: str | None, document: DocumentNode | None, variables: object) -> bool:
    """Text no database can store, in the variables or in the document's string literals."""
    literals = _StringLiterals()
    if document is not None and _literals_may_be_unstorable(query):
        visit(document, literals)
    return _unstorable([variables or {}, literals.values])


class RefuseUnstorableText(SchemaExtension):
    """Refuses text no database can store before any resolver runs, in variables and in literals alike."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if has_unstorable_text(context.query, context.graphql_document, context.variables):
            error = invalid_argument("text", "must not contain NUL characters or unpaired surrogates")
            context.result = ExecutionResult(data=None, errors=[error])
        yield


# Each area contributes its own root fields; the schema merges them into one Query and one Mutation.
QUERY_PARTS: tuple[type, ...] = (LedgerQuery, LotteryQuery, LotteryRiskQuery, CouponQuery, RedPacketQuery,
                                 JobQuery, ReconciliationQuery, OverviewQuery)
MUTATION_PARTS: tuple[type, ...] = (LedgerMutation, LotteryMutation, LotteryRiskMutation, CouponMutation,
                                    RedPacketMutation, DrawMutation, JobMutation, ResolutionMutation,
                                    ReconciliationMutation)


class LedgerSchema(strawberry.Schema):
    """Logs what went wrong by whose fault it was.

    Strawberry logs every error at ERROR with a traceback. A client's mistake (a malformed scalar, a
    validation error, FORBIDDEN) is not the server's problem, and a fuzzer would fill the log with stack
    traces and echoes of its input, so it gets one INFO line naming the code and where, with no input.
    Only an unexpected failure in our own code is an ERROR with its traceback.
    """

    document_limits: DocumentLimits

    def process_errors(self, errors: list[GraphQLError], execution_context: object = None) -> None:
        for error in errors:
            if _is_unexpected(error):
                log.error("unexpected error at %s: %s", error.path, type(error.original_error).__name__,
                          exc_info=error.original_error)
            else:
                code = (error.extensions or {}).get("code") or ApiErrorCode.INVALID_INPUT.value
                log.info("client error %s at %s", code, ".".join(map(str, error.path or ())) or "the document")


def document_limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """The depth and alias limits as validation rules, made once per schema: the validation cache keys on
    the rule classes, so classes made afresh for each request (as the limiter extensions make them) would
    never let a document's validation be reused. The cached result includes the limits' errors, so a
    document over a limit is refused however often it comes."""
    return [*QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=settings.max_query_aliases).validation_rules]


def build_schema(settings: Settings | None = None) -> LedgerSchema:
    settings = settings or Settings()
    limit_rules = document_limit_rules(settings)
    schema = LedgerSchema(
        query=merge_types("Query", QUERY_PARTS),
        mutation=merge_types("Mutation", MUTATION_PARTS),
        subscription=Subscription,
        config=StrawberryConfig(auto_camel_case=True,
                                scalar_map={MinorUnits: MINOR_UNITS_SCALAR, datetime: DATETIME_SCALAR}),
        execution_context_class=LeafFastPathExecutionContext,
        # Factories, not instances: each request gets its own extension objects.
        extensions=[
            lambda: CachedDocuments(limit_rules, settings.max_query_tokens),  # the caches are module-level
            RefuseUnstorableText,
            SubscriptionsOverWebSocketOnly,
            MaskUnexpectedErrors,
        ],
    )
    plan_input_conversion(schema)  # inputs converted by a plan made once (api/input_conversion.py)
    # What the plain-operation lane (api/operation_lane.py) checks a document against, as CachedDocuments does.
    schema.document_limits = DocumentLimits(tuple(limit_rules), settings.max_query_tokens)
    return schema


@dataclass(frozen=True)
class DocumentLimits:
    rules: tuple[type[ASTValidationRule], ...]  # the depth and alias limits, made once per schema
    max_tokens: int


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
