"""The embedded demo: the provider sandboxes mounted in-process, a tenant connected to each of them and
seeded to try every provider (api/demo_seed.py), and its admin key, the same on every start of a database
(api/demo_key.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.handlers import asgi
from litestar.types import Receive, Scope, Send

from api.demo_key import demo_admin_key, key_file_for
from api.demo_seed import seed_demo
from api.ids import encode_id
from providers import registry

SANDBOX_ROOT = "/sandboxes"


def sandbox_mounts() -> tuple[list[Any], dict[str, Litestar]]:
    """Route handlers mounting every provider's sandbox at /sandboxes/<name>, and the apps themselves."""
    apps = {name: registry.module(name).sandbox() for name in registry.provider_names()}
    handlers = [_mount(f"{SANDBOX_ROOT}/{name}", app) for name, app in apps.items()]
    return handlers, apps


def _mount(path: str, app: Litestar) -> Any:
    @asgi(path, is_mount=True, name=f"sandbox:{path}", copy_scope=True)
    async def sandbox(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)

    return sandbox


def demo_startup(host: str, port: int, sandboxes: dict[str, Litestar], database_url: str
                 ) -> Callable[[], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def startup() -> AsyncIterator[None]:
        root = f"http://{host}:{port}"
        tenant = await seed_demo(sandboxes, f"{root}{SANDBOX_ROOT}")
        key_file = key_file_for(database_url)
        key = await demo_admin_key(tenant.id, key_file)
        kept = f"kept in {key_file}, the same on every start" if key_file else "an in-memory database: new each start"
        # The key goes to stdout for the person who started the demo, never to the log.
        print(
            "\n"
            f"  reward-ledger demo: GraphiQL at {root}/graphql\n"
            f"  tenant {tenant.name} ({encode_id('Tenant', tenant.id)}), connected to the sandboxes at "
            f"{root}{SANDBOX_ROOT}/<provider>\n"
            f"  admin API key ({kept}): {key}\n"
            f"  send it as the header  Authorization: Bearer {key}\n"
            f"  try every provider: README.md, \"Walk-through: every provider in the demo\"\n",
            flush=True,
        )
        yield

    return startup
