"""GET / : where to go from here. A person gets a small HTML page, a program the same links as JSON."""

from __future__ import annotations

from html import escape

from litestar import Request, get
from litestar.enums import MediaType
from litestar.response import Response

from api.auth import GRAPHQL_PATH
from api.demo import SANDBOX_ROOT

HEALTH_PATH = "/health"


def mounted_sandboxes(request: Request) -> list[str]:
    """The demo mounts the provider sandboxes under /sandboxes; a plain `serve` has none, and lists none."""
    return sorted(route.path for route in request.app.routes if route.path.startswith(f"{SANDBOX_ROOT}/"))


def landing_html(sandboxes: list[str]) -> str:
    sandbox_items = "".join(
        f'<li><a href="{escape(path)}/_control/config">{escape(path)}</a></li>' for path in sandboxes
    )
    sandbox_section = (
        f"<p>The demo's provider sandboxes (each link gives its settings):</p><ul>{sandbox_items}</ul>"
        if sandboxes else ""
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>reward-ledger</title><link rel="icon" href="data:,">
<style>body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; padding: 0 1rem; }}</style>
</head>
<body>
<h1>reward-ledger</h1>
<p>One GraphQL API over a ledger of rewards.</p>
<ul>
<li><a href="{GRAPHQL_PATH}">GraphiQL</a>: explore and run operations; it asks for an API key
(<code>Authorization: Bearer rl_key_…</code>, which <code>make demo</code> prints).
Programs <code>POST {GRAPHQL_PATH}</code> with that header.</li>
<li><a href="{HEALTH_PATH}">{HEALTH_PATH}</a>: 200 when the database answers.</li>
</ul>
{sandbox_section}
</body>
</html>
"""


@get("/", include_in_schema=False, sync_to_thread=False)
def landing(request: Request) -> Response:
    sandboxes = mounted_sandboxes(request)
    # Browsers ask for text/html first; curl's */* and programs asking for JSON get JSON.
    if request.accept.best_match([MediaType.JSON, MediaType.HTML]) == MediaType.HTML:
        return Response(landing_html(sandboxes), media_type=MediaType.HTML, headers={"Vary": "Accept"})
    links: dict[str, object] = {"graphql": GRAPHQL_PATH, "graphiql": GRAPHQL_PATH, "health": HEALTH_PATH}
    if sandboxes:
        links["sandboxes"] = sandboxes
    return Response({"name": "reward-ledger", "links": links}, media_type=MediaType.JSON,
                    headers={"Vary": "Accept"})
