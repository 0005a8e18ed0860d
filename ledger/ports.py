"""What the ledger needs from the outside world, as ports it defines and adapters implement.

A provider call ends in one of three typed outcomes. `Accepted` and `Rejected` are answers the provider
gave (`NeverSent`, a kind of `Rejected`, is the one refusal made on our side: the request never left);
`Unknown` means its answer was lost (timeout, 5xx, unparseable body) and only asking it again can tell.
Nothing ever turns an `Unknown` into a success by guessing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ledger.domain.statuses import RewardStatus


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
