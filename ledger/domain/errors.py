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
    # Providers: the tenant has not connected one, it refused, or it could not be reached.
    PROVIDER_NOT_CONFIGURED = "PROVIDER_NOT_CONFIGURED"
    PROVIDER_REJECTED = "PROVIDER_REJECTED"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    # The provider has no such flow (a reconciliation feed, say).
    FLOW_NOT_SUPPORTED = "FLOW_NOT_SUPPORTED"
    # Lottery tickets: one redemption per ticket at a time, and one success per ticket ever.
    TICKET_IN_PROGRESS = "TICKET_IN_PROGRESS"
    TICKET_ALREADY_REDEEMED = "TICKET_ALREADY_REDEEMED"
    # Webhooks: a call whose nonce was already used is a replay.
    NONCE_REUSED = "NONCE_REUSED"
    # Lottery risk controls: one code per reason a redemption is refused before the provider is called.
    RISK_SERVICE_STOPPED = "RISK_SERVICE_STOPPED"
    RISK_OUTSIDE_SERVICE_HOURS = "RISK_OUTSIDE_SERVICE_HOURS"
    RISK_MEMBER_BLOCKED = "RISK_MEMBER_BLOCKED"
    RISK_IP_BLOCKED = "RISK_IP_BLOCKED"
    RISK_MEMBER_SUSPENDED = "RISK_MEMBER_SUSPENDED"
    RISK_REAL_NAME_REQUIRED = "RISK_REAL_NAME_REQUIRED"
    RISK_TOO_FREQUENT = "RISK_TOO_FREQUENT"
    RISK_DAILY_TICKETS_REACHED = "RISK_DAILY_TICKETS_REACHED"
    RISK_DAILY_AMOUNT_REACHED = "RISK_DAILY_AMOUNT_REACHED"
    RISK_DAILY_FAILURES_REACHED = "RISK_DAILY_FAILURES_REACHED"


class LedgerError(Exception):
    """A refusal with a stable code, a human message and the input field it concerns (if any)."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"LedgerError({self.code}, {self.message!r}, field={self.field!r})"
