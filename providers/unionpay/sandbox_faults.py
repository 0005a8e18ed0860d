"""The answers of an injected fault (`/_control/faults`): what a client sees when UnionPay misbehaves.

The same behaviour as the Allinpay sandbox's faults (kept as a copy so that provider packages do
not import each other), plus `bad_signature`: the draw is made and its answer's `signature` is broken.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from litestar import Response
from litestar.response.base import ASGIResponse
from litestar.types import Receive, Send

from providers.unionpay.sandbox_state import Fault

# What a reverse proxy in front of the gateway shows when the gateway is down: HTTP 200, not JSON.
PROXY_ERROR_PAGE = ("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
                    "</center><hr><center>nginx</center></body></html>")
FAULTS_AFTER_WORK = frozenset({"drop_after_commit", "bad_signature"})


async def fault_instead_of_work(fault: Fault) -> Response:
    """The answer of a fault that leaves the gateway's state untouched (timeout, http500, html)."""
    if fault.mode == "timeout":
        await asyncio.sleep(fault.delay_seconds)
        return Response("Gateway Timeout", status_code=504, media_type="text/plain")
    if fault.mode == "http500":
        return Response("Internal Server Error", status_code=500, media_type="text/plain")
    return Response(PROXY_ERROR_PAGE, status_code=200, media_type="text/html")


def broken_sign(envelope: dict[str, Any]) -> dict[str, Any]:
    """The envelope with one bit of its signature flipped: well-formed base64 that no key verifies."""
    signature = bytearray(base64.b64decode(envelope["signature"]))
    signature[-1] ^= 0x01
    return {**envelope, "signature": base64.b64encode(bytes(signature)).decode("ascii")}


class CutShortResponse(Response[bytes]):
    """An answer the client never receives whole (drop_after_commit): the headers promise the full body,
    half of it is sent, then the connection is closed. The client sees a transport error
    (httpx.RemoteProtocolError), not an HTTP response."""

    def __init__(self, payload: bytes, media_type: str) -> None:
        super().__init__(payload, status_code=200, media_type=media_type)

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        payload = self.content
        return _HalfSentBody(body=payload[: len(payload) // 2], content_length=len(payload),
                             media_type=str(self.media_type), status_code=200)


class _HalfSentBody(ASGIResponse):
    async def send_body(self, send: Send, receive: Receive) -> None:
        # more_body=True and then nothing: the server has to drop the connection.
        await send({"type": "http.response.body", "body": self.body, "more_body": True})
