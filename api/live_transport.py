"""The WebSocket side of live updates: who may connect to /graphql over graphql-transport-ws, what each
connection may hold, and how it ends.

A connection authenticates once, with the credentials HTTP takes: `{"Authorization": "Bearer …"}` in the
connection_init payload, or else the upgrade request's Authorization header. It closes with

- 4401: no credential, or one that is unknown, revoked or expired;
- 4403: a subscription the credential's role may not make (clients treat a close as final, where an error
  on one operation would have them retry it);
- 4429: too many connections for one credential, or a subscriber that fell behind the bus (it subscribes
  again with `after:` the last sequence it saw);
- 4406: any subprotocol but graphql-transport-ws (the legacy graphql-ws one let a client skip the
  connection hook, so it is not offered at all); 4408: no connection_init in time (both Strawberry's).

Nothing a subscriber does can hold up a write: the bus fills its bounded mailbox without waiting, and a
full mailbox closes the subscriber's connection instead of growing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager, suppress
from typing import Any

from litestar import WebSocket
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage, Message

from api.auth import bearer_credential
from api.context import AppContext
from api.settings import Settings
from ledger.event_feed import EventFeed, EventInterest, event_feed, notices
from ledger.events import Mailbox
from ledger.services.credential_cache import authenticate_cached

log = logging.getLogger(__name__)

UNAUTHENTICATED = 4401
FORBIDDEN = 4403
TOO_MANY = 4429
MAX_CREDENTIAL_LENGTH = 200  # as over HTTP: longer is no credential of ours, and is not looked up


class ConnectionRefused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason  # a close frame's reason: at most 123 bytes


def credential_of(connection_params: Mapping[str, Any] | None, headers: Mapping[str, str]) -> str | None:
    """The bearer credential of the connection_init payload, else of the upgrade request."""
    for name, value in (connection_params or {}).items():
        if isinstance(name, str) and name.lower() == "authorization":
            return bearer_credential(value) if isinstance(value, str) else None
    return bearer_credential(headers.get("authorization"))


class LiveConnection:
    """One authenticated WebSocket: its subscriptions' feeds, and closing it with a code."""

    def __init__(self, websocket: WebSocket, settings: Settings, release: Callable[[], None]) -> None:
        self.closing = False
        self._websocket = websocket
        self._settings = settings
        self._release: Callable[[], None] | None = release
        self._close_task: asyncio.Task[None] | None = None

    def feed(self, interest: EventInterest) -> AbstractAsyncContextManager[EventFeed]:
        return event_feed(interest, queue_size=self._settings.subscription_queue_size,
                          on_overflow=self._fell_behind)

    def notices(self) -> AbstractAsyncContextManager[Mailbox]:
        return notices(queue_size=self._settings.subscription_queue_size, on_overflow=self._fell_behind)

    async def refuse(self, reason: str) -> None:
        """Closes the connection with 4403 (the operation then ends without a word)."""
        self.close_soon(FORBIDDEN, reason)
        if self._close_task is not None:
            await asyncio.shield(self._close_task)

    def close_soon(self, code: int, reason: str) -> None:
        """Closes the connection from any task, without waiting (the bus calls this while it publishes)."""
        if self.closing:
            return
        self.closing = True
        log.info("closing a live connection with %d: %s", code, reason)
        self._close_task = asyncio.get_running_loop().create_task(self._close(code, reason))

    def ended(self) -> None:
        """The connection is gone: its place among its credential's connections is free again."""
        if self._release is not None:
            self._release()
            self._release = None
        if self._close_task is not None and not self._close_task.done():
            self._close_task.cancel()

    def _fell_behind(self) -> None:
        self.close_soon(TOO_MANY, "fell behind the live updates; subscribe again with after: the last sequence")

    async def _close(self, code: int, reason: str) -> None:
        # The close frame queues behind what was sent before: a client that reads again gets it after them.
        # One that never reads never gets it; the server's WebSocket pings go unanswered and end that
        # connection instead (uvicorn's, every 20 s), and `ended` then drops this task.
        with suppress(Exception):
            await self._websocket.close(code=code, reason=reason)


class LiveConnections:
    """This instance's live connections, counted per credential (the limit holds per instance)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._open: Counter[str] = Counter()

    def open_count(self) -> int:
        return sum(self._open.values())

    async def accept(self, context: AppContext) -> None:
        """The connection_init hook: authenticates and admits the connection, or raises ConnectionRefused."""
        assert context.websocket is not None
        credential = credential_of(context.connection_params, context.websocket.headers)
        if credential is None:
            raise ConnectionRefused(UNAUTHENTICATED, 'send {"Authorization": "Bearer <credential>"} in connection_init')
        # The cache HTTP requests use: revoking a key forgets it there at once, so a revoked key is refused.
        principal = await authenticate_cached(credential) if len(credential) <= MAX_CREDENTIAL_LENGTH else None
        if principal is None:
            raise ConnectionRefused(UNAUTHENTICATED, "the credential is unknown, revoked or expired")
        key = hashlib.sha256(credential.encode()).hexdigest()  # never keep the secret itself
        if self._open[key] >= self._settings.connections_per_credential:
            raise ConnectionRefused(TOO_MANY, f"at most {self._settings.connections_per_credential} live "
                                              "connections per credential")
        self._open[key] += 1
        context.principal = principal
        context.live = LiveConnection(context.websocket, self._settings, release=lambda: self._release(key))

    def _release(self, key: str) -> None:
        self._open[key] -= 1
        if self._open[key] <= 0:
            del self._open[key]


class LiveUpdatesHandler(BaseGraphQLTransportWSHandler[AppContext, None]):
    """Strawberry's graphql-transport-ws handler, with our close codes and nothing sent after a close."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except ConnectionRefused as refused:
            log.info("refused a live connection with %d: %s", refused.code, refused.reason)
            await self.websocket.close(code=refused.code, reason=refused.reason)

    async def send_message(self, message: Message) -> None:
        live = self.context.live
        if live is not None and live.closing:
            return  # the connection is closing with its own code; nothing may follow that close frame
        try:
            await super().send_message(message)
        except (WebSocketDisconnected, OSError):
            # The client went away mid-send; the receive loop sees it too and ends the connection.
            log.debug("a live connection went away while being sent to")
        except RuntimeError:
            if live is None or not live.closing:
                raise
            # This send was waiting on a full socket when the close went out first.

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            if self.context.live is not None:
                self.context.live.ended()
