"""GET / sends a person to GraphiQL and the health route, and a program the same links as JSON."""

from __future__ import annotations

import httpx

from api.app import create_app
from api.demo import sandbox_mounts
from api.settings import Settings

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


async def test_a_browser_gets_a_page_linking_graphiql_and_health(http: httpx.AsyncClient):
    response = await http.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/graphql"' in response.text
    assert 'href="/health"' in response.text
    assert "/sandboxes" not in response.text  # only the demo mounts sandboxes
    assert "http://" not in response.text and "https://" not in response.text  # nothing loaded from elsewhere


async def test_a_program_gets_the_links_as_json(http: httpx.AsyncClient):
    for accept in ("application/json", "*/*"):
        response = await http.get("/", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.json() == {"name": "reward-ledger",
                                   "links": {"graphql": "/graphql", "graphiql": "/graphql", "health": "/health"}}
        assert response.headers["vary"] == "Accept"


async def test_the_demo_lists_its_mounted_sandboxes(database_url: str):
    mounts, _ = sandbox_mounts()
    app = create_app(Settings(database_url=database_url), manage_database=False, extra_routes=mounts)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo") as client:
        links = (await client.get("/", headers={"Accept": "application/json"})).json()["links"]
        page = (await client.get("/", headers={"Accept": BROWSER_ACCEPT})).text
    assert "/sandboxes/instant-lottery" in links["sandboxes"]
    assert 'href="/sandboxes/instant-lottery/_control/config"' in page
