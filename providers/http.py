"""The one HTTP policy every adapter uses.

Explicit connect and read timeouts; every call logged with provider, flow, latency and outcome and
nothing else (no URL, no body, no credentials: URLs and bodies carry tokens, signatures and personal
data). Transport failures are classified by what they say about the provider's side: a request that
never left (connect failure) is safe to send again; one that may have arrived (read timeout, a
connection cut mid-answer) is not, and its outcome is unknown until the provider is asked. A TLS
handshake that failed (a certificate not trusted, a hostname mismatch) is a connect failure too, but one
that repeating will not cure: it is marked `tls_refused` and its reason names the certificate problem.
"""

from __future__ import annotations

import logging
import ssl
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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
    def __init__(self, failure: TransportFailure, reason: str, *, tls_refused: bool = False) -> None:
        super().__init__(reason)
        self.failure = failure
        self.reason = reason
        # NOT_SENT because the TLS handshake failed: nothing reached the provider, and sending again
        # meets the same certificate, so adapters report it at once instead of repeating it.
        self.tls_refused = tls_refused


def transport_error(exc: httpx.HTTPError) -> ProviderTransportError:
    """What an httpx failure says about the provider's side (see the module's docstring)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        tls_problem = _tls_problem(exc)
        if tls_problem is not None:
            return ProviderTransportError(TransportFailure.NOT_SENT, tls_problem, tls_refused=True)
        return ProviderTransportError(TransportFailure.NOT_SENT, type(exc).__name__)
    return ProviderTransportError(TransportFailure.LOST, type(exc).__name__)


def _tls_problem(exc: BaseException) -> str | None:
    """The handshake's complaint ("TLS: certificate verify failed: unable to get local issuer
    certificate"), from the ssl error that httpx and httpcore wrap; None when TLS was not the cause."""
    current: BaseException | None = exc
    for _ in range(10):  # the chain is httpx -> httpcore -> ssl; a bound keeps a cycle harmless
        if current is None:
            return None
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"TLS: certificate verify failed: {current.verify_message or current.reason}"
        if isinstance(current, ssl.SSLError):
            return f"TLS: {(current.reason or 'handshake failed').lower().replace('_', ' ')}"
        current = current.__cause__ or current.__context__
    return None


def new_http_client(verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """A pooled client, shared by the adapters that trust the same certificates (`verify`: the system's
    trust store, or a context trusting a provider's own CA); timeouts are set per call."""
    return httpx.AsyncClient(follow_redirects=False, limits=httpx.Limits(max_connections=100), verify=verify)


class ProviderHttp:
    def __init__(self, provider: str, client: httpx.AsyncClient, timeouts: Timeouts) -> None:
        self.provider = provider
        self._client = client
        self._timeouts = timeouts

    async def post_form(self, flow: str, url: str, form: dict[str, str]) -> httpx.Response:
        """POSTs an application/x-www-form-urlencoded body; raises ProviderTransportError on transport failure."""
        return await self.post(flow, url, data=form)

    async def post(self, flow: str, url: str, **body: Any) -> httpx.Response:
        """POSTs under this policy (`body`: httpx's data, json or params); raises ProviderTransportError
        on transport failure."""
        started = time.perf_counter()
        try:
            response = await self._client.post(url, timeout=self._timeouts.as_httpx(), **body)
        except httpx.HTTPError as exc:
            error = transport_error(exc)
            # The TLS reason names the certificate problem only: no URL, no body.
            detail = f"{type(exc).__name__}: {error.reason}" if error.tls_refused else type(exc).__name__
            self._log(flow, started, error.failure.value, detail)
            raise error from exc
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
