"""Serves GraphiQL's scripts and stylesheets, and the page's own, from the package's static/ folder."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router

GRAPHIQL_STATIC_PATH = "/graphiql/static"
STATIC_DIRECTORY = Path(__file__).parent / "static"  # package data, so an installed package has it too


def graphiql_assets_router() -> Router:
    # No credential is needed: these are the same public files for everyone (auth applies to POST /graphql).
    return create_static_files_router(path=GRAPHIQL_STATIC_PATH, directories=[STATIC_DIRECTORY],
                                      name="graphiql-assets")
