"""The instant-lottery sandbox behaves like the gateway of seed 003, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from providers.instant_lottery.sandbox import create_sandbox_app
from tests.integration.instant_lottery_gateway import OTHER_STATION, STATION, Gateway, served

AWARD = "/proxy/validate/thirdAward"
NOON = "2026-11-24T12:00:00+08:00"


@pytest.fixture(autouse=True)
def _start_from_an_empty_database() -> None:
    """Overrides the directory's autouse fixture: these tests talk to the sandbox only, not the database."""


@pytest_asyncio.fixture(scope="module")
async def sandbox_url() -> AsyncIterator[str]:
    async with served(create_sandbox_app()) as url:
        yield url


@pytest_asyncio.fixture
async def gateway(sandbox_url: str) -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=5) as http:
        assert (await http.post("/_control/reset")).status_code == 200
        config = (await http.get("/_control/config")).json()
        gateway = Gateway(http, config)
        await gateway.set_clock(NOON)
        yield gateway


@pytest_asyncio.fixture
async def token(gateway: Gateway) -> str:
    return await gateway.token()


async def records(gateway: Gateway) -> dict[str, Any]:
    return dict(await gateway.control("/_control/records"))


# ---- control contract ----


async def test_config_connects_a_tenant_to_this_sandbox(gateway: Gateway, sandbox_url: str) -> None:
    assert gateway.config == {
        "baseUrl": sandbox_url, "appKey": "sandbox-app-key", "appSecret": "sandbox-app-secret", "signMethod": "MD5",
        "stations": [{"stationId": station, "clerkId": "0", "password": "123456", "type": "1", "version": "1",
                      "serialNo": f"SANDBOX-SN-{station}"} for station in (STATION, OTHER_STATION)],
        "defaultStationId": STATION}


@pytest.mark.parametrize(("path", "body"), [
    ("/_control/tickets", {"barCode": "B1", "outcome": "WIN", "prizeAmountFen": 150}),
    ("/_control/tickets", {"barCode": "B1", "outcome": "JACKPOT"}),
    ("/_control/rules", {"maxTicketsPerDay": -1}),
    ("/_control/rules", {"noSuchRule": 1}),
    ("/_control/rules", {"serviceHours": "25:00-26:00"}),
    ("/_control/clock", {"set": "soon"}),
    ("/_control/clock", {}),
    ("/_control/faults", {"mode": "http500", "count": 0}),
    ("/_control/faults", ["not", "an", "object"]),
])
async def test_bad_control_input_is_a_400_with_a_json_error(gateway: Gateway, path: str, body: Any) -> None:
    response = await gateway.http.post(path, json=body)
    assert response.status_code == 400 and "error" in response.json()
    assert (await gateway.http.post(path, content=b"{not json")).status_code == 400


async def test_reset_forgets_everything_but_the_credentials(gateway: Gateway, token: str) -> None:
    await gateway.ticket("B1")
    await gateway.rules(enabled=False, stationPrizeLimitFen=100)
    await gateway.control("/_control/faults", {"mode": "http500", "count": 5})
    await gateway.control("/_control/reset", {})
    assert (await gateway.call("/proxy/validate/getCount", token=token))["ret"] == "28"
    await gateway.set_clock(NOON)  # the reset clock is the wall clock, which may be outside the service hours
    token = await gateway.token()
    assert (await gateway.redeem(token, "B1"))["ret"] == "1303"
    rules = await gateway.control("/_control/rules")
    assert (rules["enabled"], rules["stationPrizeLimitFen"], rules["serviceHours"]) == (True, 1_000_000, "01:00-23:00")
    assert (await records(gateway))["redemptions"] == []


# ---- envelope ----


@pytest.mark.parametrize(("changes", "ret"), [
    ({"app_key": None}, "18"), ({"app_key": "someone-else"}, "19"), ({"v": None}, "4"), ({"v": "2.0"}, "5"),
    ({"timestamp": None}, "7"), ({"timestamp": "2026-11-24 11:29:00"}, "8"), ({"timestamp": "noon"}, "8"),
    ({"param_json": "{not json"}, "13"), ({"param_json": "[1]"}, "13"),
])
async def test_envelope_refusals(gateway: Gateway, changes: dict[str, str | None], ret: str) -> None:
    reply = await gateway.call("/proxy/validate/getCount", changes=changes)
    assert (reply["success"], reply["ret"]) == (False, ret) and reply["msg"]


async def test_timestamp_as_epoch_seconds_and_inside_the_window_is_accepted(gateway: Gateway, token: str) -> None:
    epoch = str(int((await gateway.now()).timestamp()) - 25 * 60)
    assert (await gateway.call("/proxy/validate/getCount", token=token, changes={"timestamp": epoch}))["ret"] == "10000"


async def test_missing_and_wrong_signatures_are_refused(gateway: Gateway, token: str) -> None:
    form = await gateway.form({}, token=token)
    missing = (await gateway.http.post("/proxy/validate/getCount", data={**form, "sign": ""})).json()
    wrong = (await gateway.http.post("/proxy/validate/getCount", data={**form, "v": "1.0", "format": "xml"})).json()
    other_secret = await gateway.call("/proxy/validate/getCount", token=token, secret="not-the-secret")
    assert (missing["ret"], wrong["ret"], other_secret["ret"]) == ("11", "12", "12")


async def test_signatures_are_read_leniently(gateway: Gateway, token: str) -> None:
    lowercase = await gateway.form({}, token=token)
    lowercase["sign"] = lowercase["sign"].lower()
    added_after_signing = {**await gateway.form({}, token=token), "sign_method": "MD5"}
    sha1 = await gateway.form({}, token=token, changes={"sign_method": "SHA-1"})
    for form in (lowercase, added_after_signing, sha1):
        assert (await gateway.http.post("/proxy/validate/getCount", data=form)).json()["ret"] == "10000"


async def test_an_unescaped_body_like_real_clients_send_is_accepted(gateway: Gateway, token: str) -> None:
    await gateway.ticket("A+B%20C")
    form = await gateway.form(gateway.award_params("A+B%20C"), token=token)
    body = "&".join(f"{name}={value}" for name, value in form.items())  # urldecode(http_build_query())
    reply = (await gateway.http.post(AWARD, content=body.encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})).json()
    assert reply["ret"] == "1301", reply


# ---- login and tokens ----


async def test_login_returns_a_token_and_beijing_server_time(gateway: Gateway) -> None:
    reply = await gateway.login()
    assert (reply["success"], reply["ret"]) == (True, "10000")
    assert reply["content"]["token"] and reply["content"]["serverTime"] == "2026-11-24 12:00:00"


@pytest.mark.parametrize(("changes", "ret"), [({"password": "654321"}, "1007"), ({"stationId": "99999999"}, "1013"),
                                              ({"clerkId": "7"}, "1006")])
async def test_login_refusals(gateway: Gateway, changes: dict[str, str], ret: str) -> None:
    assert (await gateway.login(**changes))["ret"] == ret


async def test_first_login_binds_the_hardware_serial_number(gateway: Gateway) -> None:
    await gateway.token()
    assert (await gateway.login(serialNo="ANOTHER-MACHINE"))["ret"] == "1017"
    assert (await gateway.login(OTHER_STATION, serialNo="ANOTHER-MACHINE"))["ret"] == "10000"


async def test_token_refusals_missing_and_unknown(gateway: Gateway) -> None:
    assert (await gateway.call("/proxy/validate/getCount"))["ret"] == "16"
    assert (await gateway.call("/proxy/validate/getCount", token="made-up"))["ret"] == "28"


async def test_a_newer_login_of_the_station_replaces_the_older_session(gateway: Gateway, token: str) -> None:
    newer = await gateway.token(clerk_id="1")
    assert (await gateway.call("/proxy/validate/getCount", token=token))["ret"] == "1021"
    assert (await gateway.call("/proxy/validate/getCount", token=newer))["ret"] == "10000"


async def test_tokens_expire_on_request_and_after_their_ttl(gateway: Gateway, token: str) -> None:
    await gateway.control("/_control/expire-tokens", {})
    assert (await gateway.call("/proxy/validate/getCount", token=token))["ret"] == "27"
    await gateway.rules(tokenTtlSeconds=60)
    token = await gateway.token()
    await gateway.advance(61)
    assert (await gateway.call("/proxy/validate/getCount", token=token))["ret"] == "27"


async def test_password_change(gateway: Gateway, token: str) -> None:
    wrong_old = await gateway.call("/proxy/station/password", {"old": "000000", "new": "abc"}, token=token)
    right_old = await gateway.call("/proxy/station/password", {"old": "123456", "new": "abc"}, token=token)
    assert (wrong_old["ret"], right_old["ret"]) == ("10008", "10000")
    assert (await gateway.login())["ret"] == "1007"
    assert (await gateway.login(password="abc"))["ret"] == "10000"


# ---- thirdAward ----


async def test_a_winning_ticket_is_redeemed_once(gateway: Gateway, token: str) -> None:
    await gateway.ticket("WIN-1", prize_fen=2000, level=5, gameName="好运十倍")
    first = await gateway.redeem(token, "WIN-1", transac_id="RL20261124120000000001")
    assert (first["success"], first["ret"]) == (True, "1301")
    content = first["content"]
    assert (content["transacId"], content["gameName"], content["level"], content["prize"]) == (
        "RL20261124120000000001", "好运十倍", 5, 20)
    assert (content["amountTicket"], content["amountPrize"], content["price"]) == (1, 20, 10)
    assert {"ticketNo", "balance", "soldCity"} <= set(content)
    [redemption] = (await records(gateway))["redemptions"]
    assert redemption["transacId"] == "RL20261124120000000001" and redemption["prizeAmountFen"] == 2000
    assert redemption["stationId"] == STATION and redemption["ticketNo"] == content["ticketNo"]


async def test_a_second_attempt_gets_1307_naming_the_first_transaction(gateway: Gateway, token: str) -> None:
    await gateway.ticket("WIN-1", prize_fen=2000)
    await gateway.redeem(token, "WIN-1", transac_id="RL20261124120000000001")
    other_token = await gateway.token(OTHER_STATION)
    again = await gateway.redeem(other_token, "WIN-1", user_id="U0002", transac_id="RL20261124120000000002")
    assert (again["success"], again["ret"]) == (True, "1307")
    content = again["content"]
    assert (content["transacId"], content["transacIdOrg"], content["awardStation"]) == (
        "RL20261124120000000002", "RL20261124120000000001", STATION)
    assert content["awardTime"] == "2026-11-24 12:00:00" and content["prize"] == 20
    assert (content["Amoutticket"], content["AmountPrize"]) == (0, 0)  # the asking clerk's subtotal
    assert len((await records(gateway))["redemptions"]) == 1


async def test_a_ticket_redeemed_elsewhere_gets_1307_with_a_foreign_transaction(gateway: Gateway, token: str) -> None:
    await gateway.ticket("OLD-1", outcome="REDEEMED", prize_fen=1000)
    reply = await gateway.redeem(token, "OLD-1")
    assert reply["ret"] == "1307" and reply["content"]["awardStation"] == "99999999"
    assert reply["content"]["transacIdOrg"].startswith("99") and len(reply["content"]["transacIdOrg"]) == 22


@pytest.mark.parametrize(("outcome", "prize_fen", "ret", "ticket_info"), [
    ("LOSE", 0, "1305", True), ("UNSOLD", 0, "1303", False), ("OTHER_PROVINCE", 0, "1316", False),
    ("WIN", 1_000_100, "1304", True),
])
async def test_tickets_that_are_not_paid(gateway: Gateway, token: str, outcome: str, prize_fen: int, ret: str,
                                         ticket_info: bool) -> None:
    await gateway.ticket("T-1", outcome=outcome, prize_fen=prize_fen)
    reply = await gateway.redeem(token, "T-1")
    assert (reply["success"], reply["ret"]) == (False, ret)
    assert ({"transacId", "ticketNo", "gameName", "price"} <= set(reply["content"])) == ticket_info
    assert (await records(gateway))["redemptions"] == []


async def test_an_unknown_bar_code_is_1303(gateway: Gateway, token: str) -> None:
    assert (await gateway.redeem(token, "NEVER-SEEN"))["ret"] == "1303"


async def test_a_reused_transac_id_is_refused(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1", outcome="LOSE", prize_fen=0)
    await gateway.ticket("T-2")
    await gateway.redeem(token, "T-1", transac_id="RL1")
    assert (await gateway.redeem(token, "T-2", user_id="U0009", transac_id="RL1"))["ret"] == "10030"


async def test_manual_entry_is_refused(gateway: Gateway, token: str) -> None:
    await gateway.ticket("G123")
    for bar_code, ret in (("G123", "10023"), ("123", "10024")):
        params = {**gateway.award_params(bar_code, user_id=f"U-{bar_code}"), "type": 1704}
        assert (await gateway.call(AWARD, params, token=token))["ret"] == ret


# ---- risk rules (seed §6) ----


@pytest.mark.parametrize(("rules", "ret"), [({"enabled": False}, "10031"), ({"blacklist": ["U0001"]}, "10037"),
                                            ({"serviceHours": "13:00-14:00"}, "10032")])
async def test_risk_switches(gateway: Gateway, token: str, rules: dict[str, Any], ret: str) -> None:
    await gateway.ticket("T-1")
    await gateway.rules(**rules)
    assert (await gateway.redeem(token, "T-1"))["ret"] == ret


async def test_default_service_hours_close_around_midnight(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1")
    await gateway.set_clock("2026-11-24T23:30:00+08:00")
    token = await gateway.token()
    assert (await gateway.redeem(token, "T-1"))["ret"] == "10032"
    await gateway.rules(serviceHours="00:00-24:00")
    assert (await gateway.redeem(token, "T-1"))["ret"] == "1301"


async def test_two_attempts_need_the_minimum_interval(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1", outcome="LOSE", prize_fen=0)
    await gateway.ticket("T-2")
    await gateway.redeem(token, "T-1")
    assert (await gateway.redeem(token, "T-2"))["ret"] == "10033"
    assert (await gateway.redeem(token, "T-2", user_id="U0002"))["ret"] == "1301"
    await gateway.advance(15)
    await gateway.ticket("T-3")
    assert (await gateway.redeem(token, "T-3"))["ret"] == "1301"


async def test_daily_failures_limit_until_the_next_beijing_day(gateway: Gateway, token: str) -> None:
    await gateway.rules(minIntervalSeconds=0, maxFailuresPerDay=2)
    await gateway.ticket("T-LOSE", outcome="LOSE", prize_fen=0)
    await gateway.ticket("T-WIN")
    assert [(await gateway.redeem(token, code))["ret"] for code in ("T-LOSE", "BAD", "T-WIN")] == [
        "1305", "1303", "10034"]
    await gateway.set_clock("2026-11-25T01:00:00+08:00")
    assert (await gateway.redeem(await gateway.token(), "T-WIN"))["ret"] == "1301"


@pytest.mark.parametrize(("rules", "ret"), [({"maxTicketsPerDay": 2}, "10035"),
                                            ({"maxAmountPerDayFen": 1000}, "10036")])
async def test_daily_redemption_limits(gateway: Gateway, token: str, rules: dict[str, Any], ret: str) -> None:
    await gateway.rules(minIntervalSeconds=0, **rules)
    for bar_code in ("T-1", "T-2", "T-3"):
        await gateway.ticket(bar_code, prize_fen=500)
    assert [(await gateway.redeem(token, code))["ret"] for code in ("T-1", "T-2", "T-3")] == ["1301", "1301", ret]


# ---- counters, getPrize, reports, reconciliation ----


async def test_counters_per_clerk_and_reset(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1", prize_fen=500)
    await gateway.ticket("T-2", prize_fen=1000)
    await gateway.redeem(token, "T-1")
    await gateway.redeem(token, "T-2", user_id="U0002")
    count = await gateway.call("/proxy/validate/getCount", token=token)
    assert count["content"] == {"tickets": 2, "amount": 15}
    assert (await gateway.call("/proxy/validate/resetCount", token=token))["ret"] == "10000"
    assert (await gateway.call("/proxy/validate/getCount", token=token))["content"] == {"tickets": 0, "amount": 0}


async def test_get_prize_of_a_redeemed_ticket_else_3202(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1", prize_fen=5000, level=3)
    await gateway.ticket("T-2")
    await gateway.redeem(token, "T-1")
    reply = await gateway.call("/proxy/validate/getPrize", {"barCode": "T-1"}, token=token)
    assert reply["content"] == {"level": 3, "prize": 50, "stationId": STATION, "awardTime": "2026-11-24 12:00:00"}
    missing = await gateway.call("/proxy/validate/getPrize", {"barCode": "T-2"}, token=token)
    assert (missing["success"], missing["ret"]) == (False, "3202")


async def test_reports_are_html_built_from_redemptions(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1", prize_fen=5000, gameName="好运<十倍>")
    transac_id = (await gateway.redeem(token, "T-1"))["content"]["transacId"]
    days = {"beginDate": "2026/11/24", "endDate": "2026/11/24"}
    game = {"gameNo": "00000", "batchNo": "00000", "isAllOperator": "1", "operatorNo": "0"}
    asked = {"/migt/report/sales": {**days, **game}, "/migt/report/balance": days,
             "/migt/report/trace": {"barCode": "T-1"},
             "/migt/report/award": {"beginTime": "2026/11/24", "endTime": "2026/11/24", **game}}
    reports = {path: await gateway.call(path, business, token=token) for path, business in asked.items()}
    assert all(reply["ret"] == "10000" and reply["content"]["report"].startswith("<html>")
               for reply in reports.values())
    assert transac_id in reports["/migt/report/award"]["content"]["report"]
    assert "好运&lt;十倍&gt;" in reports["/migt/report/trace"]["content"]["report"]
    assert "<td>50</td>" in reports["/migt/report/balance"]["content"]["report"]


async def test_award_summary_and_detail_for_the_callers_station(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1", prize_fen=500, gameNo="10001", batchNo="00042")
    await gateway.ticket("T-2", prize_fen=2000, gameNo="10002", batchNo="00007")
    first = (await gateway.redeem(token, "T-1"))["content"]["transacId"]
    await gateway.redeem(token, "T-2", user_id="U0002")
    day = {"beginTime": "2026-11-24 00:00:00", "endTime": "2026-11-24 23:59:59"}
    summary = await gateway.call("/migt/account/awardSummary", {"gameNo": "00000", "batchNo": "00000", **day},
                                 token=token)
    assert summary["content"] == {"gameNo": "00000", "batchNo": "00000", "tickets": "2", "amount": "25"}
    one_game = await gateway.call("/migt/account/awardSummary", {"gameNo": "10002", "batchNo": "00007", **day},
                                  token=token)
    assert one_game["content"] == {"gameNo": "10002", "batchNo": "00007", "tickets": "1", "amount": "20"}
    detail = await gateway.call("/migt/account/awardDetail", {"gameNo": "10001", "batchNo": "00000", **day},
                                token=token)
    [row] = detail["content"]
    assert (row["transacId"], row["time"], row["gameNo"], row["batchNo"]) == (
        first, "2026-11-24 12:00:00", "10001", "00042")
    assert set(row) == {"gameNo", "batchNo", "packNo", "ticketNo", "transacId", "time"}  # §8.8.2, no more
    other = await gateway.call("/migt/account/awardDetail", {"gameNo": "00000", "batchNo": "00000", **day},
                               token=await gateway.token(OTHER_STATION))
    assert other["content"] == []


async def test_reconciliation_ranges_are_limited(gateway: Gateway, token: str) -> None:
    two_days = {"gameNo": "00000", "batchNo": "00000", "beginTime": "2026-11-23 00:00:00",
                "endTime": "2026-11-25 00:00:00"}
    assert (await gateway.call("/migt/account/awardDetail", two_days, token=token))["ret"] == "10039"
    backwards = {**two_days, "beginTime": "2026-11-26 00:00:00"}
    assert (await gateway.call("/migt/account/awardSummary", backwards, token=token))["ret"] == "10038"


# ---- faults and serial access ----


@pytest.mark.parametrize(("mode", "status", "content_type"), [("timeout", 504, "text/plain"),
                                                              ("http500", 500, "text/plain"),
                                                              ("html", 200, "text/html")])
async def test_faults_that_do_no_work(gateway: Gateway, token: str, mode: str, status: int, content_type: str) -> None:
    await gateway.ticket("T-1")
    await gateway.control("/_control/faults", {"mode": mode, "count": 2, "delaySeconds": 0.05})
    for user_id in ("U0001", "U0002"):
        response = await gateway.http.post(AWARD, data=await gateway.form(gateway.award_params("T-1", user_id),
                                                                          token=token))
        assert response.status_code == status and response.headers["content-type"].startswith(content_type)
    assert (await records(gateway))["redemptions"] == []
    assert (await gateway.redeem(token, "T-1", user_id="U0003"))["ret"] == "1301"


async def test_a_timeout_fault_makes_the_client_time_out(gateway: Gateway, token: str) -> None:
    await gateway.control("/_control/faults", {"mode": "timeout", "count": 1, "delaySeconds": 0.3})
    form = await gateway.form({}, token=token)
    with pytest.raises(httpx.ReadTimeout):
        await gateway.http.post("/proxy/validate/getCount", data=form, timeout=0.1)


async def test_drop_after_commit_redeems_but_the_client_sees_a_transport_error(gateway: Gateway, token: str) -> None:
    await gateway.ticket("T-1")
    await gateway.control("/_control/faults", {"mode": "drop_after_commit", "count": 1})
    form = await gateway.form(gateway.award_params("T-1", transac_id="RL-LOST"), token=token)
    with pytest.raises(httpx.RemoteProtocolError):
        await gateway.http.post(AWARD, data=form)
    assert [r["transacId"] for r in (await records(gateway))["redemptions"]] == ["RL-LOST"]
    again = await gateway.redeem(token, "T-1", user_id="U0002")
    assert (again["ret"], again["content"]["transacIdOrg"]) == ("1307", "RL-LOST")


async def test_faults_clear_with_mode_none(gateway: Gateway, token: str) -> None:
    await gateway.control("/_control/faults", {"mode": "http500", "count": 3})
    await gateway.control("/_control/faults", {"mode": "none"})
    assert (await gateway.call("/proxy/validate/getCount", token=token))["ret"] == "10000"


async def test_overlapping_calls_for_one_station_are_refused_and_counted(gateway: Gateway, token: str) -> None:
    other_token = await gateway.token(OTHER_STATION)
    await gateway.rules(latencySeconds=0.2)
    forms = [await gateway.form({}, token=t) for t in (token, token, other_token)]
    replies = await asyncio.gather(*(gateway.http.post("/proxy/validate/getCount", data=f) for f in forms))
    assert sorted(r.json()["ret"] for r in replies) == ["10000", "10000", "1005"]
    counted = await records(gateway)
    assert counted["overlaps"] == 1 and counted["calls"] == 5

