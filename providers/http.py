"""The one HTTP policy every adapter uses.

Explicit connect and read timeouts; every call logged with provider, flow, latency and outcome and
nothing else (no URL, no body, no credentials: URLs and bodies carry tokens, signatures and personal
data). Transport failures are classified by what they say about the provider's side: a request that
never left (connect failure) is safe to send again; one that may have arrived (read timeout, a
connection cut mid-answer) is not, and its outcome is unknown until the provider is asked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import StrEnum

import httpx

log = logging.getLogger("providers.calls")


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 3.0
    read_s: float = 10.0

    def as_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect_s, read=self.read_s, write=self.read_s, pool=self.connect_s)


class TransportFailure(StrEnum):
    NOT_SENT = "not_sent"  # the request never reached the provider: safe to retry
    LOST = "lost"  # it may have reached the provider: the outcome is unknown


class ProviderTransportError(Exception):
    def __init__(self, failure: TransportFailure, reason: str) -> None:
        super().__init__(reason)
        self.failure = failure
        self.reason = reason


def new_http_client() -> httpx.AsyncClient:
    """One pooled client per process, shared by every adapter; timeouts are set per call."""
    return httpx.AsyncClient(follow_redirects=False, limits=httpx.Limits(max_connections=100))


class ProviderHttp:
    def __init__(self, provider: str, client: httpx.AsyncClient, timeouts: Timeouts) -> None:
        self.provider = provider
        self._client = client
        self._timeouts = timeouts

    async def post_form(self, flow: str, url: str, form: dict[str, str]) -> httpx.Response:
        """POSTs an application/x-www-form-urlencoded body; raises ProviderTransportError on transport failure."""
        started = time.perf_counter()
        try:
            response = await self._client.post(url, data=form, timeout=self._timeouts.as_httpx())
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            self._log(flow, started, "not_sent", type(exc).__name__)
            raise ProviderTransportError(TransportFailure.NOT_SENT, type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            self._log(flow, started, "lost", type(exc).__name__)
            raise ProviderTransportError(TransportFailure.LOST, type(exc).__name__) from exc
        self._log(flow, started, f"http {response.status_code}")
        return response

    def log_outcome(self, flow: str, outcome: str) -> None:
        """The business outcome (a return code), once the adapter has read the answer."""
        log.info("provider answer", extra={"provider": self.provider, "flow": flow, "outcome": outcome})

    def _log(self, flow: str, started: float, outcome: str, detail: str = "") -> None:
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            "provider call %s %s: %s in %sms%s", self.provider, flow, outcome, latency_ms,
            f" ({detail})" if detail else "",
            extra={"provider": self.provider, "flow": flow, "latency_ms": latency_ms, "outcome": outcome},
        )
