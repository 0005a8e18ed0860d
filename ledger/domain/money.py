"""Assets and amounts.

Amounts are integers in the asset's minor unit (fen for CNY, whole units for everything else), never
floats or decimals: SQLite stores decimals as floats, and a float cannot hold every fen exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.domain.errors import ErrorCode, LedgerError

# Signed 64-bit range: what PostgreSQL's BIGINT and SQLite's INTEGER both hold.
MAX_AMOUNT = 2**63 - 1
MIN_AMOUNT = -(2**63)

_SIMPLE_ASSETS = {"CNY", "CREDITS"}
_QUALIFIED_PREFIXES = ("COUPON", "GOODS")
_QUALIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}\Z")


def parse_asset(text: str) -> str:
    """Returns the canonical asset code, or raises INVALID_INPUT naming what is wrong."""
    if text in _SIMPLE_ASSETS:
        return text
    prefix, sep, qualifier = text.partition(":")
    if sep and prefix in _QUALIFIED_PREFIXES and _QUALIFIER.match(qualifier):
        return text
    raise LedgerError(
        ErrorCode.INVALID_INPUT,
        "asset must be CNY, CREDITS, COUPON:<template> or GOODS:<product> "
        "(template and product: 1-64 letters, digits, '_', '.', '-')",
        field="asset",
    )


def require_positive(amount: int, field: str = "amount") -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise LedgerError(ErrorCode.INVALID_AMOUNT, "amount must be a positive integer of minor units", field)
    if amount > MAX_AMOUNT:
        raise LedgerError(ErrorCode.INVALID_AMOUNT, "amount exceeds the 64-bit range", field)
    return amount


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    asset: str

    def formatted(self) -> str:
        """A human rendering: '¥1,234.56' for CNY, '3 COUPON:T1' for counted assets."""
        if self.asset == "CNY":
            sign = "-" if self.amount < 0 else ""
            yuan, fen = divmod(abs(self.amount), 100)
            return f"{sign}¥{yuan:,}.{fen:02d}"
        return f"{self.amount:,} {self.asset}"
