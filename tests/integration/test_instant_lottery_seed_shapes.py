"""The instant-lottery sandbox answers in seed 003's shapes (tests/fixtures/seeds/instant-lottery/): every
answer it gives has the keys, nesting, JSON types and time format of the seed's table for it, and the
seed's own login sample logs in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from providers.instant_lottery.sandbox import create_sandbox_app
from providers.instant_lottery.signing import sign
from tests.integration.instant_lottery_gateway import Gateway, served
from tests.lottery_seed import seed_answer, seed_login_request, shape_differences

SEED_APP_KEY = "aa75c0f6a4bf462ea006b2920034cf5b"  # §8.2's sample
SEED_MOMENT = "2018-05-07T10:23:44+08:00"  # §8.2's sample's timestamp
DAY = {"beginTime": "2018-05-07 00:00:00", "endTime": "2018-05-07 23:59:59"}
ALL_GAMES = {"gameNo": "00000", "batchNo": "00000"}


@pytest.fixture(autouse=True)
def _start_from_an_empty_database() -> None:
    """Overrides the directory's autouse fixture: these tests talk to the sandbox only, not the database."""


@pytest_asyncio.fixture(scope="module")
async def sandbox_url() -> AsyncIterator[str]:
    async with served(create_sandbox_app(app_key=SEED_APP_KEY)) as url:
        yield url


@pytest_asyncio.fixture
async def gateway(sandbox_url: str) -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=5) as http:
        assert (await http.post("/_control/reset")).status_code == 200
        gateway = Gateway(http, (await http.get("/_control/config")).json())
        await gateway.set_clock(SEED_MOMENT)
        yield gateway


@pytest_asyncio.fixture
async def token(gateway: Gateway) -> str:
    return await gateway.token()


def assert_seed_shape(answer: dict[str, Any], fixture: str) -> None:
    assert shape_differences(answer, seed_answer(fixture)) == [], answer


async def test_the_seeds_login_sample_logs_in_and_is_answered_in_the_seeds_shape(gateway: Gateway) -> None:
    form = {name: value for name, value in seed_login_request().items() if name != "sign"}
    form["sign"] = sign(form, gateway.config["appSecret"], "MD5")  # the seed's secret is not printed
    reply = (await gateway.http.post("/proxy/station/login", data=form)).json()
    assert (reply["ret"], reply["content"]["serverTime"]) == ("10000", "2018-05-07 10:23:44")
    assert_seed_shape(reply, "login")


async def test_redemption_answers(gateway: Gateway, token: str) -> None:
    await gateway.ticket("WIN-1", prize_fen=5000, level=3)
    await gateway.ticket("LOSE-1", outcome="LOSE", prize_fen=0)
    await gateway.ticket("BIG-1", prize_fen=2_000_000)
    assert_seed_shape(await gateway.redeem(token, "WIN-1"), "thirdAward-1301")
    assert_seed_shape(await gateway.redeem(token, "WIN-1", user_id="U0002"), "thirdAward-1307")
    assert_seed_shape(await gateway.redeem(token, "LOSE-1", user_id="U0003"), "thirdAward-1305")
    over_limit = await gateway.redeem(token, "BIG-1", user_id="U0004")
    assert over_limit["ret"] == "1304"
    assert shape_differences(over_limit, {**seed_answer("thirdAward-1305"), "ret": "1304"}) == []


async def test_queries_and_their_refusals(gateway: Gateway, token: str) -> None:
    await gateway.ticket("WIN-1", prize_fen=5000)
    await gateway.redeem(token, "WIN-1")
    assert_seed_shape(await gateway.call("/proxy/validate/getCount", token=token), "getCount")
    assert_seed_shape(await gateway.call("/proxy/validate/getPrize", {"barCode": "WIN-1"}, token=token), "getPrize")
    no_record = await gateway.call("/proxy/validate/getPrize", {"barCode": "NONE-1"}, token=token)
    assert no_record["ret"] == "3202"
    assert_seed_shape(no_record, "error")
    assert_seed_shape(await gateway.call("/proxy/validate/resetCount", token=token), "resetCount")
    changed = await gateway.call("/proxy/station/password", {"old": "123456", "new": "654321"}, token=token)
    assert_seed_shape(changed, "password")
    assert_seed_shape(await gateway.call("/proxy/validate/getCount", token="not-a-token"), "error")


async def test_reports(gateway: Gateway, token: str) -> None:
    days = {"beginDate": "2018/05/07", "endDate": "2018/05/07"}
    game = {**ALL_GAMES, "isAllOperator": "1", "operatorNo": "0"}
    asked = {"/migt/report/sales": {**days, **game}, "/migt/report/balance": days,
             "/migt/report/trace": {"barCode": "WIN-1"},
             "/migt/report/award": {"beginTime": "2018/05/07", "endTime": "2018/05/07", **game}}
    for path, business in asked.items():
        assert_seed_shape(await gateway.call(path, business, token=token), "report")


async def test_reconciliation_feeds_carry_their_rows_directly_in_content(gateway: Gateway, token: str) -> None:
    for n, bar_code in enumerate(("WIN-1", "WIN-2")):
        await gateway.ticket(bar_code, prize_fen=5000)
        await gateway.redeem(token, bar_code, user_id=f"U000{n}")
    summary = await gateway.call("/migt/account/awardSummary", {**ALL_GAMES, **DAY}, token=token)
    assert_seed_shape(summary, "awardSummary")
    assert (summary["content"]["tickets"], summary["content"]["amount"]) == ("2", "100")
    detail = await gateway.call("/migt/account/awardDetail", {**ALL_GAMES, **DAY}, token=token)
    assert len(detail["content"]) == 2
    assert_seed_shape(detail, "awardDetail")


@pytest.mark.parametrize("commit", [False, True])
async def test_a_code_fault_answers_in_the_seeds_refusal_shape_and_commits_only_when_asked(
        gateway: Gateway, token: str, commit: bool) -> None:
    await gateway.ticket("WIN-1")
    await gateway.control("/_control/faults", {"mode": "code", "code": "1002", "commit": commit})
    reply = await gateway.redeem(token, "WIN-1", transac_id="RL-FAULTED")
    assert (reply["success"], reply["ret"], reply["msg"]) == (False, "1002", "通信错误(连接交易服务器失败)")
    assert_seed_shape(reply, "error")
    redemptions = (await gateway.control("/_control/records"))["redemptions"]
    assert [r["transacId"] for r in redemptions] == (["RL-FAULTED"] if commit else [])
    again = await gateway.redeem(token, "WIN-1", user_id="U0002")
    expected = ("1307", "RL-FAULTED") if commit else ("1301", None)
    assert (again["ret"], again["content"].get("transacIdOrg")) == expected
