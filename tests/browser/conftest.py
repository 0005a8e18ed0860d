"""Browser tests: Playwright driving Debian's chromium (Playwright cannot download its own browsers here).

Without /usr/bin/chromium (or without Playwright) the tests are skipped, unless REQUIRE_BROWSER=1 (CI sets it),
which turns that into a failure: CI must not pass by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Schemes that name no place on the network: inline icons and fonts, and about:blank.
NON_NETWORK_SCHEMES = frozenset({"data", "blob", "about"})


def browser_missing(reason: str) -> NoReturn:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (apt-get install chromium; set REQUIRE_BROWSER=1 to fail instead)")


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in NON_NETWORK_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOOPBACK_HOSTS


@dataclass
class PageLog:
    """What the page did, for the assertions: every URL it asked for and every error it reported."""

    urls: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def off_loopback(self) -> list[str]:
        return [url for url in self.urls if not is_loopback(url)]

    def watch(self, page: Any) -> None:
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda socket: self.urls.append(socket.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)


@pytest.fixture(scope="session")
def chromium_launch_options() -> dict[str, Any]:
    if not CHROMIUM.exists():
        browser_missing(f"{CHROMIUM} is missing")
    options: dict[str, Any] = {"executable_path": str(CHROMIUM), "headless": True}
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start as root with its sandbox on; CI and these machines run as root.
        options["args"] = ["--no-sandbox"]
    return options


@pytest_asyncio.fixture(scope="session")
async def browser(chromium_launch_options: dict[str, Any]) -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        browser_missing("playwright is not installed (pip install -e '.[dev]')")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(**chromium_launch_options)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture
async def page_and_log(browser: Any, request: pytest.FixtureRequest) -> AsyncIterator[tuple[Any, PageLog]]:
    """A fresh browser context (empty sessionStorage and localStorage) whose traffic is recorded.

    Requests that would leave the machine are recorded and then aborted, so the test fails on them whether
    or not this machine happens to be online.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    log = PageLog()

    async def only_loopback(route: Any) -> None:
        if is_loopback(route.request.url):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", only_loopback)
    page = await context.new_page()
    log.watch(page)
    try:
        yield page, log
    finally:
        # The final state, also (above all) when the test failed.
        await page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"))
        await context.close()
