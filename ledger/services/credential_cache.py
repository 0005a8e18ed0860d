"""A short cache of the operator API keys that authenticated, so a busy client does not pay a query for its
key on every request or WebSocket connection.

Revocation still takes effect at once where it happens: revoking a key forgets it here in the same breath.
Another process (another API instance) keeps its cached answer for at most TTL_S, the price of not asking
the database each time. Only API keys are cached: a member token's expiry is exact to the second.
"""

from __future__ import annotations

import time

from ledger.domain.access import Principal
from ledger.services.access import API_KEY_PREFIX, authenticate, credential_digest

TTL_S = 1.0
MAX_ENTRIES = 10_000  # far more keys than a deployment has; a flood of made-up keys is never cached

_principals: dict[str, tuple[Principal, float]] = {}  # key hash -> (principal, valid until, monotonic)


async def authenticate_cached(credential: str) -> Principal | None:
    """`authenticate`, answered from the cache for an API key that authenticated less than TTL_S ago."""
    if not credential.startswith(API_KEY_PREFIX):
        return await authenticate(credential)
    digest = credential_digest(credential)
    cached = _principals.get(digest)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    principal = await authenticate(credential)
    if principal is None:
        _principals.pop(digest, None)
        return None
    if len(_principals) >= MAX_ENTRIES:
        _principals.clear()
    _principals[digest] = (principal, time.monotonic() + TTL_S)
    return principal


def forget(key_hash: str) -> None:
    """Called when a key is revoked: its next request asks the database."""
    _principals.pop(key_hash, None)
