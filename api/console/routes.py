"""GET /console and the console's static files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from litestar import Router, get
from litestar.enums import MediaType
from litestar.response import Response
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

CONSOLE_PATH = "/console"
STATIC_PATH = f"{CONSOLE_PATH}/static"
STATIC_DIRECTORY = Path(__file__).parent / "static"  # package data, so an installed package has it too

# The page may load only its own files and talk only to this server (GraphQL over HTTP and the WebSocket):
# data shown on it can never pull in a script, and nothing leaves for another host.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@cache
def console_html() -> str:
    return (STATIC_DIRECTORY / "console.html").read_text(encoding="utf-8").replace("{{static}}", STATIC_PATH)


@get([CONSOLE_PATH, f"{CONSOLE_PATH}/"], include_in_schema=False, sync_to_thread=False)
def console_page() -> Response[str]:
    # No credential is needed for the page itself: the key is typed into it and sent with each request.
    return Response(console_html(), media_type=MediaType.HTML,
                    headers={"content-security-policy": CONTENT_SECURITY_POLICY, "cache-control": "no-cache",
                             "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"})


def console_routes() -> list[ControllerRouterHandler]:
    assets: Router = create_static_files_router(path=STATIC_PATH, directories=[STATIC_DIRECTORY],
                                                name="console-assets")
    return [console_page, assets]
