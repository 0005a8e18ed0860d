"""Subscribing as a client would: the `gql` library's websockets transport, over a real socket."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from gql import Client, GraphQLRequest, gql
from gql.client import AsyncClientSession
from gql.transport.websockets import WebsocketsTransport

WAIT_S = 10.0  # the longest a test waits for one update: a bound, never a pause


def ws_url(server_url: str) -> str:
    return server_url.replace("http://", "ws://", 1) + "/graphql"


def transport_for(server_url: str, token: str | None, **options: Any) -> WebsocketsTransport:
    payload = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return WebsocketsTransport(url=ws_url(server_url), init_payload=payload, **options)


@asynccontextmanager
async def live_session(server_url: str, token: str | None, **options: Any) -> AsyncIterator[AsyncClientSession]:
    """A connection that has sent connection_init with `token` and been acknowledged."""
    async with Client(transport=transport_for(server_url, token, **options)) as session:
        yield session


def request(document: str, variables: dict | None = None) -> GraphQLRequest:
    parsed = gql(document)
    parsed.variable_values = variables
    return parsed


def close_code(error: BaseException) -> int | None:
    """The close code the server sent, found among the causes gql wraps it in."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, websockets.ConnectionClosed):
            return seen.rcvd.code if seen.rcvd is not None else None
        seen = seen.__cause__ or seen.__context__
    return None


async def close_code_of(server_url: str, token: str | None, document: str, variables: dict | None = None,
                        **options: Any) -> int | None:
    """Connects, subscribes and returns the close code the server ends the connection with."""
    try:
        async with live_session(server_url, token, **options) as session:
            async with asyncio.timeout(WAIT_S):
                async for _ in session.subscribe(request(document, variables)):
                    pass
    except Exception as error:  # noqa: BLE001 - the close is what is asked for
        return close_code(error)
    return None


class Subscription:
    """One subscription's results, gathered in the background so a test awaits exactly the ones it expects."""

    def __init__(self, session: AsyncClientSession, document: str, variables: dict | None = None) -> None:
        self._results: asyncio.Queue[dict | BaseException] = asyncio.Queue()
        self._task = asyncio.create_task(self._gather(session, document, variables))

    async def _gather(self, session: AsyncClientSession, document: str, variables: dict | None) -> None:
        try:
            async for result in session.subscribe(request(document, variables)):
                self._results.put_nowait(result)
        except Exception as error:  # noqa: BLE001 - handed to whoever awaits the next result
            self._results.put_nowait(error)

    async def next(self, timeout_s: float = WAIT_S) -> dict:
        result = await asyncio.wait_for(self._results.get(), timeout_s)
        if isinstance(result, BaseException):
            raise result
        return result

    async def take(self, count: int, timeout_s: float = WAIT_S) -> list[dict]:
        return [await self.next(timeout_s) for _ in range(count)]

    def pending(self) -> list[dict]:
        """What has arrived and not been taken yet."""
        taken = []
        while not self._results.empty():
            result = self._results.get_nowait()
            if isinstance(result, BaseException):
                raise result
            taken.append(result)
        return taken

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def last_sequence(gql_client: Any, token: str) -> int:
    """The tenant's last event sequence, as the events query tells it."""
    data = await gql_client("{ events(first: 1) { totalCount } }", token=token)
    return int(data["events"]["totalCount"])
