"""What the ledger needs from the outside world, as ports it defines and adapters implement.

A provider call ends in one of three typed outcomes. `Accepted` and `Rejected` are answers the provider
gave (`NeverSent`, a kind of `Rejected`, is the one refusal made on our side: the request never left);
`Unknown` means its answer was lost (timeout, 5xx, unparseable body) and only asking it again can tell.
Nothing ever turns an `Unknown` into a success by guessing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from ledger.domain.statuses import RewardKind, RewardStatus


@dataclass(frozen=True)
class Accepted:
    status: RewardStatus
    amount: int | None = None  # minor units, when the provider fixes the amount (a prize, a packet)
    refs: dict[str, Any] = field(default_factory=dict)  # the provider's references
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejected:
    code: str
    message: str
    retryable: bool
    status: RewardStatus = RewardStatus.FAILED  # or NOT_WON when the refusal means "no prize"
    details: dict[str, Any] = field(default_factory=dict)


# The code of a NeverSent refusal: ours, not any provider's (theirs are digits or their own words).
NEVER_SENT = "NEVER_SENT"


@dataclass(frozen=True)
class NeverSent(Rejected):
    """Refused before anything happened: the request never reached the provider (its TLS certificate was
    not trusted, say), so the provider did nothing. It settles like any refusal (FAILED, holds released,
    nothing paid). Only a first dispatch may end this way: a resend that never left says nothing about the
    attempts before it, which stay Unknown until the provider answers."""

    @classmethod
    def because(cls, reason: str) -> NeverSent:
        return cls(code=NEVER_SENT, message=reason, retryable=True)


@dataclass(frozen=True)
class Unknown:
    reason: str


Outcome = Accepted | Rejected | Unknown


class FlowNotSupported(Exception):
    """The provider has no such flow (a webhook-only provider asked to issue, say)."""

    def __init__(self, provider: str, flow: str) -> None:
        super().__init__(f"{provider} does not support {flow}")
        self.provider = provider
        self.flow = flow


class ProviderNotConfigured(Exception):
    def __init__(self, provider: str) -> None:
        super().__init__(f"the tenant has not configured {provider}")
        self.provider = provider


class RewardProvider(Protocol):
    """The flows every adapter offers; an adapter raises FlowNotSupported for the ones it lacks."""

    name: str

    async def query_status(self, reward: RewardSnapshot) -> Outcome: ...


@dataclass(frozen=True)
class RewardSnapshot:
    """What an adapter may know of a reward when asked about it."""

    id: int
    tenant_id: int
    member_id: str
    amount: int
    asset: str
    provider_refs: dict[str, Any]
    details: dict[str, Any]


@dataclass(frozen=True)
class StatementRecord:
    """One record of a provider's day, as plain values (reconciliation compares these with the ledger)."""

    reference: str                 # the provider's own id: the lottery transacId, the packet's list id
    amount: int | None             # minor units; None when the feed's rows state none (the page's total may)
    asset: str
    status: str                    # the provider's own word for its state, shown to operators
    outcome: RewardStatus          # what that state means in the ledger's words
    member_id: str | None          # the member, when the record names one the tenant knows members by
    time: datetime | None
    station: str | None = None     # where it was paid out, for a provider with stations
    kind: RewardKind | None = None
    evidence: dict[str, Any] = field(default_factory=dict)  # the provider's row as sent, personal data left out


@dataclass(frozen=True)
class StatementPage:
    records: list[StatementRecord]
    # The provider's own total of exactly these records, for a feed whose rows state no amounts.
    total_amount: int | None = None


@runtime_checkable
class StatementFeed(Protocol):
    """A provider that can list what it did on a day. Pages keep memory flat however large the day."""

    def day_records(self, day: date) -> AsyncIterator[StatementPage]: ...


@runtime_checkable
class AmountLookup(Protocol):
    """A feed whose rows carry no amounts, asked record by record where its page total disagrees."""

    async def record_amounts(self, records: Sequence[StatementRecord]) -> dict[str, int | None]:
        """The amount of each record by reference; None where the provider's answer does not tell it."""
        ...


@runtime_checkable
class SessionRefresher(Protocol):
    """A provider with login sessions that lapse (the lottery gateway's station tokens)."""

    async def refresh_sessions(self, expiring_within_s: float, limit: int | None = None) -> int:
        """Logs in again every station whose session lapses within the time given; how many it renewed."""
        ...


# The composition root installs the factory that builds a tenant's adapter from its stored settings.
ProviderFactory = Callable[[int, str], Awaitable[Any]]
_factory: ProviderFactory | None = None


def set_provider_factory(factory: ProviderFactory) -> None:
    global _factory
    _factory = factory


async def provider_for(tenant_id: int, name: str) -> Any:
    if _factory is None:
        raise ProviderNotConfigured(name)
    return await _factory(tenant_id, name)
