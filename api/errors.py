"""Errors the API reports.

Expected refusals of a mutation are data: `userErrors { field code message details }`. Top-level errors carry
`extensions.code` and are for what the client cannot fix in the input: UNAUTHENTICATED, FORBIDDEN, and
INVALID_INPUT for query arguments (queries have no userErrors). Anything unexpected is masked as
INTERNAL_SERVER_ERROR so no stack or data leaks.

A provider's refusal reads in English (its code and the code's meaning); the provider's own words are kept
beside it, in `details` (api/provider_refusals.py), for whoever has to take it up with the provider.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from ledger.domain.errors import ErrorCode, LedgerError


class ApiErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_INPUT = "INVALID_INPUT"
    PROVIDER_REJECTED = "PROVIDER_REJECTED"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(GraphQLError):
    def __init__(self, code: ApiErrorCode, message: str, details: dict[str, Any] | None = None) -> None:
        extensions: dict[str, Any] = {"code": code.value}
        if details is not None:
            extensions["details"] = details
        super().__init__(message, extensions=extensions)


def forbidden(what: str) -> ApiError:
    return ApiError(ApiErrorCode.FORBIDDEN, f"your role may not {what}")


def invalid_argument(name: str, message: str) -> ApiError:
    return ApiError(ApiErrorCode.INVALID_INPUT, f"{name}: {message}")


@strawberry.type(description="An expected refusal: the input named in `field` can be fixed and retried.")
class UserError:
    field: list[str] | None
    code: str
    message: str
    details: JSON | None = strawberry.field(default=None, description=(
        "What a provider said, for a provider's refusal (PROVIDER_REJECTED): `provider`, its `code` and "
        "`providerMessage`, its own words untranslated. Null for every other error."))

    @classmethod
    def from_ledger(cls, error: LedgerError, input_name: str = "input") -> UserError:
        return cls(field=[input_name, error.field] if error.field else None, code=error.code.value,
                   message=error.message)

    @classmethod
    def not_found(cls, field: str, what: str) -> UserError:
        return cls(field=["input", field], code="NOT_FOUND", message=f"no such {what}")

    @classmethod
    def never_sent(cls, provider: str, reason: str) -> UserError:
        """A request refused before it left (the provider's TLS certificate not trusted, say): the provider
        was unavailable, not refusing, and nothing happened there."""
        return cls(field=None, code=ErrorCode.PROVIDER_UNAVAILABLE.value,
                   message=f"{provider} could not be reached; nothing was sent: {reason}")
