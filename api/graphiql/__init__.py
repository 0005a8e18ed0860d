"""reward-ledger's own GraphiQL page (GET /graphql in a browser) and the assets it loads, served by the app
itself so the page works with no network: see static/vendor/VERSIONS.md for what is vendored."""

from api.graphiql.assets import GRAPHIQL_STATIC_PATH, graphiql_assets_router
from api.graphiql.page import graphiql_page_html

__all__ = ["GRAPHIQL_STATIC_PATH", "graphiql_assets_router", "graphiql_page_html"]
