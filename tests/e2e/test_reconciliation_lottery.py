"""Reconciling the instant-lottery gateway's day: every way its feed can differ from the ledger is found once,
with both sides' evidence; each resolution moves value once, through a new linked transfer; the audit stays
clean."""

from __future__ import annotations

import pytest

from ledger.services.audit import audit
from tests.lottery_support import Sandbox, redeem
from tests.reconciliation_support import (
    DISCREPANCIES,
    Staging,
    balance,
    by_kind,
    resolve,
    run_reconciliation,
    transac_id_of,
)
from tests.support import GraphQLClient, TenantFixture, ledger_snapshot

STATION_CASH = "instant-lottery:21010001"


@pytest.fixture
async def staged_day(gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox) -> dict[str, str]:
    """A day on which the gateway and the ledger agree on one ticket and differ on four, one way each."""
    staging = Staging(sandbox)
    tickets = {"ok": ("T-OK", "WIN", 800, "m1"), "amend": ("T-AMEND", "WIN", 1_000, "m2"),
               "forget": ("T-FORGET", "WIN", 500, "m3"), "lose": ("T-LOSE", "LOSE", 0, "m4")}
    rewards = {}
    for name, (bar_code, outcome, prize, member) in tickets.items():
        await sandbox.ticket(bar_code, outcome, prize)
        redeemed = await redeem(gql, connected.operator, bar_code, f"k-{name}", member=member)
        assert redeemed["userErrors"] == [], redeemed
        rewards[name] = redeemed["reward"]["id"]
    await staging.amend(await transac_id_of(rewards["amend"]), 1_500)         # AMOUNT_MISMATCH
    await staging.forget(await transac_id_of(rewards["forget"]))              # MISSING_AT_PROVIDER
    await staging.add("T-LOSE", 2_000, "m4", transacId=await transac_id_of(rewards["lose"]))  # STATUS_MISMATCH
    await staging.add("T-STRANGER", 3_000, "U9")                              # MISSING_IN_LEDGER
    return rewards


async def test_a_day_differing_in_each_of_the_four_ways_gives_exactly_four_discrepancies(gql, connected, staged_day):
    result = await run_reconciliation(gql, connected.admin)

    run = result["reconciliationRun"]
    assert result["userErrors"] == []
    assert (run["status"], run["matchedCount"], run["matchedAmount"]["amount"], run["discrepancyCount"]) == \
        ("SUCCEEDED", 1, "800", 4)
    found = by_kind(run["discrepancies"]["nodes"])
    assert sorted(found) == ["AMOUNT_MISMATCH", "MISSING_AT_PROVIDER", "MISSING_IN_LEDGER", "STATUS_MISMATCH"]
    for discrepancy in found.values():
        assert discrepancy["status"] == "OPEN" and discrepancy["provider"] == "instant-lottery"
        assert set(discrepancy["evidence"]) == {"provider", "ledger"}
    amount = found["AMOUNT_MISMATCH"]
    assert (amount["ledgerAmount"]["amount"], amount["providerAmount"]["amount"]) == ("1000", "1500")
    assert amount["reference"] == await transac_id_of(staged_day["amend"])
    assert amount["evidence"]["provider"]["ticketNo"] and amount["evidence"]["ledger"]["rewardId"]
    missing_there = found["MISSING_AT_PROVIDER"]
    assert (missing_there["ledgerAmount"]["amount"], missing_there["providerAmount"]) == ("500", None)
    assert missing_there["evidence"]["provider"]["listed"] is False
    status = found["STATUS_MISMATCH"]
    assert (status["ledgerStatus"], status["providerStatus"], status["providerAmount"]["amount"]) == \
        ("NOT_WON", "REDEEMED", "2000")
    stranger = found["MISSING_IN_LEDGER"]
    assert (stranger["reward"], stranger["ledgerAmount"], stranger["providerAmount"]["amount"]) == (None, None, "3000")
    assert stranger["evidence"]["ledger"]["found"] is False and stranger["evidence"]["provider"]["stationId"]


async def test_running_the_day_again_finds_them_again_but_adds_none(gql, connected, staged_day):
    first = (await run_reconciliation(gql, connected.admin))["reconciliationRun"]
    again = (await run_reconciliation(gql, connected.admin))["reconciliationRun"]

    assert (again["discrepancyCount"], again["counts"]["newDiscrepancies"]) == (4, 0)
    assert first["counts"]["newDiscrepancies"] == 4
    listed = (await gql(DISCREPANCIES, token=connected.operator))["discrepancies"]
    assert listed["totalCount"] == 4


async def test_each_resolution_moves_value_once_and_the_ledger_then_agrees(gql, connected, staged_day):
    found = by_kind((await run_reconciliation(gql, connected.admin))["reconciliationRun"]["discrepancies"]["nodes"])
    station_before = await balance("STATION_CASH", owner=STATION_CASH)

    paid = await resolve(gql, connected.admin, found["STATUS_MISMATCH"]["id"], "ACCEPT_PROVIDER", "r-status")
    assert paid["userErrors"] == []
    assert (paid["transfer"]["amount"]["amount"], paid["transfer"]["debitAccount"]["kind"],
            paid["transfer"]["creditAccount"]) == ("2000", "STATION_CASH", {"kind": "MEMBER_WALLET", "memberId": "m4"})
    assert (paid["discrepancy"]["reward"]["status"], paid["discrepancy"]["resolution"]) == ("ISSUED", "ACCEPT_PROVIDER")
    assert paid["discrepancy"]["resolvedBy"].startswith("apiKey:")
    replayed = await resolve(gql, connected.admin, found["STATUS_MISMATCH"]["id"], "ACCEPT_PROVIDER", "r-status")
    assert replayed["transfer"]["id"] == paid["transfer"]["id"]
    twice = await resolve(gql, connected.admin, found["STATUS_MISMATCH"]["id"], "ACCEPT_PROVIDER", "r-status-2")
    assert [e["code"] for e in twice["userErrors"]] == ["INVALID_STATE"]
    assert await balance("MEMBER_WALLET", member="m4") == 2_000

    topped_up = await resolve(gql, connected.admin, found["AMOUNT_MISMATCH"]["id"], "ACCEPT_PROVIDER", "r-amount")
    assert topped_up["transfer"]["amount"]["amount"] == "500"
    assert topped_up["discrepancy"]["reward"]["amount"]["amount"] == "1500"
    assert await balance("MEMBER_WALLET", member="m2") == 1_500

    taken_back = await resolve(gql, connected.admin, found["MISSING_AT_PROVIDER"]["id"], "ACCEPT_PROVIDER", "r-gone")
    assert (taken_back["transfer"]["amount"]["amount"], taken_back["transfer"]["creditAccount"]["kind"]) == \
        ("500", "STATION_CASH")
    assert taken_back["discrepancy"]["reward"]["status"] == "VOIDED"
    assert taken_back["discrepancy"]["transfer"]["reverses"] is not None  # the reversal of the prize's payment
    assert await balance("MEMBER_WALLET", member="m3") == 0

    refused = await resolve(gql, connected.admin, found["MISSING_IN_LEDGER"]["id"], "ACCEPT_PROVIDER", "r-stranger")
    assert [e["code"] for e in refused["userErrors"]] == ["INVALID_INPUT"]
    assert "WRITE_OFF" in refused["userErrors"][0]["message"]
    written_off = await resolve(gql, connected.admin, found["MISSING_IN_LEDGER"]["id"], "WRITE_OFF", "r-stranger-2")
    assert (written_off["transfer"]["debitAccount"]["kind"], written_off["transfer"]["creditAccount"]["kind"],
            written_off["transfer"]["amount"]["amount"]) == ("STATION_CASH", "WRITE_OFF", "3000")

    # The station paid 2,000 + 500 - 500 (taken back) + 3,000 (written off) more than before.
    assert await balance("STATION_CASH", owner=STATION_CASH) == station_before - 5_000
    assert await balance("WRITE_OFF") == 3_000
    assert (await audit()).ok

    again = (await run_reconciliation(gql, connected.admin))["reconciliationRun"]
    assert (again["matchedCount"], again["matchedAmount"]["amount"]) == (3, "4300")
    assert (again["discrepancyCount"], again["counts"]["newDiscrepancies"]) == (1, 0)  # the written-off stranger
    assert {d["status"] for d in again["discrepancies"]["nodes"]} == {"RESOLVED"}


async def test_accepting_the_ledger_moves_nothing_and_a_note_is_required(gql, connected, staged_day):
    found = by_kind((await run_reconciliation(gql, connected.admin))["reconciliationRun"]["discrepancies"]["nodes"])
    blank = await resolve(gql, connected.admin, found["AMOUNT_MISMATCH"]["id"], "ACCEPT_LEDGER", "r-1", note="  ")
    assert [(e["code"], e["field"]) for e in blank["userErrors"]] == [("INVALID_INPUT", ["input", "note"])]

    kept = await resolve(gql, connected.admin, found["AMOUNT_MISMATCH"]["id"], "ACCEPT_LEDGER", "r-2",
                         note="the gateway's amendment was its own error")
    assert kept["userErrors"] == [] and kept["transfer"] is None
    assert (kept["discrepancy"]["status"], kept["discrepancy"]["note"]) == \
        ("RESOLVED", "the gateway's amendment was its own error")
    assert await balance("MEMBER_WALLET", member="m2") == 1_000


PREVIEW = """query($id: ID!, $resolution: DiscrepancyResolution!) { node(id: $id) { ... on Discrepancy {
  resolutionPreview(resolution: $resolution) { resolution rewardStatus refusal { code message }
    transfer { amount { amount } state debitAccount { kind memberId } creditAccount { kind memberId } } } } } }"""


async def preview(gql: GraphQLClient, token: str, discrepancy_id: str, resolution: str) -> dict:
    data = await gql(PREVIEW, {"id": discrepancy_id, "resolution": resolution}, token=token)
    return data["node"]["resolutionPreview"]


async def test_a_preview_shows_the_very_transfer_a_resolution_then_makes_and_changes_nothing(
        gql, connected, staged_day):
    found = by_kind((await run_reconciliation(gql, connected.admin))["reconciliationRun"]["discrepancies"]["nodes"])
    before = await ledger_snapshot()
    previews = {(kind, resolution): await preview(gql, connected.operator, found[kind]["id"], resolution)
                for kind in found for resolution in ("ACCEPT_PROVIDER", "ACCEPT_LEDGER", "WRITE_OFF")}
    assert await ledger_snapshot() == before  # eleven previews, nothing moved, no event appended

    assert previews[("MISSING_IN_LEDGER", "ACCEPT_PROVIDER")]["refusal"]["code"] == "INVALID_INPUT"
    assert all(p["transfer"] is None and p["refusal"] is None for (_, resolution), p in previews.items()
               if resolution == "ACCEPT_LEDGER")
    status = previews[("STATUS_MISMATCH", "ACCEPT_PROVIDER")]
    assert (status["rewardStatus"], status["transfer"]) == ("ISSUED", {
        "amount": {"amount": "2000"}, "state": "POSTED", "debitAccount": {"kind": "STATION_CASH", "memberId": None},
        "creditAccount": {"kind": "MEMBER_WALLET", "memberId": "m4"}})

    for kind, resolution in (("STATUS_MISMATCH", "ACCEPT_PROVIDER"), ("AMOUNT_MISMATCH", "ACCEPT_PROVIDER"),
                             ("MISSING_AT_PROVIDER", "ACCEPT_PROVIDER"), ("MISSING_IN_LEDGER", "WRITE_OFF")):
        planned = previews[(kind, resolution)]
        done = await resolve(gql, connected.admin, found[kind]["id"], resolution, f"p-{kind}")
        assert done["userErrors"] == [], done
        made = done["transfer"]
        assert (made["amount"]["amount"], made["debitAccount"]["kind"], made["creditAccount"]["kind"]) == \
            (planned["transfer"]["amount"]["amount"], planned["transfer"]["debitAccount"]["kind"],
             planned["transfer"]["creditAccount"]["kind"]), kind
        if planned["rewardStatus"]:
            assert done["discrepancy"]["reward"]["status"] == planned["rewardStatus"], kind
        resolved = await preview(gql, connected.operator, found[kind]["id"], resolution)
        assert resolved["refusal"]["code"] == "INVALID_STATE"
    assert (await audit()).ok
