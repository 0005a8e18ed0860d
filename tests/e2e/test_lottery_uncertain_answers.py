"""Gateway answers that do not settle a redemption, through GraphQL, the ledger and the sandbox (issue 10).

A code that may hide a redemption leaves the reward UNKNOWN with nothing paid and the ticket held; sync
settles it once. A refused token is recovered by a new login. A 1307 naming a transaction that is not the
reward's own is FAILED only when that cannot be ours."""

from __future__ import annotations

import pytest

from ledger.persistence.models import Account, Transfer
from ledger.services.audit import audit
from providers.instant_lottery import codes
from tests.integration.instant_lottery_gateway import OTHER_STATION, STATION, Gateway
from tests.lottery_support import Sandbox, redeem, sync
from tests.support import GraphQLClient, TenantFixture

MAY_HAVE_HAPPENED = [code for code, info in codes.CODES.items() if info.kind is codes.AnswerKind.MAY_HAVE_HAPPENED]
PRIZE_FEN = 1_200


async def log_in(gql: GraphQLClient, tenant: TenantFixture) -> None:
    """A first call logs the station in, so an injected code hits the redemption, not the login."""
    await gql("{ lotteryStationCounter { count } }", token=tenant.viewer)


async def wallet_fen(member: str) -> int:
    account = await Account.get_or_none(member_id=member, asset="CNY")
    return 0 if account is None else account.credits_posted - account.debits_posted


async def gateway_transactions(sandbox: Sandbox) -> list[str]:
    return [redemption["transacId"] for redemption in (await sandbox.records())["redemptions"]]


async def unknown_redemption(gql: GraphQLClient, tenant: TenantFixture, sandbox: Sandbox, bar_code: str,
                             fault: dict) -> str:
    """Redeems a winning ticket under `fault`; asserts it is UNKNOWN with nothing paid; its reward id."""
    await sandbox.ticket(bar_code, "WIN", PRIZE_FEN)
    await log_in(gql, tenant)
    await sandbox.faults(**fault)
    result = await redeem(gql, tenant.operator, bar_code, "k1")
    reward = result["reward"]
    assert (reward["status"], reward["transfers"], result["userErrors"]) == ("UNKNOWN", [], [])
    assert await wallet_fen("m1") == 0
    return str(reward["id"])


@pytest.mark.parametrize("commit", [True, False], ids=["committed", "not-committed"])
@pytest.mark.parametrize("code", [*MAY_HAVE_HAPPENED, "4242"])
async def test_an_answer_that_may_hide_a_redemption_is_unknown_until_sync_pays_it_once(
        gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox, code: str, commit: bool) -> None:
    reward_id = await unknown_redemption(gql, connected, sandbox, "T-MAY-1",
                                         {"mode": "code", "code": code, "commit": commit})
    assert len(await gateway_transactions(sandbox)) == (1 if commit else 0)
    other = await redeem(gql, connected.operator, "T-MAY-1", "k2", member="m2")
    assert [e["code"] for e in other["userErrors"]] == ["TICKET_IN_PROGRESS"]  # the ticket stays held

    settled = (await sync(gql, connected.operator, reward_id))["reward"]

    assert (settled["status"], settled["amount"]["amount"]) == ("ISSUED", str(PRIZE_FEN))
    [transaction] = await gateway_transactions(sandbox)
    # Committed: the resubmission's 1307 named our first transaction. Not: the resubmission redeemed it.
    assert transaction.endswith("00" if commit else "01")
    assert (await sync(gql, connected.operator, reward_id))["reward"]["status"] == "ISSUED"
    assert await wallet_fen("m1") == PRIZE_FEN and await Transfer.all().count() == 1
    assert (await audit(connected.id)).ok


@pytest.mark.parametrize("code", ["16", "17", "1016"])
async def test_a_refused_token_is_dropped_and_the_ticket_is_paid_once_after_a_new_login(
        gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox, code: str) -> None:
    await sandbox.ticket("T-TOK-1", "WIN", PRIZE_FEN)
    await log_in(gql, connected)
    await sandbox.faults("code", code=code, commit=False)
    result = await redeem(gql, connected.operator, "T-TOK-1", "k1")
    assert (result["reward"]["status"], result["userErrors"]) == ("ISSUED", [])
    assert len(await gateway_transactions(sandbox)) == 1
    assert await wallet_fen("m1") == PRIZE_FEN


async def test_when_nothing_happened_and_the_resubmission_is_refused_the_ticket_is_released(
        gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox) -> None:
    reward_id = await unknown_redemption(gql, connected, sandbox, "T-REL-1",
                                         {"mode": "code", "code": "1002", "commit": False})
    await sandbox.rules(enabled=False)  # the resubmission gets 10031; getPrize then says: no redemption (3202)
    assert (await sync(gql, connected.operator, reward_id))["reward"]["status"] == "FAILED"
    await sandbox.rules(enabled=True)
    again = await redeem(gql, connected.operator, "T-REL-1", "k2")
    assert again["reward"]["status"] == "ISSUED" and await wallet_fen("m1") == PRIZE_FEN


async def test_a_resubmission_refused_for_a_reason_that_says_nothing_of_the_ticket_keeps_it_unknown(
        gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox) -> None:
    reward_id = await unknown_redemption(gql, connected, sandbox, "T-REF-1",
                                         {"mode": "code", "code": "1002", "commit": True})
    await sandbox.faults("code", 2, code="24")  # the resubmission and getPrize: wrong user name or password
    assert (await sync(gql, connected.operator, reward_id))["reward"]["status"] == "UNKNOWN"
    assert await wallet_fen("m1") == 0
    assert (await sync(gql, connected.operator, reward_id))["reward"]["status"] == "ISSUED"
    assert await wallet_fen("m1") == PRIZE_FEN


@pytest.mark.parametrize(("station", "status"), [(STATION, "NEEDS_ATTENTION"), (OTHER_STATION, "FAILED")])
async def test_redeemed_by_another_transaction_while_ours_was_unanswered(
        gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox, station: str, status: str) -> None:
    reward_id = await unknown_redemption(gql, connected, sandbox, "T-OTH-1", {"mode": "http500"})
    elsewhere = Gateway(sandbox.http, await sandbox.config())  # another program with the station's account
    reply = await elsewhere.redeem(await elsewhere.token(station), "T-OTH-1", transac_id="99202611241200000001")
    assert reply["ret"] == "1301"

    settled = (await sync(gql, connected.operator, reward_id))["reward"]

    # At our station, the gateway's word is all that says our unanswered attempt was not the one that
    # cashed the ticket there: a person checks. At another station, ours cannot have redeemed it.
    assert (settled["status"], settled["transfers"]) == (status, [])
    assert await wallet_fen("m1") == 0
    later = await redeem(gql, connected.operator, "T-OTH-1", "k2", member="m2")
    expected = "TICKET_IN_PROGRESS" if status == "NEEDS_ATTENTION" else "PROVIDER_REJECTED"
    assert [e["code"] for e in later["userErrors"]] == [expected]


async def test_a_ticket_the_gateway_redeemed_under_another_of_our_rewards_needs_attention(
        gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox) -> None:
    """Rewards recorded FAILED before issue 10 although the gateway had redeemed the ticket: a rescan's
    1307 names that reward's transaction, so the station was paid for a ticket the ledger never paid."""
    await sandbox.ticket("T-OLD-1", "WIN", PRIZE_FEN)
    await log_in(gql, connected)
    await sandbox.faults("code", code="1039", commit=True)  # a refusal, yet the gateway kept the redemption
    first = await redeem(gql, connected.operator, "T-OLD-1", "k1")
    assert first["reward"]["status"] == "FAILED"

    rescan = await redeem(gql, connected.operator, "T-OLD-1", "k2")

    assert (rescan["reward"]["status"], rescan["reward"]["transfers"]) == ("NEEDS_ATTENTION", [])
    assert await wallet_fen("m1") == 0 and len(await gateway_transactions(sandbox)) == 1
