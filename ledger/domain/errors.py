"""The one error type the ledger raises for anything a caller can fix.

The API turns these into `userErrors { field code message }`; nothing a client sends should surface as
anything else.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    ASSET_MISMATCH = "ASSET_MISMATCH"
    INVALID_STATE = "INVALID_STATE"
    INVALID_INPUT = "INVALID_INPUT"
    HOLD_EXPIRED = "HOLD_EXPIRED"
    ALREADY_REVERSED = "ALREADY_REVERSED"


class LedgerError(Exception):
    """A refusal with a stable code, a human message and the input field it concerns (if any)."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"LedgerError({self.code}, {self.message!r}, field={self.field!r})"
