"""Times the provider adapter inside the benchmark's server: every coroutine the lottery gateway's client
offers (sign, send, wait for the station, parse) is timed from call to answer.

Installed by the benchmark's app factory only; GET /baseline/_adapter-timings answers the total, POST sets
it back to zero.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

from litestar import get, post

from ledger.services import lottery


class _Totals:
    seconds = 0.0
    calls = 0


class TimedGateway:
    """Stands in for the gateway: its coroutines are timed, everything else passes through."""

    def __init__(self, gateway: Any) -> None:
        self._gateway = gateway

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._gateway, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await attribute(*args, **kwargs)
            finally:
                _Totals.seconds += time.perf_counter() - started
                _Totals.calls += 1

        return timed


def install() -> None:
    original: Callable[[int], Any] = lottery.gateway_for

    async def timed_gateway_for(tenant_id: int) -> Any:
        return TimedGateway(await original(tenant_id))

    lottery.gateway_for = timed_gateway_for  # type: ignore[assignment]


def _totals() -> dict[str, Any]:
    return {"seconds": _Totals.seconds, "calls": _Totals.calls}


@get("/baseline/_adapter-timings")
async def adapter_timings() -> dict[str, Any]:
    return _totals()


@post("/baseline/_adapter-timings", status_code=200)
async def reset_adapter_timings() -> dict[str, Any]:
    _Totals.seconds, _Totals.calls = 0.0, 0
    return _totals()


TIMING_ROUTES = [adapter_timings, reset_adapter_timings]
