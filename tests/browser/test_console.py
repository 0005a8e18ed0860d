"""The operator console in a real browser, against a live `reward-ledger serve --demo` (the sandboxes mounted in
it), as a person uses it: sign in, read budgets, watch a grant made by another process arrive live (and after
the socket drops), open it, find and settle a discrepancy, and as a viewer see nothing to press.

Every step leaves a screenshot in test-artifacts/console-*.png; every test fails if the page asked for anything
not on loopback."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.browser.conftest import ARTIFACTS, PageLog
from tests.e2e.demo_support import RunningDemo, running_demo

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOTTERY_SANDBOX = "/sandboxes/instant-lottery"

GRANT_SCRIPT = """
import sys, uuid, httpx
url, key, campaign, member, amount = sys.argv[1:]
document = "mutation($i: GrantRewardInput!) { grantReward(input: $i) { reward { id } userErrors { message } } }"
answer = httpx.post(url + "/graphql", headers={"authorization": "Bearer " + key}, timeout=30, json={
    "query": document, "variables": {"i": {"campaignId": campaign, "memberId": member, "amount": amount,
                                           "idempotencyKey": str(uuid.uuid4())}}}).json()
assert not answer.get("errors") and not answer["data"]["grantReward"]["userErrors"], answer
print(answer["data"]["grantReward"]["reward"]["id"])
"""


class Api:
    """The demo's GraphQL API, for what the test prepares and checks behind the page's back."""

    def __init__(self, demo: RunningDemo) -> None:
        self.demo = demo

    async def __call__(self, document: str, variables: dict[str, Any] | None = None, key: str | None = None) -> Any:
        async with httpx.AsyncClient(base_url=self.demo.url, timeout=30) as http:
            answer = (await http.post("/graphql", json={"query": document, "variables": variables or {}},
                                      headers={"authorization": f"Bearer {key or self.demo.key}"})).json()
        assert not answer.get("errors"), answer
        return answer["data"]

    async def campaign(self, name: str) -> dict[str, Any]:
        data = await self("{ campaigns { nodes { id name budget { balance { available { formatted } } } } } }")
        return next(node for node in data["campaigns"]["nodes"] if node["name"] == name)

    async def key(self, role: str) -> str:
        data = await self("""mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }""",
                          {"input": {"role": role, "label": f"browser test {role.lower()}"}})
        return str(data["createApiKey"]["secret"])

    async def audit(self) -> dict[str, Any]:
        data = await self("""mutation { runJob(input: {job: "audit"}) { jobRun { status counts error } } }""")
        return dict(data["runJob"]["jobRun"])


@pytest_asyncio.fixture(scope="module")
async def demo(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningDemo]:
    folder = tmp_path_factory.mktemp("console-demo")
    async with running_demo(folder / "demo.sqlite3", folder, name="console") as running:
        yield running


@pytest.fixture
def api(demo: RunningDemo) -> Api:
    return Api(demo)


async def shot(page: Any, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


async def sign_in(page: Any, demo: RunningDemo, key: str) -> None:
    await page.set_viewport_size(DESKTOP)
    await page.goto(f"{demo.url}/console")
    await page.locator("#api-key").fill(key)
    await page.locator("#api-key").press("Enter")  # by keyboard
    await page.locator("#role").wait_for()


async def grant_from_another_process(demo: RunningDemo, campaign_id: str, member: str, amount: int) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", GRANT_SCRIPT, demo.url, demo.key, campaign_id, member, str(amount),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode().strip()


def assert_stayed_on_loopback(log: PageLog) -> None:
    assert log.off_loopback() == [], log.off_loopback()
    assert not [error for error in log.console_errors if error.startswith("uncaught")], log.console_errors


class SocketSwitch:
    """Stands between the page and the server's WebSocket, so the test can drop the connection and keep it down
    (as a network would) while the ledger moves on."""

    def __init__(self) -> None:
        self.down = False
        self.open: list[Any] = []

    async def route(self, socket: Any) -> None:
        if self.down:
            await socket.close(code=1006, reason="network down")
            return
        socket.connect_to_server()
        self.open.append(socket)

    async def cut(self) -> None:
        self.down = True
        for socket in self.open:
            await socket.close(code=1006, reason="network down")
        self.open.clear()


async def test_an_operator_signs_in_sees_a_budget_and_watches_grants_arrive_live(
        demo: RunningDemo, api: Api, page_and_log: tuple[Any, PageLog]):
    page, log = page_and_log
    switch = SocketSwitch()
    await page.route_web_socket("**/graphql", switch.route)
    await page.set_viewport_size(DESKTOP)

    await page.goto(f"{demo.url}/console")
    await page.locator("#api-key").wait_for()
    await shot(page, "01-sign-in")

    # A member token is refused, with a message that says why.
    member_token = (await api("""mutation { issueMemberToken(input: {memberId: "m-1"}) { token } }"""))[
        "issueMemberToken"]["token"]
    await page.locator("#api-key").fill(member_token)
    await page.locator("#api-key").press("Enter")
    await page.get_by_text("This is a member token").wait_for()
    assert "MEMBER_TOKEN" in await page.locator("#sign-in-status").inner_text()
    await shot(page, "02-member-token-refused")

    await page.locator("#api-key").fill(f"Authorization: Bearer {demo.key}")  # the whole line the demo prints
    await page.locator("#api-key").press("Enter")
    await page.locator("#role").wait_for()
    assert await page.locator("#role").inner_text() == "admin"
    welcome = await api.campaign("Welcome bonus")
    budget_row = page.locator(f"tr[data-campaign='{welcome['id']}']")
    await budget_row.wait_for()
    assert welcome["budget"]["balance"]["available"]["formatted"] in await budget_row.inner_text()
    await shot(page, "03-overview")

    await page.get_by_role("link", name="Rewards", exact=True).click()
    await page.get_by_text("● live").wait_for()
    await page.evaluate("window.notReloaded = true")
    first = await grant_from_another_process(demo, welcome["id"], "live-member-1", 1_234)
    row = page.locator(f"tr[data-reward='{first}']")
    await row.wait_for(timeout=15_000)
    assert "¥12.34" in await row.inner_text() and "live-member-1" in await row.inner_text()
    assert await page.evaluate("window.notReloaded") is True
    await shot(page, "04-grant-arrived-live")

    # The socket drops and stays down while another grant is made: once it is back, the page resumes after
    # the last event it saw, so the grant shows up without a reload.
    await switch.cut()
    await page.locator("#live-status.live-reconnecting").wait_for()
    missed = await grant_from_another_process(demo, welcome["id"], "live-member-2", 2_000)
    await asyncio.sleep(1.5)
    assert await page.locator(f"tr[data-reward='{missed}']").count() == 0
    await shot(page, "05-socket-down")
    switch.down = False
    await page.locator(f"tr[data-reward='{missed}']").wait_for(timeout=20_000)
    await page.get_by_text("● live").wait_for()
    assert await page.locator(f"tr[data-reward='{first}']").count() == 1  # each once
    assert await page.evaluate("window.notReloaded") is True
    await shot(page, "06-resumed-after-drop")

    # Its page: the transfer from the campaign's budget to the member's wallet, and the timeline.
    await row.get_by_role("link").click()
    transfers = page.locator("#transfers-heading + .table-wrap")
    await transfers.wait_for()
    text = await transfers.inner_text()
    assert "campaign budget (CNY)" in text and "member wallet live-member-1 (CNY)" in text and "posted" in text
    assert "¥12.34" in text
    timeline = await page.locator(".timeline").inner_text()
    assert "reward.created" in timeline and "transfer.posted" in timeline
    await shot(page, "07-reward-page")

    # By keyboard: the reverse button opens its confirmation, Escape leaves it with nothing done.
    reverse = page.get_by_role("button", name="Reverse")
    await reverse.focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("dialog").wait_for()
    await shot(page, "08-reverse-confirmation")
    await page.keyboard.press("Escape")
    await page.get_by_role("dialog").wait_for(state="detached")
    assert "reversal" not in await transfers.inner_text()
    assert_stayed_on_loopback(log)


async def test_a_discrepancy_is_found_and_resolved_from_the_page_and_the_audit_stays_clean(
        demo: RunningDemo, api: Api, page_and_log: tuple[Any, PageLog]):
    page, log = page_and_log
    async with httpx.AsyncClient(base_url=demo.url + LOTTERY_SANDBOX, timeout=30) as sandbox:
        staged = (await sandbox.post("/_control/redemptions", json={
            "barCode": "CONSOLE-STRANGER", "prizeAmountFen": 3_000, "userId": "U-console"})).json()
    reference = staged["transacId"]  # a redemption at the gateway that the ledger never made

    await sign_in(page, demo, demo.key)
    await page.get_by_role("link", name="Operations").click()
    form = page.locator("#reconcile-form")
    await form.get_by_label("Provider").select_option("instant-lottery")
    await form.get_by_role("button", name="Reconcile now").click()
    await page.get_by_text("Reconciliation succeeded").wait_for()
    await shot(page, "09-reconciled")

    await page.get_by_role("link", name="Overview").click()
    counter = page.locator("#count-discrepancies")
    await counter.wait_for()
    assert int(await counter.locator(".counter-value").inner_text()) >= 1
    await counter.click()
    card = page.locator("article.discrepancy", has_text=reference)
    await card.wait_for()
    assert "¥30.00" in await card.locator(".side[aria-label='Provider']").inner_text()
    assert '"found": false' in await card.locator(".side[aria-label='Ledger']").inner_text()
    await shot(page, "10-attention")

    await card.get_by_role("button", name="Resolve…").click()
    dialog = page.get_by_role("dialog")
    confirm = dialog.get_by_role("button", name="Resolve", exact=True)
    # The ledger cannot adopt a stranger's redemption: the preview shows the server's code and message.
    await dialog.get_by_label("Accept the provider's record").check()
    await dialog.locator(".error-code", has_text="INVALID_INPUT").wait_for()
    assert await confirm.is_disabled()
    await shot(page, "11-preview-refused")

    await dialog.get_by_label("Write off the difference").check()
    planned = dialog.locator(".planned-transfer")
    await planned.wait_for()
    assert "¥30.00 from station cash (CNY) to write off (CNY)" in await planned.inner_text()
    assert await confirm.is_enabled()
    await confirm.click()  # no note yet: the browser keeps the dialog open and asks for one
    assert await dialog.is_visible()
    await dialog.get_by_label("Note").fill("a redemption made at another till; written off after checking")
    await shot(page, "12-resolution-confirmation")
    await confirm.click()
    await page.get_by_text("Resolved: ¥30.00 moved.").wait_for()
    await card.wait_for(state="detached")
    await shot(page, "13-resolved")

    await page.get_by_role("link", name="Operations").click()
    await page.locator("#job-name").select_option("audit")
    await page.get_by_role("button", name="Run now").click()
    await page.get_by_text('"problems":0').first.wait_for()
    await shot(page, "14-audit-clean")
    audit = await api.audit()
    assert (audit["status"], audit["counts"]["problems"]) == ("SUCCEEDED", 0), audit
    data = await api("{ discrepancies(filter: {status: RESOLVED}) { nodes { reference resolution note "
                     "transfer { amount { amount } creditAccount { kind } } } } }")
    [resolved] = [node for node in data["discrepancies"]["nodes"] if node["reference"] == reference]
    assert (resolved["resolution"], resolved["transfer"]["amount"]["amount"],
            resolved["transfer"]["creditAccount"]["kind"]) == ("WRITE_OFF", "3000", "WRITE_OFF")
    assert_stayed_on_loopback(log)


async def test_a_refused_action_shows_the_servers_code_and_message(
        demo: RunningDemo, api: Api, page_and_log: tuple[Any, PageLog]):
    page, log = page_and_log
    welcome = await api.campaign("Welcome bonus")
    held = (await api("""mutation($i: GrantRewardInput!) { grantReward(input: $i) { reward { id } } }""",
                      {"i": {"campaignId": welcome["id"], "memberId": "held-member", "amount": "500", "hold": True,
                             "idempotencyKey": "console-held"}}))["grantReward"]["reward"]["id"]
    await sign_in(page, demo, demo.key)
    await page.goto(f"{demo.url}/console#/rewards/{held}")
    post = page.get_by_role("button", name="Post", exact=True)
    await post.wait_for()
    # Someone else voids the hold while the page is open; posting it is then refused by the server.
    await api("""mutation($i: SettleRewardInput!) { settleReward(input: $i) { reward { status } } }""",
              {"i": {"rewardId": held, "action": "VOID", "idempotencyKey": "console-void"}})
    await post.click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("button", name="Post", exact=True).click()
    error = dialog.locator(".error")
    await error.wait_for()
    assert "INVALID_STATE" in await error.inner_text()
    await shot(page, "15-refused-action")
    assert_stayed_on_loopback(log)


async def test_a_viewer_sees_everything_but_has_nothing_to_press(
        demo: RunningDemo, api: Api, page_and_log: tuple[Any, PageLog]):
    page, log = page_and_log
    welcome = await api.campaign("Welcome bonus")
    reward = await grant_from_another_process(demo, welcome["id"], "viewer-visible", 700)
    viewer = await api.key("VIEWER")

    await sign_in(page, demo, viewer)
    assert await page.locator("#role").inner_text() == "viewer"
    await page.locator("#count-discrepancies").wait_for()
    assert await page.locator("#count-discrepancies .counter-value").inner_text() == "—"
    await shot(page, "16-viewer-overview")

    await page.goto(f"{demo.url}/console#/rewards/{reward}")
    await page.locator("#transfers-heading").wait_for()
    assert "¥7.00" in await page.locator("#main h1").inner_text()
    assert await page.locator("#main button").count() == 0
    await shot(page, "17-viewer-reward")

    for view, landmark in (("attention", "#discrepancies"), ("operations", "#providers")):
        await page.goto(f"{demo.url}/console#/{view}")
        await page.locator(landmark).wait_for()
        assert await page.locator("#main button").count() == 0, view
    assert await page.locator("#api-keys").count() == 0  # keys are the admins'
    await shot(page, "18-viewer-operations")

    # A phone-width screen: the page reflows instead of running off the side.
    await page.set_viewport_size(PHONE)
    for view in ("", "rewards", "attention"):
        await page.goto(f"{demo.url}/console#/{view}")
        await page.locator("#main h1").wait_for()
        await page.wait_for_load_state("networkidle")
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (view, overflow)
    await shot(page, "19-phone")

    # The key is revoked while the page is open: the next view asks for a key again and says why.
    [viewer_key] = [key for key in (await api("{ apiKeys { id prefix revokedAt } }"))["apiKeys"]
                    if viewer.startswith(key["prefix"]) and key["revokedAt"] is None]
    await api("""mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } } }""",
              {"input": {"apiKeyId": viewer_key["id"]}})
    await page.goto(f"{demo.url}/console#/operations")
    await page.locator("#sign-in-status .error-code", has_text="UNAUTHENTICATED").wait_for()
    await shot(page, "20-revoked-key")
    assert_stayed_on_loopback(log)


def test_the_readme_shows_the_console_and_how_to_open_it() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "http://127.0.0.1:8000/console" in readme and "](docs/console.png)" in readme
    assert (root / "docs" / "console.png").stat().st_size > 10_000
