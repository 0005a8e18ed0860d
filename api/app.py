"""The Litestar application factory: GraphQL, health, and the database's lifetime."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from litestar import Litestar, get
from litestar.connection import ASGIConnection
from litestar.response import Response
from strawberry.http.base import HTTPException  # the class Strawberry turns into a 4xx response
from strawberry.litestar import make_graphql_controller

from api.auth import GRAPHQL_PATH, authenticate_graphql_request
from api.context import AppContext
from api.event_bus import event_bus_for
from api.logs import quiet_third_party_loggers
from api.schema import build_schema
from api.settings import Settings
from api.webhooks import randou_webhook
from ledger.events import set_event_bus
from ledger.persistence.database import migrate, open_database, ping
from ledger.ports import set_provider_factory
from providers import registry

log = logging.getLogger(__name__)


async def graphql_context(request: ASGIConnection) -> AppContext:
    return AppContext(principal=getattr(request.state, "principal", None))


@get("/health")
async def health() -> Response[dict[str, str]]:
    if await ping():
        return Response({"status": "ok"}, status_code=200)
    return Response({"status": "database unavailable"}, status_code=503)


def create_app(
    settings: Settings,
    *,
    manage_database: bool = True,
    migrate_on_start: bool = False,
    on_startup: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    extra_routes: Sequence[Any] = (),
) -> Litestar:
    """`manage_database=False` leaves the database to the caller (tests that already opened it)."""
    quiet_third_party_loggers()
    set_provider_factory(registry.build_provider)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        if migrate_on_start:
            await migrate(settings.database_url)
        async with open_database(settings.database_url), event_bus_for(settings.redis_url) as bus:
            set_event_bus(bus)
            try:
                if on_startup is None:
                    yield
                else:
                    async with on_startup():
                        yield
            finally:
                await registry.close_shared_http_client()

    controller = make_graphql_controller(
        build_schema(settings),
        path=GRAPHQL_PATH,
        context_getter=graphql_context,
        allow_queries_via_get=False,
    )

    class GraphQLController(controller):  # type: ignore[valid-type,misc]
        def parse_json(self, data: str | bytes) -> Any:
            """Strawberry answers 500 to a body that is JSON but not an object, or not UTF-8, or too deep."""
            try:
                parsed = super().parse_json(data)
            except (UnicodeDecodeError, RecursionError) as exc:
                raise HTTPException(400, "Unable to parse request body as JSON") from exc
            if not isinstance(parsed, (dict, list)):
                raise HTTPException(400, "The request body must be a JSON object")
            return parsed

    graphql = GraphQLController
    return Litestar(
        route_handlers=[graphql, health, randou_webhook, *extra_routes],
        lifespan=[lifespan],
        before_request=authenticate_graphql_request,
        # Logging is configured once by the process (api.logs), not by the framework.
        logging_config=None,
        debug=False,
    )
