"""The instant-lottery adapter against the sandbox gateway over real HTTP: sessions, flows, faults, logs."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from ledger.domain.statuses import RewardStatus
from ledger.persistence.provider_models import ProviderSession
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from ledger.services.access import create_tenant
from providers.instant_lottery.answers import AwardSummary
from providers.instant_lottery.client import (
    GatewayError,
    GatewayUnavailable,
    InstantLotteryClient,
    PrizeRecord,
    ReportKind,
    StationCounter,
)
from providers.instant_lottery.settings import parse_settings
from providers.instant_lottery.signing import BEIJING
from tests.integration.instant_lottery_gateway import OTHER_STATION, STATION, Gateway
from tests.lottery_support import Sandbox

NewClient = Callable[..., InstantLotteryClient]
ZERO = StationCounter(tickets=0, amount_fen=0)
FAULTS = [("timeout", {"delaySeconds": 1.0}), ("http500", {}), ("html", {}), ("drop_after_commit", {})]
_serials = itertools.count(1)


@pytest_asyncio.fixture
async def sandbox(lottery_sandbox_url: str) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(lottery_sandbox_url)
    await sandbox.reset()
    await sandbox.rules(serviceHours="00:00-24:00", minIntervalSeconds=0)
    yield sandbox
    await sandbox.reset()  # some tests change a station's password or the latency
    await sandbox.http.aclose()


@pytest_asyncio.fixture
async def config(sandbox: Sandbox) -> dict[str, Any]:
    return await sandbox.config()


@pytest_asyncio.fixture
async def tenant_id() -> int:
    return (await create_tenant("t")).id


@pytest_asyncio.fixture
async def new_client(tenant_id: int, config: dict[str, Any]) -> AsyncIterator[NewClient]:
    """Builds adapters of the tenant, each with its own HTTP client; `changes` alter the settings."""
    opened: list[httpx.AsyncClient] = []

    def build(**changes: Any) -> InstantLotteryClient:
        opened.append(httpx.AsyncClient())
        settings = parse_settings({**config, "readTimeoutSeconds": 0.5, **changes})
        return InstantLotteryClient(tenant_id, settings, opened[-1])

    yield build
    for http in opened:
        await http.aclose()


@pytest.fixture
def client(new_client: NewClient) -> InstantLotteryClient:
    return new_client()


@pytest.fixture
def gateway(sandbox: Sandbox, config: dict[str, Any]) -> Gateway:
    """Another program talking to the sandbox directly, with the same credentials."""
    return Gateway(sandbox.http, config)


def new_transac_id() -> str:
    return f"RL{datetime.now(BEIJING):%Y%m%d%H%M%S}{next(_serials):06d}"


async def redeem(client: InstantLotteryClient, bar_code: str, *, user_id: str = "U0001",
                 transac_id: str | None = None) -> Outcome:
    return await client.redeem(STATION, transac_id=transac_id or new_transac_id(), user_id=user_id,
                               user_ip="10.0.0.8", bar_code=bar_code)


async def calls(sandbox: Sandbox) -> int:
    return int((await sandbox.records())["calls"])


async def stored_token(tenant_id: int) -> str:
    return (await ProviderSession.get(tenant_id=tenant_id, station_id=STATION)).token


def beijing_day(day: date) -> tuple[datetime, datetime]:
    begin = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
    return begin, begin + timedelta(days=1) - timedelta(seconds=1)


# ---- sessions ----


async def test_login_happens_once_and_the_token_is_reused(sandbox: Sandbox, client: InstantLotteryClient,
                                                          new_client: NewClient, tenant_id: int) -> None:
    await sandbox.ticket("B-WIN")
    assert await client.counter(STATION) == ZERO
    assert await client.counter(STATION) == ZERO
    assert isinstance(await redeem(client, "B-WIN"), Accepted)
    assert await calls(sandbox) == 4  # one login, three calls
    assert await new_client().counter(STATION) == StationCounter(tickets=1, amount_fen=500)  # another instance
    assert await calls(sandbox) == 5
    sessions = await ProviderSession.filter(tenant_id=tenant_id)
    assert [(s.provider, s.station_id) for s in sessions] == [("instant-lottery", STATION)]


async def test_login_by_another_program_1021_makes_the_adapter_log_in_again(
        sandbox: Sandbox, client: InstantLotteryClient, gateway: Gateway, tenant_id: int) -> None:
    await client.counter(STATION)
    first = await stored_token(tenant_id)
    elsewhere = await gateway.token()
    before = await calls(sandbox)
    assert await client.counter(STATION) == ZERO
    assert await calls(sandbox) == before + 3  # refused with 1021, login, the call again
    assert await stored_token(tenant_id) not in (first, elsewhere)
    assert (await gateway.call("/proxy/validate/getCount", token=elsewhere))["ret"] == "1021"


async def test_expired_token_27_makes_the_adapter_log_in_again(sandbox: Sandbox, client: InstantLotteryClient,
                                                               gateway: Gateway, tenant_id: int) -> None:
    await client.counter(STATION)
    first = await stored_token(tenant_id)
    await sandbox.expire_tokens()
    assert (await gateway.call("/proxy/validate/getCount", token=first))["ret"] == "27"
    before = await calls(sandbox)
    assert await client.counter(STATION) == ZERO
    assert await calls(sandbox) == before + 3
    assert await stored_token(tenant_id) != first


async def test_wrong_station_password_rejects_redeem_with_the_gateways_code(
        sandbox: Sandbox, config: dict[str, Any], new_client: NewClient, tenant_id: int) -> None:
    client = new_client(stations=[{**config["stations"][0], "password": "not-the-password"}])
    await sandbox.ticket("B-WIN")
    outcome = await redeem(client, "B-WIN")
    assert isinstance(outcome, Rejected)
    assert (outcome.code, outcome.retryable) == ("1007", False)
    assert (await sandbox.records())["redemptions"] == []
    assert not await ProviderSession.exists(tenant_id=tenant_id)


async def test_busy_station_1005_is_retried(sandbox: Sandbox, client: InstantLotteryClient,
                                            gateway: Gateway) -> None:
    await client.counter(STATION)  # logged in before the station gets slow
    await sandbox.rules(latencySeconds=0.3)
    before = await calls(sandbox)
    # A login with a wrong password holds the station for 0.3 s and takes over no session.
    held = asyncio.create_task(gateway.login(password="wrong"))
    for _ in range(400):  # until the sandbox has it (at most 2 s)
        if await calls(sandbox) > before:
            break
        await asyncio.sleep(0.005)
    assert await client.counter(STATION) == ZERO
    assert (await held)["ret"] == "1007"
    assert (await sandbox.records())["overlaps"] >= 1


# ---- redemption ----


async def test_redeem_of_a_winning_ticket_is_accepted_with_the_prize_in_fen(
        sandbox: Sandbox, client: InstantLotteryClient) -> None:
    await sandbox.ticket("B-WIN", prize_fen=1200, level=2)
    transac_id = new_transac_id()
    outcome = await redeem(client, "B-WIN", transac_id=transac_id, user_id="U0042")
    assert isinstance(outcome, Accepted)
    assert (outcome.status, outcome.amount, outcome.refs["transacId"]) == (RewardStatus.ISSUED, 1200, transac_id)
    assert outcome.details["level"] == 2
    [record] = (await sandbox.records())["redemptions"]
    assert (record["transacId"], record["userId"], record["stationId"]) == (transac_id, "U0042", STATION)


@pytest.mark.parametrize(("ticket", "code", "status"), [
    ("LOSE", "1305", RewardStatus.NOT_WON), ("UNSOLD", "1303", RewardStatus.FAILED),
    ("OTHER_PROVINCE", "1316", RewardStatus.FAILED), ("REDEEMED", "1307", RewardStatus.FAILED)])
async def test_redeem_of_a_ticket_that_pays_nothing_is_rejected(sandbox: Sandbox, client: InstantLotteryClient,
                                                                ticket: str, code: str, status: RewardStatus) -> None:
    await sandbox.ticket("B-1", outcome=ticket, prize_fen=500 if ticket == "REDEEMED" else 0)
    outcome = await redeem(client, "B-1")
    assert isinstance(outcome, Rejected)
    assert (outcome.code, outcome.status, outcome.retryable) == (code, status, False)
    assert (await sandbox.records())["redemptions"] == []


async def test_second_redeem_of_a_ticket_names_the_first_transaction(sandbox: Sandbox,
                                                                      client: InstantLotteryClient) -> None:
    await sandbox.ticket("B-WIN")
    first = new_transac_id()
    assert isinstance(await redeem(client, "B-WIN", transac_id=first), Accepted)
    again = await redeem(client, "B-WIN")
    assert isinstance(again, Rejected) and again.code == "1307"
    assert (again.details["transacIdOrg"], again.details["prizeFen"], again.details["awardStation"]) == (
        first, 500, STATION)


@pytest.mark.parametrize(("mode", "extra"), FAULTS)
async def test_fault_makes_redeem_unknown_and_is_not_resent(sandbox: Sandbox, client: InstantLotteryClient,
                                                            mode: str, extra: dict[str, Any]) -> None:
    await sandbox.ticket("B-WIN")
    await client.counter(STATION)  # logged in, so the fault hits the redemption itself
    await sandbox.faults(mode, **extra)
    before = await calls(sandbox)
    assert isinstance(await redeem(client, "B-WIN"), Unknown)
    records = await sandbox.records()
    assert records["calls"] == before + 1
    assert len(records["redemptions"]) == (1 if mode == "drop_after_commit" else 0)


@pytest.mark.parametrize(("mode", "extra"), FAULTS)
async def test_fault_makes_counter_unavailable(sandbox: Sandbox, client: InstantLotteryClient, mode: str,
                                               extra: dict[str, Any]) -> None:
    await client.counter(STATION)
    await sandbox.faults(mode, **extra)
    with pytest.raises(GatewayUnavailable):
        await client.counter(STATION)
    assert await client.counter(STATION) == ZERO  # the next call goes through again


# ---- queries ----


async def test_prize_of_a_redeemed_ticket_is_its_record(sandbox: Sandbox, client: InstantLotteryClient) -> None:
    await sandbox.ticket("B-WIN", prize_fen=2000, level=3)
    await redeem(client, "B-WIN")
    record = await client.prize_of(STATION, "B-WIN")
    assert record == PrizeRecord(level=3, prize_fen=2000, station_id=STATION, award_time=record.award_time)
    assert record.award_time.startswith(datetime.now(BEIJING).strftime("%Y-%m-%d"))


async def test_prize_of_an_unredeemed_ticket_is_none(sandbox: Sandbox, client: InstantLotteryClient) -> None:
    await sandbox.ticket("B-WIN")
    assert await client.prize_of(STATION, "B-WIN") is None
    assert await client.prize_of(STATION, "NO-SUCH-TICKET") is None


async def test_counter_sums_the_stations_redemptions_and_reset_zeroes_it(
        sandbox: Sandbox, client: InstantLotteryClient) -> None:
    await sandbox.ticket("B-1", prize_fen=500)
    await sandbox.ticket("B-2", prize_fen=1200)
    await redeem(client, "B-1")
    await redeem(client, "B-2")
    assert await client.counter(STATION) == StationCounter(tickets=2, amount_fen=1700)
    assert await client.counter(OTHER_STATION) == ZERO
    assert await client.reset_counter(STATION) == ZERO
    assert await client.counter(STATION) == ZERO


@pytest.mark.parametrize(("kind", "needle"), [
    (ReportKind.SALES, "<td>1</td><td>12</td>"), (ReportKind.BALANCE, "<td>兑奖</td><td>12</td>"),
    (ReportKind.TRACE, "<td>已兑奖</td>"), (ReportKind.AWARD, "<td>12</td>")])
async def test_report_is_the_gateways_html(sandbox: Sandbox, client: InstantLotteryClient, kind: ReportKind,
                                           needle: str) -> None:
    await sandbox.ticket("B-WIN", prize_fen=1200)
    await redeem(client, "B-WIN")
    page = await client.report(kind, STATION, datetime.now(BEIJING).date(), bar_code="B-WIN")
    assert page.startswith("<html") and page.endswith("</html>")
    assert needle in page


async def test_award_detail_lists_todays_redemptions_by_transac_id(sandbox: Sandbox,
                                                                   client: InstantLotteryClient) -> None:
    ids = [new_transac_id(), new_transac_id()]
    for bar_code, transac_id in zip(("B-1", "B-2"), ids, strict=True):
        await sandbox.ticket(bar_code, prize_fen=500)
        await redeem(client, bar_code, transac_id=transac_id)
    begin, end = beijing_day(datetime.now(BEIJING).date())
    rows = await client.award_detail(STATION, begin.astimezone(UTC), end.astimezone(UTC))
    assert sorted(row.transac_id for row in rows) == sorted(ids)
    assert all(row.time.startswith(f"{begin:%Y-%m-%d} ") for row in rows)
    assert await client.award_detail(STATION, begin - timedelta(days=1), end - timedelta(days=1)) == []


async def test_award_summary_totals_todays_redemptions(sandbox: Sandbox, client: InstantLotteryClient) -> None:
    await sandbox.ticket("B-1", prize_fen=500)
    await sandbox.ticket("B-2", prize_fen=1200)
    await redeem(client, "B-1")
    await redeem(client, "B-2")
    rows = await client.award_summary(STATION, *beijing_day(datetime.now(BEIJING).date()))
    assert rows == [AwardSummary(game_no="00000", batch_no="00000", tickets=2, amount_fen=1700)]


# ---- password ----


async def test_change_password_changes_it_at_the_gateway(client: InstantLotteryClient, gateway: Gateway) -> None:
    await client.change_password(STATION, "123456", "654321")
    assert (await gateway.login())["ret"] == "1007"  # the old password
    assert (await gateway.login(password="654321"))["ret"] == "10000"


async def test_change_password_with_a_wrong_old_one_is_refused(client: InstantLotteryClient, gateway: Gateway) -> None:
    with pytest.raises(GatewayError) as refused:
        await client.change_password(STATION, "not-it", "654321")
    assert refused.value.code == "10008"
    assert (await gateway.login())["ret"] == "10000"


# ---- concurrency and logs ----


async def test_two_clients_of_one_tenant_never_overlap_at_the_station(sandbox: Sandbox,
                                                                      new_client: NewClient) -> None:
    await sandbox.rules(latencySeconds=0.05)
    for n in range(10):
        await sandbox.ticket(f"C-{n}")
    first, second = new_client(), new_client()
    outcomes = await asyncio.gather(*(redeem(first if n % 2 else second, f"C-{n}", user_id=f"U{n}")
                                      for n in range(10)))
    assert all(isinstance(outcome, Accepted) for outcome in outcomes), outcomes
    records = await sandbox.records()
    assert (records["overlaps"], len(records["redemptions"]), records["calls"]) == (0, 10, 11)


_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", (), None))) | {"message", "asctime"}


async def test_logs_name_provider_flow_and_latency_but_no_secret(
        sandbox: Sandbox, client: InstantLotteryClient, config: dict[str, Any], tenant_id: int,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="providers.calls")
    bar_code, user_id = "B-LOG-7731-XYZ", "USER-ID-90817"
    await sandbox.ticket(bar_code)
    assert isinstance(await redeem(client, bar_code, user_id=user_id), Accepted)
    timed = [r for r in caplog.records if r.name == "providers.calls" and hasattr(r, "latency_ms")]
    assert [r.__dict__["flow"] for r in timed] == ["login", "thirdAward"]
    assert all(r.__dict__["provider"] == "instant-lottery" and r.__dict__["latency_ms"] >= 0 for r in timed)
    assert all("instant-lottery" in r.getMessage() and "ms" in r.getMessage() for r in timed)
    written = "\n".join(f"{r.getMessage()} {r.exc_text or ''} "
                        f"{ {k: v for k, v in vars(r).items() if k not in _STANDARD} }" for r in caplog.records)
    secrets = [config["appSecret"], config["stations"][0]["password"], await stored_token(tenant_id), bar_code,
               user_id]
    assert [secret for secret in secrets if secret in written] == []
