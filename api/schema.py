"""The schema: Query and Mutation roots, the query limits and the error policy."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from api.errors import ApiErrorCode
from api.mutations import Mutation
from api.queries import Query
from api.scalars import MINOR_UNITS_SCALAR, MinorUnits
from api.settings import Settings

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
        log.error("unexpected error at %s: %s", error.path, type(error.original_error).__name__,
                  exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": ApiErrorCode.INTERNAL_SERVER_ERROR.value}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": ApiErrorCode.INVALID_INPUT.value}
        return processed


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(auto_camel_case=True, scalar_map={MinorUnits: MINOR_UNITS_SCALAR}),
        # Factories, not instances: each request gets its own extension objects.
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_query_aliases),
            lambda: ParserCache(maxsize=256),  # the LRU itself is module-level, shared by all requests
            lambda: ValidationCache(maxsize=256),
            MaskUnexpectedErrors,
        ],
    )


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
