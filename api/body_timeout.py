"""A bound on how long a request's body may take to arrive.

uvicorn times out idle keep-alive connections but not a body that trickles in: a client that sends the
headers and then one byte a second holds a worker's socket (and a webhook handler) for as long as it likes.
Every receive of the body must arrive within what is left of the budget; past it the request is answered
408 and its handler never runs on half a body.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, Scope, Send


class BodyReadTimeout(HTTPException):
    status_code = 408
    detail = "the request body did not arrive in time"


def body_read_timeout(timeout_s: float) -> Any:
    """Litestar middleware (a factory of ASGI apps) bounding each HTTP request's body to `timeout_s`."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def bounded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            deadline = time.monotonic() + timeout_s

            async def receive_in_time() -> Any:
                remaining = deadline - time.monotonic()
                try:
                    return await asyncio.wait_for(_awaited(receive), timeout=max(remaining, 0.001))
                except TimeoutError:
                    raise BodyReadTimeout() from None

            await app(scope, receive_in_time, send)

        return bounded

    return middleware


async def _awaited(receive: Receive) -> Any:
    return await receive()
