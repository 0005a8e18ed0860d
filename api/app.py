"""The Litestar application factory: GraphQL, health, and the database's lifetime."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import timedelta
from typing import Any, ClassVar

from litestar import Litestar, Request, WebSocket, get, post
from litestar.background_tasks import BackgroundTasks
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK
from litestar.types import Dependencies
from strawberry.http.base import HTTPException  # the class Strawberry turns into a 4xx response
from strawberry.litestar import make_graphql_controller
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from api.auth import GRAPHQL_PATH, authenticate_graphql_request
from api.body_timeout import body_read_timeout
from api.console import console_routes
from api.context import AppContext
from api.event_bus import event_bus_for
from api.graphiql import graphiql_assets_router, graphiql_page_html
from api.json_encoding import encode_json
from api.landing import landing
from api.live_transport import LiveConnections, LiveUpdatesHandler
from api.logs import quiet_third_party_loggers
from api.operation_lane import answer_plain_operation
from api.scheduling import scheduler_running
from api.schema import build_schema
from api.settings import Settings
from api.webhooks import randou_webhook
from ledger.events import set_event_bus
from ledger.persistence.database import migrate, open_database, ping
from ledger.ports import set_provider_factory
from ledger.services import provider_calls
from providers import registry
from providers.stored_secrets import use_secrets_key

log = logging.getLogger(__name__)


def graphql_context_for(settings: Settings) -> Callable[[ASGIConnection], Awaitable[AppContext]]:
    async def graphql_context(request: ASGIConnection) -> AppContext:
        # A WebSocket's context lasts as long as the connection: its loaders must not remember rows.
        return AppContext(principal=getattr(request.state, "principal", None), settings=settings,
                          cache_loads=not isinstance(request, WebSocket))

    return graphql_context


# Young objects the cycle collector lets pile up before it looks (CPython's default is 700). A page read
# makes tens of thousands of short-lived objects, nearly all freed by reference counting, so the default
# ran several collections per request for almost no garbage; at this threshold the young generation holds
# at most a few megabytes. Reads went 3-8% faster at 20,000 (bench/RESULTS.md).
YOUNG_OBJECTS_BEFORE_COLLECTING = 20_000


def freeze_startup_objects() -> None:
    """Moves what startup made (the schema, models, routes: some hundred thousand objects that live as long
    as the process) out of the collector's sight: a full collection then walks only what requests made,
    instead of stalling a request for tens of milliseconds now and then. And collects young objects less
    often (YOUNG_OBJECTS_BEFORE_COLLECTING)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING, older, oldest)


def new_response() -> Response:
    """The response resolvers may set headers and cookies on (what Strawberry's own getter makes)."""
    return Response({}, background=BackgroundTasks([]))


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
    run_scheduler: bool = False,
) -> Litestar:
    """`manage_database=False` leaves the database to the caller (tests that already opened it);
    `run_scheduler` fires the scheduled jobs in this process too (`serve` does unless --no-scheduler)."""
    quiet_third_party_loggers()
    set_provider_factory(provider_calls.recording(registry.build_provider))
    if settings.secrets_key:  # without one, the key the process already installed (if any) stays
        use_secrets_key(settings.secrets_key)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        if migrate_on_start:
            await migrate(settings.database_url)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(open_database(settings.database_url))
            set_event_bus(await stack.enter_async_context(event_bus_for(settings.redis_url,
                                                                        settings.event_channel_prefix)))
            stack.push_async_callback(registry.close_shared_http_client)
            if on_startup is not None:
                await stack.enter_async_context(on_startup())
            if run_scheduler:
                await stack.enter_async_context(scheduler_running(settings))
            freeze_startup_objects()
            yield

    schema = build_schema(settings)
    controller = make_graphql_controller(
        schema,
        path=GRAPHQL_PATH,
        context_getter=graphql_context_for(settings),
        allow_queries_via_get=False,
        # Only graphql-transport-ws: the legacy graphql-ws protocol let a client skip on_ws_connect.
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=settings.connection_init_timeout_seconds),
        max_subscriptions_per_connection=settings.subscriptions_per_connection,
    )
    live_connections = LiveConnections(settings)

    context_of = graphql_context_for(settings)

    class GraphQLController(controller):  # type: ignore[valid-type,misc]
        graphql_transport_ws_handler_class = LiveUpdatesHandler
        # Strawberry makes each request's Response in a worker thread (sync_to_thread=True): a thread hop and
        # a wake-up per request, for a constructor call. Made on the event loop instead.
        dependencies: ClassVar[Dependencies] = {**controller.dependencies,
                                                "response": Provide(new_response, sync_to_thread=False)}

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]) -> Response[Any]:
            """Strawberry's POST handler, with its context made here: as dependencies, the context, the root
            value and the response were resolved in a task group of their own on every request."""
            response = new_response()
            context = await context_of(request)
            context.request, context.response = request, response
            self.temporal_response = response
            if request.content_type[0] == "application/json" and context.principal is not None:
                answer = await answer_plain_operation(schema, await request.body(), context)
                if answer is not None:
                    return self.create_response(answer, response)  # type: ignore[arg-type]
            return await self.execute_request(request=request, context=context, root_value=None)  # type: ignore[no-any-return]

        async def on_ws_connect(self, context: AppContext) -> UnsetType:
            """connection_init: the credential is checked here (ConnectionRefused closes with its code)."""
            await live_connections.accept(context)
            return UNSET

        def encode_json(self, data: object) -> bytes:
            return encode_json(data)

        def parse_json(self, data: str | bytes) -> Any:
            """Strawberry answers 500 to a body that is JSON but not an object, or not UTF-8, or too deep."""
            try:
                parsed = super().parse_json(data)
            except (UnicodeDecodeError, RecursionError) as exc:
                raise HTTPException(400, "Unable to parse request body as JSON") from exc
            if not isinstance(parsed, (dict, list)):
                raise HTTPException(400, "The request body must be a JSON object")
            return parsed

        @property
        def graphql_ide_html(self) -> str:
            """Our own GraphiQL page instead of Strawberry's, which loads its assets from a CDN."""
            return graphiql_page_html()

    graphql = GraphQLController
    return Litestar(
        route_handlers=[graphql, graphiql_assets_router(), *console_routes(), landing, health, randou_webhook,
                        *extra_routes],
        lifespan=[lifespan],
        before_request=authenticate_graphql_request,
        middleware=[body_read_timeout(settings.body_read_timeout_seconds)],
        # Logging is configured once by the process (api.logs), not by the framework.
        logging_config=None,
        debug=False,
    )
