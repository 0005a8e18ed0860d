"""Turns the Authorization header into a principal before any GraphQL operation runs.

No credential, or one that is unknown, revoked or expired, answers HTTP 401 with a GraphQL error whose
`extensions.code` is UNAUTHENTICATED, before the document is even parsed.
"""

from __future__ import annotations

from litestar import Request, Response

from api.errors import ApiErrorCode
from ledger.services.credential_cache import authenticate_cached

GRAPHQL_PATH = "/graphql"


def bearer_credential(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    return credential if scheme.lower() == "bearer" and credential else None


def unauthenticated(message: str) -> Response:
    return Response(
        {"data": None, "errors": [{"message": message, "extensions": {"code": ApiErrorCode.UNAUTHENTICATED.value}}]},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="reward-ledger"'},
    )


async def authenticate_graphql_request(request: Request) -> Response | None:
    """Litestar `before_request` hook; GET /graphql (the GraphiQL page) needs no credential. A WebSocket
    upgrade never comes here (Litestar runs the hook for HTTP handlers only): it authenticates at
    connection_init instead (api/live_transport.py), and without a credential is closed with 4401."""
    if request.scope["path"].rstrip("/") != GRAPHQL_PATH or request.method != "POST":
        return None
    credential = bearer_credential(request.headers.get("authorization"))
    if credential is None:
        return unauthenticated("send Authorization: Bearer <API key or member token>")
    principal = await authenticate_cached(credential) if len(credential) <= 200 else None
    if principal is None:
        return unauthenticated("the credential is unknown, revoked or expired")
    request.state.principal = principal
    return None
