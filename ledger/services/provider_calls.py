"""The last call to each provider and how it ended, for operators ("is the gateway answering?").

The composition root wraps the provider factory with `recording`: every public coroutine method of each
adapter it builds then notes its outcome after it returns. The note is written after the provider answered,
outside any transaction, and a failure to write it never fails the call it describes.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from tortoise.exceptions import IntegrityError

from ledger.domain.clock import now
from ledger.persistence.provider_models import ProviderLastCall
from ledger.ports import Accepted, FlowNotSupported, ProviderFactory, Rejected, Unknown

log = logging.getLogger(__name__)
MAX_MESSAGE = 300


class CallOutcome(Enum):
    DONE = "DONE"  # the provider answered: it did it, or told us what we asked
    REFUSED = "REFUSED"  # refused before anything happened
    MAY_HAVE_HAPPENED = "MAY_HAVE_HAPPENED"  # the answer was lost or unreadable
    ERROR = "ERROR"  # the call raised: unreachable, unreadable, or refused at the door


def recording(factory: ProviderFactory) -> ProviderFactory:
    """The same factory, whose adapters note each call's outcome."""

    async def build(tenant_id: int, name: str) -> Any:
        adapter = await factory(tenant_id, name)
        for attribute, _ in inspect.getmembers(type(adapter), inspect.iscoroutinefunction):
            if not attribute.startswith("_"):
                # On the instance, so the adapter's own type (and the ports' protocol checks) are untouched.
                setattr(adapter, attribute, _recorded(getattr(adapter, attribute), tenant_id, name, attribute))
        return adapter

    return build


def _recorded(method: Callable[..., Awaitable[Any]], tenant_id: int, provider: str, operation: str
              ) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = await method(*args, **kwargs)
        except FlowNotSupported:
            raise  # nothing was asked of the provider
        except Exception as exc:
            await _note(tenant_id, provider, operation, CallOutcome.ERROR, type(exc).__name__, None)
            raise
        await _note(tenant_id, provider, operation, *_outcome_of(result))
        return result

    return call


def _outcome_of(result: Any) -> tuple[CallOutcome, str | None, str | None]:
    if isinstance(result, Rejected):
        return CallOutcome.REFUSED, result.code, result.message
    if isinstance(result, Unknown):
        return CallOutcome.MAY_HAVE_HAPPENED, None, result.reason
    if isinstance(result, Accepted):
        return CallOutcome.DONE, None, result.status.value
    return CallOutcome.DONE, None, None


async def _note(tenant_id: int, provider: str, operation: str, outcome: CallOutcome, code: str | None,
                message: str | None) -> None:
    values: dict[str, Any] = {"operation": operation[:64], "outcome": outcome.value,
                              "code": code[:64] if code else None,
                              "message": message[:MAX_MESSAGE] if message else None, "called_at": now()}
    try:
        if await ProviderLastCall.filter(tenant_id=tenant_id, provider=provider).update(**values):
            return
        try:
            await ProviderLastCall.create(tenant_id=tenant_id, provider=provider, **values)
        except IntegrityError:  # a concurrent first call of this provider made the row
            await ProviderLastCall.filter(tenant_id=tenant_id, provider=provider).update(**values)
    except Exception as exc:  # the call's own result matters more than this note
        log.warning("could not note a provider call", extra={"provider": provider, "error": type(exc).__name__})


async def last_calls(tenant_id: int, *providers: str) -> dict[str, ProviderLastCall]:
    """The tenant's last call per provider (of those named, or of all)."""
    query = ProviderLastCall.filter(tenant_id=tenant_id)
    return {row.provider: row for row in await (query.filter(provider__in=providers) if providers else query)}
