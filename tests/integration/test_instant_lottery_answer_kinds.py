"""The instant-lottery adapter against the sandbox answering chosen codes (`{"mode": "code"}`): each kind
of answer becomes its outcome, and a refused token is dropped, the station logged in again and the call
sent once more (seed §3.3, §8; issue 10)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio

from ledger.persistence.provider_models import ProviderSession
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from ledger.services.access import create_tenant
from providers.instant_lottery import codes
from providers.instant_lottery.client import InstantLotteryClient
from providers.instant_lottery.settings import parse_settings
from tests.integration.instant_lottery_gateway import STATION
from tests.lottery_support import Sandbox

NewClient = Callable[..., InstantLotteryClient]
TOKEN_REFUSALS = ["16", "17", "1016", "27", "28", "1021"]
MAY_HAVE_HAPPENED = [code for code, info in codes.CODES.items() if info.kind is codes.AnswerKind.MAY_HAVE_HAPPENED]
_serials = itertools.count(1)


@pytest_asyncio.fixture
async def sandbox(lottery_sandbox_url: str) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(lottery_sandbox_url)
    await sandbox.reset()
    await sandbox.rules(serviceHours="00:00-24:00", minIntervalSeconds=0)
    yield sandbox
    await sandbox.reset()
    await sandbox.http.aclose()


@pytest_asyncio.fixture
async def tenant_id() -> int:
    return (await create_tenant("t")).id


@pytest_asyncio.fixture
async def client(sandbox: Sandbox, tenant_id: int) -> AsyncIterator[InstantLotteryClient]:
    async with httpx.AsyncClient() as http:
        settings = parse_settings({**await sandbox.config(), "readTimeoutSeconds": 0.5})
        client = InstantLotteryClient(tenant_id, settings, http)
        await client.counter(STATION)  # logged in, so an injected code hits the call under test
        yield client


async def redeem(client: InstantLotteryClient, bar_code: str) -> Outcome:
    return await client.redeem(STATION, transac_id=f"RL20261124120000{next(_serials):06d}", user_id="U0001",
                               user_ip="10.0.0.8", bar_code=bar_code)


async def answer_next_call_with(sandbox: Sandbox, code: str, *, commit: bool = False, count: int = 1) -> None:
    await sandbox.faults("code", count, code=code, commit=commit)


async def state(sandbox: Sandbox) -> tuple[int, int]:
    records: dict[str, Any] = await sandbox.records()
    return records["calls"], len(records["redemptions"])


async def stored_token(tenant_id: int) -> str | None:
    session = await ProviderSession.get_or_none(tenant_id=tenant_id, station_id=STATION)
    return None if session is None else session.token


@pytest.mark.parametrize("code", TOKEN_REFUSALS)
async def test_a_refused_token_is_dropped_and_the_redemption_goes_through_after_a_new_login(
        sandbox: Sandbox, client: InstantLotteryClient, tenant_id: int, code: str) -> None:
    await sandbox.ticket("B-WIN")
    stale = await stored_token(tenant_id)
    await answer_next_call_with(sandbox, code)
    calls, _ = await state(sandbox)
    outcome = await redeem(client, "B-WIN")
    assert isinstance(outcome, Accepted) and outcome.amount == 500
    assert await state(sandbox) == (calls + 3, 1)  # refused, logged in, redeemed once
    assert await stored_token(tenant_id) not in (None, stale)


async def test_a_token_refused_again_after_the_new_login_is_not_kept(
        sandbox: Sandbox, client: InstantLotteryClient, tenant_id: int) -> None:
    await sandbox.ticket("B-WIN")
    await answer_next_call_with(sandbox, "17", count=2)  # the call, then the login
    outcome = await redeem(client, "B-WIN")
    assert isinstance(outcome, Rejected) and outcome.code == "17"  # refused before anything happened
    assert await stored_token(tenant_id) is None
    assert isinstance(await redeem(client, "B-WIN"), Accepted)  # the next call logs in afresh


@pytest.mark.parametrize("code", [*MAY_HAVE_HAPPENED, "4242"])
async def test_an_answer_that_may_hide_a_redemption_is_unknown_and_not_sent_again(
        sandbox: Sandbox, client: InstantLotteryClient, code: str) -> None:
    await sandbox.ticket("B-WIN")
    await answer_next_call_with(sandbox, code, commit=True)
    calls, _ = await state(sandbox)
    outcome = await redeem(client, "B-WIN")
    assert isinstance(outcome, Unknown) and code in outcome.reason
    assert await state(sandbox) == (calls + 1, 1)  # kept by the gateway, and the adapter did not repeat it


@pytest.mark.parametrize("code", ["1003", "1039", "1303", "12", "10037", "10031"])
async def test_a_refusal_is_final(sandbox: Sandbox, client: InstantLotteryClient, code: str) -> None:
    await sandbox.ticket("B-WIN")
    await answer_next_call_with(sandbox, code)
    outcome = await redeem(client, "B-WIN")
    assert isinstance(outcome, Rejected) and outcome.code == code
    assert (await state(sandbox))[1] == 0
