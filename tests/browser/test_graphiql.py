"""GraphiQL in a real browser: it loads with no network, asks for nothing before it has a key, takes the key
in any of the forms people paste, loads the schema with it, and runs an operation as that key's tenant."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, PageLog, is_loopback
from tests.support import TenantFixture

VIEWER_QUERY = "{ viewer { role tenant { name } } }"
QUERY_EDITOR = ".graphiql-query-editor"
HEADER_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"  # the variables editor is the hidden one


@pytest.fixture(autouse=True)
def _start_from_an_empty_database(clean_state: None) -> None:
    """Every test here starts from an empty, migrated database."""


def is_graphql_post(request: Any, operation_name: str | None = None) -> bool:
    if request.method != "POST" or not request.url.endswith("/graphql"):
        return False
    return operation_name is None or json.loads(request.post_data or "{}").get("operationName") == operation_name


def is_schema_fetch_with(key: str) -> Any:
    """Matches the introspection sent with this key (not a late answer to one sent with an earlier key)."""
    return lambda response: (is_graphql_post(response.request, "IntrospectionQuery")
                             and response.request.headers.get("authorization") == f"Bearer {key}")


async def set_editor_text(page: Any, editor: str, text: str) -> None:
    """Sets a CodeMirror editor's text at once (typing would have CodeMirror close brackets on its own)."""
    await page.locator(f"{editor} .CodeMirror").evaluate("(element, text) => element.CodeMirror.setValue(text)", text)


async def test_graphiql_works_offline_with_the_key_field(server_url: str, tenant: TenantFixture,
                                                        page_and_log: tuple[Any, PageLog]):
    page, log = page_and_log
    graphql_posts: list[Any] = []

    def record_graphql_post(request: Any) -> None:
        if is_graphql_post(request):
            graphql_posts.append(request)

    page.on("request", record_graphql_post)

    await page.goto(f"{server_url}/graphql")
    await page.locator(".graphiql-container").wait_for()
    assert "Loading…" not in await page.locator("#graphiql").inner_text()
    # Without a key the page fetches no schema: the server could only answer UNAUTHENTICATED.
    await page.wait_for_load_state("networkidle")
    assert graphql_posts == []
    assert "Enter an API key" in await page.locator("#api-key-status").inner_text()
    assert "UNAUTHENTICATED" not in await page.locator(".graphiql-response").inner_text()
    # The header editor starts with valid JSON to edit, not empty.
    assert '"X-Request-Id": "optional"' in await page.locator(HEADER_EDITOR).inner_text()
    await page.screenshot(path=str(ARTIFACTS / "graphiql-no-key.png"))

    # The whole line the demo prints is accepted; the field keeps the bare key.
    async with page.expect_response(is_schema_fetch_with(tenant.admin)) as introspection:
        await page.locator("#api-key").fill(f"Authorization: Bearer {tenant.admin}")
        await page.locator("#api-key").press("Enter")
    schema_response = await introspection.value
    assert schema_response.status == 200
    assert "__schema" in (await schema_response.json())["data"]
    assert await page.locator("#api-key").input_value() == tenant.admin
    await page.get_by_text("Schema loaded").wait_for()

    # The schema drives the Docs explorer.
    await page.get_by_role("button", name="Show Documentation Explorer").click()
    docs = page.locator(".graphiql-doc-explorer")
    await docs.get_by_text("Query", exact=True).click()
    await docs.get_by_text("viewer", exact=True).wait_for()
    await page.screenshot(path=str(ARTIFACTS / "graphiql-docs.png"))
    # So does the explorer plugin.
    await page.get_by_role("button", name="Show GraphiQL Explorer").click()
    await page.locator(".graphiql-explorer-root").get_by_text("viewer", exact=True).wait_for()

    # Headers typed in the editor are sent along with the key.
    await set_editor_text(page, QUERY_EDITOR, VIEWER_QUERY)
    await set_editor_text(page, HEADER_EDITOR, '{"X-Request-Id": "browser-test"}')
    async with page.expect_request(lambda r: is_graphql_post(r) and "viewer" in (r.post_data or "")) as sent:
        await page.locator(".graphiql-execute-button").click()
    headers = await (await sent.value).all_headers()
    assert headers["authorization"] == f"Bearer {tenant.admin}"
    assert headers["x-request-id"] == "browser-test"

    result = page.locator(".graphiql-response")
    await result.get_by_text('"Acme"').wait_for()
    assert '"role": "ADMIN"' in await result.inner_text()
    await page.screenshot(path=str(ARTIFACTS / "graphiql-result.png"))

    assert [is_graphql_post(r, "IntrospectionQuery") for r in graphql_posts].count(True) == 1, "one per key"

    # The key is kept for the browser session: a reload fetches the schema again with it. (GraphiQL stores
    # its tabs 500 ms after an edit; reloading sooner would open the edited query in a second tab.)
    await page.wait_for_timeout(600)
    async with page.expect_response(is_schema_fetch_with(tenant.admin)) as again:
        await page.reload()
    assert (await again.value).status == 200
    assert await page.locator("#api-key").input_value() == tenant.admin
    await page.get_by_text("Schema loaded").wait_for()
    await page.screenshot(path=str(ARTIFACTS / "graphiql-reloaded.png"))

    assert log.off_loopback() == [], "the page asked for something off this machine"
    assert log.console_errors == []


async def test_a_bare_key_or_bearer_key_is_accepted_too(server_url: str, tenant: TenantFixture,
                                                        page_and_log: tuple[Any, PageLog]):
    page, log = page_and_log
    await page.goto(f"{server_url}/graphql")
    for typed, key in ((tenant.viewer, tenant.viewer), (f"bearer {tenant.operator}", tenant.operator)):
        async with page.expect_response(is_schema_fetch_with(key)) as introspection:
            await page.locator("#api-key").fill(typed)
            await page.locator("#api-key").press("Enter")
        assert (await introspection.value).status == 200
        assert await page.locator("#api-key").input_value() == key

    assert log.off_loopback() == []
    assert log.console_errors == []


async def test_the_landing_page_leads_to_graphiql(server_url: str, page_and_log: tuple[Any, PageLog]):
    page, log = page_and_log
    await page.goto(server_url)
    await page.screenshot(path=str(ARTIFACTS / "landing.png"))
    await page.get_by_role("link", name="GraphiQL").click()
    await page.locator("#api-key").wait_for()
    assert page.url == f"{server_url}/graphql"
    assert log.off_loopback() == []
    assert log.console_errors == []


@pytest.mark.parametrize(("url", "allowed"), [
    ("http://127.0.0.1:8000/graphql", True), ("http://localhost/x", True), ("ws://[::1]:9/", True),
    ("data:font/woff2;base64,AAAA", True), ("https://unpkg.com/react@18/umd/react.production.min.js", False),
    ("https://fonts.googleapis.com/css2?family=Roboto", False), ("http://127.0.0.1.example.com/", False),
])
def test_the_loopback_check_itself(url: str, allowed: bool):
    assert is_loopback(url) is allowed
