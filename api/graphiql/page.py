"""The HTML of the GraphiQL page, with its asset links pointing at where the app serves them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from api.graphiql.assets import GRAPHIQL_STATIC_PATH

TEMPLATE = Path(__file__).parent / "graphiql.html"


@cache
def graphiql_page_html() -> str:
    """Read once per process: the page is the same for every request (the key is typed in the browser)."""
    return TEMPLATE.read_text(encoding="utf-8").replace("{{static}}", GRAPHIQL_STATIC_PATH)
