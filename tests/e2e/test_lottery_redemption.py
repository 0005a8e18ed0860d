"""A member's scanned ticket, redeemed through GraphQL, the ledger and the gateway's sandbox over HTTP."""

from __future__ import annotations

import asyncio

import pytest

from ledger.persistence.models import Account, Transfer
from ledger.services.audit import audit
from tests.lottery_support import CONFIGURE, redeem, sync
from tests.support import GraphQLClient, TenantFixture


async def log_in(gql: GraphQLClient, tenant: TenantFixture) -> None:
    """A first call logs the station in, so an injected fault hits the call under test, not the login."""
    await gql("{ lotteryStationCounter { count } }", token=tenant.viewer)


async def wallet_fen(member: str) -> int:
    account = await Account.get_or_none(member_id=member, asset="CNY")
    return 0 if account is None else account.credits_posted - account.debits_posted


async def test_a_winning_ticket_is_issued_and_its_prize_lands_in_the_wallet_once(gql, connected, sandbox):
    await sandbox.ticket("T-WIN-1", "WIN", 5_000, level=3)
    result = await redeem(gql, connected.operator, "T-WIN-1", "k1")
    reward = result["reward"]
    assert result["userErrors"] == []
    assert (reward["kind"], reward["status"], reward["provider"], reward["campaign"]) == \
        ("LOTTERY_TICKET", "ISSUED", "instant-lottery", None)
    assert reward["amount"] == {"amount": "5000", "asset": "CNY"}
    [transfer] = reward["transfers"]
    assert (transfer["state"], transfer["debitAccount"]["kind"], transfer["creditAccount"]["memberId"]) == \
        ("POSTED", "STATION_CASH", "m1")
    assert result["ticket"]["prizeLevel"] == 3 and result["ticket"]["prizeAmount"]["amount"] == "5000"
    assert await wallet_fen("m1") == 5_000
    assert len((await sandbox.records())["redemptions"]) == 1
    assert (await audit(connected.id)).ok


async def test_replaying_the_key_returns_the_first_result_without_calling_the_gateway(gql, connected, sandbox):
    await sandbox.ticket("T-WIN-2", "WIN", 1_000)
    first = await redeem(gql, connected.operator, "T-WIN-2", "same-key")
    calls_after_first = (await sandbox.records())["calls"]
    again = await redeem(gql, connected.operator, "T-WIN-2", "same-key")
    assert again["reward"]["id"] == first["reward"]["id"]
    assert (await sandbox.records())["calls"] == calls_after_first
    assert len((await sandbox.records())["redemptions"]) == 1
    assert await wallet_fen("m1") == 1_000


async def test_a_losing_ticket_is_not_won_and_moves_nothing(gql, connected, sandbox):
    await sandbox.ticket("T-LOSE-1", "LOSE", 0)
    result = await redeem(gql, connected.operator, "T-LOSE-1", "k1")
    assert result["reward"]["status"] == "NOT_WON"
    assert result["reward"]["transfers"] == [] and result["userErrors"] == []
    assert await Transfer.all().count() == 0


@pytest.mark.parametrize("outcome", ["UNSOLD", "OTHER_PROVINCE", "REDEEMED"])
async def test_a_ticket_the_gateway_refuses_is_a_failed_reward_with_a_user_error(gql, connected, sandbox, outcome):
    await sandbox.ticket("T-BAD-1", outcome, 500)
    result = await redeem(gql, connected.operator, "T-BAD-1", "k1")
    assert result["reward"]["status"] == "FAILED"
    assert [e["code"] for e in result["userErrors"]] == ["PROVIDER_REJECTED"]
    assert await Transfer.all().count() == 0


async def test_a_ticket_over_the_stations_limit_is_refused_by_the_gateway(gql, connected, sandbox):
    await sandbox.rules(stationPrizeLimitFen=10_000)
    await sandbox.ticket("T-BIG-1", "WIN", 20_000)
    result = await redeem(gql, connected.operator, "T-BIG-1", "k1")
    assert result["reward"]["status"] == "FAILED"
    assert "1304" in result["userErrors"][0]["message"]


async def test_a_lost_login_leaves_the_redemption_unknown_and_sync_completes_it(gql, connected, sandbox):
    await sandbox.ticket("T-LOGIN-1", "WIN", 300)
    await sandbox.faults("drop_after_commit", 1)
    lost = await redeem(gql, connected.operator, "T-LOGIN-1", "k1")
    assert lost["reward"]["status"] == "UNKNOWN"
    assert (await sandbox.records())["redemptions"] == []
    assert (await sync(gql, connected.operator, lost["reward"]["id"]))["reward"]["status"] == "ISSUED"


@pytest.mark.parametrize("mode", ["timeout", "http500", "html"])
async def test_a_lost_answer_is_unknown_until_sync_resubmits_and_redeems(gql, connected, sandbox, mode):
    await sandbox.ticket("T-LOST-1", "WIN", 800)
    await log_in(gql, connected)
    await sandbox.faults(mode, 1, delaySeconds=0.8)
    lost = await redeem(gql, connected.operator, "T-LOST-1", "k1")
    assert lost["reward"]["status"] == "UNKNOWN" and lost["reward"]["transfers"] == []
    await asyncio.sleep(1.0)  # the sandbox finishes sleeping on the timed-out call
    settled = await sync(gql, connected.operator, lost["reward"]["id"])
    assert settled["reward"]["status"] == "ISSUED"
    assert await wallet_fen("m1") == 800
    assert len((await sandbox.records())["redemptions"]) == 1


async def test_an_answer_dropped_after_the_gateway_redeemed_is_recognised_by_1307_as_ours(gql, connected, sandbox):
    await sandbox.ticket("T-DROP-1", "WIN", 1_200)
    await log_in(gql, connected)
    await sandbox.faults("drop_after_commit", 1)
    lost = await redeem(gql, connected.operator, "T-DROP-1", "k1")
    assert lost["reward"]["status"] == "UNKNOWN"
    assert len((await sandbox.records())["redemptions"]) == 1  # the gateway did redeem it

    settled = await sync(gql, connected.operator, lost["reward"]["id"])
    assert settled["reward"]["status"] == "ISSUED"
    assert settled["reward"]["amount"]["amount"] == "1200"
    assert len((await sandbox.records())["redemptions"]) == 1
    assert await wallet_fen("m1") == 1_200
    again = await sync(gql, connected.operator, lost["reward"]["id"])
    assert again["reward"]["status"] == "ISSUED" and await wallet_fen("m1") == 1_200


async def test_while_a_ticket_is_unknown_other_redemptions_of_it_are_refused(gql, connected, sandbox):
    await sandbox.ticket("T-HOLD-1", "WIN", 500)
    await log_in(gql, connected)
    await sandbox.faults("http500", 1)
    lost = await redeem(gql, connected.operator, "T-HOLD-1", "k1")
    assert lost["reward"]["status"] == "UNKNOWN"
    other = await redeem(gql, connected.operator, "T-HOLD-1", "k2", member="m2")
    assert other["reward"] is None
    assert [e["code"] for e in other["userErrors"]] == ["TICKET_IN_PROGRESS"]
    await sync(gql, connected.operator, lost["reward"]["id"])
    after = await redeem(gql, connected.operator, "T-HOLD-1", "k3", member="m2")
    assert [e["code"] for e in after["userErrors"]] == ["TICKET_ALREADY_REDEEMED"]


async def test_the_same_ticket_redeemed_twice_at_once_pays_one_prize(gql, connected, sandbox):
    await sandbox.ticket("T-RACE-1", "WIN", 700)
    results = await asyncio.gather(*(redeem(gql, connected.operator, "T-RACE-1", f"k{i}", member=f"m{i}")
                                     for i in range(6)))
    issued = [r for r in results if r["reward"] and r["reward"]["status"] == "ISSUED"]
    assert len(issued) == 1
    assert {e["code"] for r in results for e in r["userErrors"]} <= {"TICKET_IN_PROGRESS", "TICKET_ALREADY_REDEEMED"}
    assert len((await sandbox.records())["redemptions"]) == 1
    assert await Transfer.all().count() == 1
    assert (await audit(connected.id)).ok


async def test_an_expired_or_superseded_session_logs_in_again_and_the_call_goes_through(gql, connected, sandbox):
    await sandbox.ticket("T-TOK-1", "WIN", 100)
    await sandbox.ticket("T-TOK-2", "WIN", 100)
    assert (await redeem(gql, connected.operator, "T-TOK-1", "k1"))["reward"]["status"] == "ISSUED"
    await sandbox.expire_tokens()
    assert (await redeem(gql, connected.operator, "T-TOK-2", "k2"))["reward"]["status"] == "ISSUED"


async def test_a_member_token_redeems_for_its_own_member_only(gql, connected, sandbox):
    await sandbox.ticket("T-MBR-1", "WIN", 100)
    token = (await gql('mutation { issueMemberToken(input: {memberId: "m1"}) { token } }',
                       token=connected.operator))["issueMemberToken"]["token"]
    own = await redeem(gql, token, "T-MBR-1", "k1", member="m1")
    assert own["reward"]["status"] == "ISSUED"
    status, errors = await gql.errors("""mutation { redeemLotteryTicket(input: {barCode: "T-MBR-1", memberId: "m2",
        userRealIp: "10.0.0.1", idempotencyKey: "k2"}) { reward { id } } }""", token=token)
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_provider_settings_show_secrets_masked_and_keep_them_when_sent_back_masked(gql, connected, sandbox):
    shown = (await gql("{ providerConfigs { provider baseUrl settings } }", token=connected.viewer))["providerConfigs"]
    [config] = shown
    assert config["settings"]["appSecret"] == "********"
    assert all(s["password"] == "********" for s in config["settings"]["stations"])
    assert config["settings"]["appKey"] == (await sandbox.config())["appKey"]
    resent = await gql(CONFIGURE, {"input": {"provider": "instant-lottery", "settings": config["settings"]}},
                       token=connected.admin)
    assert resent["configureProvider"]["userErrors"] == []
    await sandbox.ticket("T-CFG-1", "WIN", 100)
    assert (await redeem(gql, connected.operator, "T-CFG-1", "k1"))["reward"]["status"] == "ISSUED"


async def test_bad_provider_settings_are_a_user_error_and_change_nothing(gql, tenant, sandbox):
    bad = {**await sandbox.config(), "baseUrl": "ftp://x"}
    data = await gql(CONFIGURE, {"input": {"provider": "instant-lottery", "settings": bad}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"][0]["field"] == ["input", "settings", "baseUrl"]
    unknown = await gql(CONFIGURE, {"input": {"provider": "nope", "settings": {}}}, token=tenant.admin)
    assert unknown["configureProvider"]["userErrors"][0]["field"] == ["input", "provider"]
    status, errors = await gql.errors(CONFIGURE, {"input": {"provider": "instant-lottery", "settings": bad}},
                                      token=tenant.operator)
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql("{ providerConfigs { provider } }", token=tenant.viewer))["providerConfigs"] == []


async def test_redeeming_without_a_configured_gateway_is_a_user_error(gql, tenant):
    result = await redeem(gql, tenant.operator, "T-NONE-1", "k1")
    assert [e["code"] for e in result["userErrors"]] == ["PROVIDER_NOT_CONFIGURED"]


async def test_station_counter_reset_prize_record_and_reports_come_from_the_gateway(gql, connected, sandbox):
    await sandbox.ticket("T-RPT-1", "WIN", 2_000)
    await redeem(gql, connected.operator, "T-RPT-1", "k1")
    counter = (await gql("{ lotteryStationCounter { count amount { amount } } }", token=connected.viewer))
    assert counter["lotteryStationCounter"] == {"count": 1, "amount": {"amount": "2000"}}
    prize = await gql('{ lotteryTicketPrize(barCode: "T-RPT-1") { prizeAmount { amount } stationId } }',
                      token=connected.viewer)
    assert prize["lotteryTicketPrize"]["prizeAmount"]["amount"] == "2000"
    none = await gql('{ lotteryTicketPrize(barCode: "T-NEVER-1") { stationId } }', token=connected.viewer)
    assert none["lotteryTicketPrize"] is None
    from datetime import datetime, timedelta, timezone

    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    report = await gql("query($d: Date!) { lotteryReport(kind: AWARD, date: $d) }", {"d": today},
                       token=connected.viewer)
    assert "<" in report["lotteryReport"]
    reset = await gql("mutation { resetLotteryStationCounter(input: {}) { counter { count } userErrors { code } } }",
                      token=connected.operator)
    assert reset["resetLotteryStationCounter"]["counter"]["count"] == 0
    counter = (await gql("{ lotteryStationCounter { count } }", token=connected.viewer))
    assert counter["lotteryStationCounter"]["count"] == 0


async def test_changing_a_station_password_changes_it_at_the_gateway_and_in_the_settings(gql, connected, sandbox):
    query = """mutation($input: ChangeLotteryStationPasswordInput!) { changeLotteryStationPassword(input: $input) {
        providerConfig { settings } userErrors { field code } } }"""
    changed = await gql(query, {"input": {"newPassword": "n3w-Secret"}}, token=connected.admin)
    payload = changed["changeLotteryStationPassword"]
    assert payload["userErrors"] == []
    assert payload["providerConfig"]["settings"]["stations"][0]["password"] == "********"
    await sandbox.expire_tokens()  # the next call must log in, with the new password
    await sandbox.ticket("T-PWD-1", "WIN", 100)
    assert (await redeem(gql, connected.operator, "T-PWD-1", "k1"))["reward"]["status"] == "ISSUED"
    short = await gql(query, {"input": {"newPassword": "abc"}}, token=connected.admin)
    assert short["changeLotteryStationPassword"]["userErrors"][0]["field"] == ["input", "newPassword"]


async def test_when_the_gateway_refuses_the_resubmission_its_prize_record_settles_the_reward(
        gql, connected, sandbox):
    await sandbox.ticket("T-REC-1", "WIN", 900)
    await log_in(gql, connected)
    await sandbox.faults("drop_after_commit", 1)
    lost = await redeem(gql, connected.operator, "T-REC-1", "k1")
    assert lost["reward"]["status"] == "UNKNOWN"
    await sandbox.rules(minIntervalSeconds=600)  # the resubmission now gets 10033 (too frequent)

    settled = await sync(gql, connected.operator, lost["reward"]["id"])

    assert settled["reward"]["status"] == "ISSUED"  # getPrize: redeemed at our station
    assert settled["reward"]["amount"]["amount"] == "900"
    assert await wallet_fen("m1") == 900
    assert len((await sandbox.records())["redemptions"]) == 1


async def test_when_the_gateway_has_no_record_of_a_lost_attempt_the_reward_fails_and_the_ticket_is_free(
        gql, connected, sandbox):
    await sandbox.ticket("T-REC-2", "WIN", 900)
    await log_in(gql, connected)
    await sandbox.faults("http500", 1)  # lost before any work was done
    lost = await redeem(gql, connected.operator, "T-REC-2", "k1")
    await sandbox.rules(enabled=False)  # the resubmission gets 10031: only the record can tell

    settled = await sync(gql, connected.operator, lost["reward"]["id"])

    assert settled["reward"]["status"] == "FAILED"
    await sandbox.rules(enabled=True)
    assert (await redeem(gql, connected.operator, "T-REC-2", "k2"))["reward"]["status"] == "ISSUED"
