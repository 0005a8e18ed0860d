"""The pooled httpx clients adapters share: one trusting the system's certificate store, and one per
distinct `tlsCaBundle`.

A client's trust is fixed when it is made, and its pooled connections were verified under that trust, so
providers that trust different certificates cannot share one. Clients are made on first use and live
until shutdown (`close_all`); tenants that trust the same bundle share its client.
"""

from __future__ import annotations

import hashlib

import httpx

from providers.ca_bundle import ssl_context
from providers.http import new_http_client

_system_trust: httpx.AsyncClient | None = None
_by_bundle: dict[str, httpx.AsyncClient] = {}  # by the SHA-256 of the bundle's text


def client_for(ca_bundle: str | None) -> httpx.AsyncClient:
    """The shared client trusting `ca_bundle` (already validated), or the system's store when None."""
    global _system_trust
    if not ca_bundle:
        if _system_trust is None or _system_trust.is_closed:
            _system_trust = new_http_client()
        return _system_trust
    key = hashlib.sha256(ca_bundle.encode()).hexdigest()
    client = _by_bundle.get(key)
    if client is None or client.is_closed:
        client = _by_bundle[key] = new_http_client(verify=ssl_context(ca_bundle))
    return client


async def close_all() -> None:
    global _system_trust
    clients = [*([_system_trust] if _system_trust is not None else []), *_by_bundle.values()]
    _system_trust = None
    _by_bundle.clear()
    for client in clients:
        await client.aclose()
