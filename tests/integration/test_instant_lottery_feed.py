"""The gateway's reconciliation feed through the adapter: each page a window of awardDetail rows with its
awardSummary total, busy windows halved, and a ticket's own prize read from its second; the sandbox's staging
routes change what the feeds report exactly as `GET /_control/records` lists it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
import pytest_asyncio

from ledger.ports import AmountLookup, StatementFeed, StatementPage
from ledger.services.access import create_tenant
from providers.instant_lottery import statement
from providers.instant_lottery.client import InstantLotteryClient
from providers.instant_lottery.settings import parse_settings
from providers.instant_lottery.signing import BEIJING
from tests.integration.instant_lottery_gateway import OTHER_STATION
from tests.lottery_support import Sandbox
from tests.reconciliation_support import Staging


@pytest_asyncio.fixture
async def sandbox(lottery_sandbox_url: str) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(lottery_sandbox_url)
    await sandbox.reset()
    yield sandbox
    await sandbox.reset()
    await sandbox.http.aclose()


@pytest_asyncio.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[InstantLotteryClient]:
    tenant = await create_tenant("t")
    async with httpx.AsyncClient() as http:
        yield InstantLotteryClient(tenant.id, parse_settings({**await sandbox.config(), "readTimeoutSeconds": 2}), http)


async def _pages(client: InstantLotteryClient) -> list[StatementPage]:
    return [page async for page in client.day_records(datetime.now(BEIJING).date())]


async def _advance(sandbox: Sandbox, seconds: float) -> None:
    response = await sandbox.http.post("/_control/clock", json={"advanceSeconds": seconds})
    assert response.status_code == 200


async def test_the_adapter_is_a_feed_that_looks_amounts_up(client):
    assert isinstance(client, StatementFeed) and isinstance(client, AmountLookup)


async def test_the_feed_reports_exactly_the_redemptions_the_records_list(client, sandbox):
    staging = Staging(sandbox)
    kept = await staging.add("T-FEED-1", 1_000, "U1")
    amended = await staging.add("T-FEED-2", 2_000, "U2")
    forgotten = await staging.add("T-FEED-3", 3_000, "U3")
    elsewhere = await staging.add("T-FEED-4", 4_000, "U4", stationId=OTHER_STATION)
    await staging.amend(amended["transacId"], 2_500)
    await staging.forget(forgotten["transacId"])

    pages = await _pages(client)

    listed = {r["transacId"]: r for r in (await sandbox.records())["redemptions"]}
    records = [record for page in pages for record in page.records]
    assert sorted(r.reference for r in records) == sorted(listed) == \
        sorted([kept["transacId"], amended["transacId"], elsewhere["transacId"]])
    assert sum(page.total_amount or 0 for page in pages) == 1_000 + 2_500 + 4_000
    assert {r.station for r in records} == {kept["stationId"], OTHER_STATION}
    assert all(r.amount is None and r.member_id is None and r.outcome.value == "ISSUED" for r in records)
    assert await client.record_amounts(records) == {kept["transacId"]: 1_000, amended["transacId"]: 2_500,
                                                    elsewhere["transacId"]: 4_000}


async def test_a_busy_window_is_halved_until_each_page_holds_a_page_at_most(client, sandbox, monkeypatch):
    monkeypatch.setattr(statement, "PAGE_TICKETS", 2)
    staging = Staging(sandbox)
    added = []
    for n in range(5):
        added.append((await staging.add(f"T-BUSY-{n}", 100 * (n + 1), "U1"))["transacId"])
        await _advance(sandbox, 7)

    pages = await _pages(client)

    assert all(len(page.records) <= 2 for page in pages)
    assert sorted(r.reference for page in pages for r in page.records) == sorted(added)
    for page in pages:
        assert page.total_amount == sum(int(listed["prizeAmountFen"]) for listed in (await sandbox.records())
                                        ["redemptions"] if listed["transacId"] in {r.reference for r in page.records})


async def test_a_prize_is_unknown_when_its_second_holds_another_ticket_of_the_same_game(client, sandbox):
    for bar_code in ("T-TWIN-1", "T-TWIN-2"):
        await sandbox.ticket(bar_code, "WIN", 500, gameNo="12345", batchNo="00001")
    moment = datetime.now(BEIJING).replace(microsecond=0)
    response = await sandbox.http.post("/_control/clock", json={"set": moment.isoformat()})
    assert response.status_code == 200
    staging = Staging(sandbox)
    twins = [await staging.add(bar_code, 500, "U1") for bar_code in ("T-TWIN-1", "T-TWIN-2")]
    alone = await staging.add("T-ALONE", 900, "U2")

    records = [record for page in await _pages(client) for record in page.records]
    amounts = await client.record_amounts(records)

    assert [amounts[t["transacId"]] for t in twins] == [None, None]  # never guessed
    assert amounts[alone["transacId"]] == 900


@pytest.mark.parametrize(("body", "problem"), [
    ({"barCode": "T-X", "prizeAmountFen": 150, "userId": "U"}, "multiple of 100"),
    ({"barCode": "T-X", "prizeAmountFen": 100, "userId": "U", "stationId": "nope"}, "stationId"),
    ({"barCode": "", "prizeAmountFen": 100, "userId": "U"}, "barCode"),
])
async def test_staging_refuses_what_no_gateway_would_hold(sandbox, body, problem):
    response = await sandbox.http.post("/_control/redemptions", json=body)
    assert response.status_code == 400 and problem in response.text


async def test_a_ticket_is_redeemed_once_and_only_a_known_redemption_is_amended_or_forgotten(sandbox):
    staging = Staging(sandbox)
    await staging.add("T-ONCE", 100, "U1")
    again = await sandbox.http.post("/_control/redemptions", json={"barCode": "T-ONCE", "prizeAmountFen": 100,
                                                                   "userId": "U1"})
    assert again.status_code == 400 and "already redeemed" in again.text
    for path in ("/_control/redemptions/amend", "/_control/redemptions/forget"):
        unknown = await sandbox.http.post(path, json={"transacId": "NOPE", "prizeAmountFen": 100})
        assert unknown.status_code == 400
