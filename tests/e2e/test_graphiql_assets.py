"""The GraphiQL page, without a browser: everything it loads is served by the app, with its licence beside it.

tests/browser/test_graphiql.py drives the page itself in chromium.
"""

from __future__ import annotations

import re

import httpx

from api.graphiql.assets import GRAPHIQL_STATIC_PATH, STATIC_DIRECTORY

VENDOR = STATIC_DIRECTORY / "vendor"


async def graphiql_page(http: httpx.AsyncClient) -> str:
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_every_asset_of_the_page_is_served_by_the_app(http: httpx.AsyncClient):
    page = await graphiql_page(http)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len([a for a in assets if a.endswith(".js")]) == 5  # react, react-dom, graphiql, explorer, page
    for asset in assets:
        if asset.startswith("data:"):
            continue
        assert asset.startswith(f"{GRAPHIQL_STATIC_PATH}/"), asset
        response = await http.get(asset)
        assert response.status_code == 200, asset
        assert response.content, asset


async def test_the_page_and_its_own_script_name_no_other_host(http: httpx.AsyncClient):
    for text in (await graphiql_page(http), (STATIC_DIRECTORY / "graphiql-page.js").read_text(),
                 (STATIC_DIRECTORY / "graphiql-page.css").read_text()):
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text, re.IGNORECASE)


def test_every_vendored_package_keeps_its_licence_and_is_listed_with_its_version():
    versions = (VENDOR / "VERSIONS.md").read_text()
    packages = [folder for folder in VENDOR.iterdir() if folder.is_dir()]
    assert {folder.name for folder in packages} == {"react", "react-dom", "graphiql", "plugin-explorer"}
    for folder in packages:
        assert (folder / "LICENSE").is_file(), folder
        assert f"`{folder.name}/`" in versions, folder
        for file in folder.iterdir():
            if not file.name.startswith("LICENSE"):
                assert f"{folder.name}/{file.name}" in versions, file
                assert not file.name.endswith(".map"), file


async def test_json_gets_on_graphql_are_unchanged(http: httpx.AsyncClient):
    """Only browsers get the page; queries over GET stay refused (POST only)."""
    response = await http.get("/graphql", headers={"Accept": "application/json"})
    assert response.status_code == 400
