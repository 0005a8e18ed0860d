"""One platform call: a JSON POST with the tenant's `db` key, under the shared HTTP policy.

providers/http.py's ProviderHttp posts forms; this platform takes JSON (PROTOCOLS.md §4), so this adds a
JSON post with the same timeouts, the same transport-failure classification and the same log line
(provider, flow, latency, outcome: never the URL, which carries the project key, nor the body, which
carries member ids).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from providers.http import ProviderHttp, ProviderTransportError, TransportFailure
from providers.red_packet.settings import PROVIDER, RedPacketSettings
from providers.red_packet.wire import PlatformReply, parse_reply
from providers.red_packet.wire_requests import with_app_sign


class PlatformUnreadable(Exception):
    """No usable answer: a transport failure, or a body that is not the platform's envelope."""

    def __init__(self, flow: str, reason: str, failure: TransportFailure = TransportFailure.LOST) -> None:
        super().__init__(f"{flow}: {reason}")
        self.failure = failure


class JsonProviderHttp(ProviderHttp):
    async def post_json(self, flow: str, url: str, query: dict[str, str], body: dict[str, Any]) -> httpx.Response:
        """POSTs `body` as JSON; raises ProviderTransportError on transport failure."""
        return await self.post(flow, url, params=query, json=body)


class PlatformTransport:
    """Sends one request for a tenant and reads the envelope; raises PlatformUnreadable when it cannot."""

    def __init__(self, settings: RedPacketSettings, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self._http = JsonProviderHttp(PROVIDER, http, settings.timeouts)

    async def call(self, flow: str, path: str, body: dict[str, Any]) -> PlatformReply:
        settings = self.settings
        if settings.signs_requests:
            body = with_app_sign(body, moment=datetime.now(UTC), key=settings.app_sign_key,
                                 author_type=settings.author_type)
        try:
            response = await self._http.post_json(flow, settings.url(path), {"db": settings.project_key}, body)
        except ProviderTransportError as exc:
            raise PlatformUnreadable(flow, exc.reason, exc.failure) from exc
        reply = parse_reply(response.status_code, response.content)
        if reply is None:
            self._http.log_outcome(flow, f"unreadable http {response.status_code}")
            raise PlatformUnreadable(flow, f"the answer is not the platform's envelope (HTTP {response.status_code})")
        self._http.log_outcome(flow, f"errcode {reply.errcode}")
        return reply
