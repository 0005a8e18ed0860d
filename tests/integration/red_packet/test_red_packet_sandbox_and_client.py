"""The red packet client against the sandbox platform over real HTTP (seed 004, PROTOCOLS.md §4): sending to
members and groups, amounts, the packets' life on the sandbox clock, the balance, resend, status refresh,
scan-send, listing and paging, and finding a packet after a lost answer. Faults, auth, logs and control
input are in test_red_packet_faults_and_control.py.

Tests move the sandbox clock instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, RewardSnapshot, Unknown
from providers import registry
from providers.red_packet.client import CLOCK_SKEW_ALLOWANCE, RedPacketClient
from providers.red_packet.records import RedPacketRecord, SendAnswer
from providers.red_packet.sandbox import create_sandbox_app
from providers.red_packet.settings import parse_settings
from tests.red_packet_support import (
    DAY_S,
    SENDING_S,
    Platform,
)
from tests.support import served


def a_while_ago() -> datetime:
    return datetime.now(UTC) - CLOCK_SKEW_ALLOWANCE


async def statuses(client: RedPacketClient, **filters: Any) -> list[tuple[str, int, RewardStatus]]:
    page = await client.list_sends(**filters)
    return [(record.uid, record.status, record.reward_status) for record in page.records]


# ---- the settings a tenant stores ----


async def test_config_connects_a_tenant_and_the_registry_builds_the_client(platform: Platform,
                                                                          platform_url: str) -> None:
    config = await platform.config()
    assert config == {"baseUrl": platform_url, "apiPrefix": "/v1", "projectKey": "sandbox-project-key",
                      "shopId": 30, "authMode": "none"}
    module = registry.module("red-packet")
    assert "red-packet" in registry.provider_names() and module.secret_fields == ("projectKey", "appSignKey")
    async with httpx.AsyncClient() as http:
        built = module.build(7, module.parse_settings(config), http)
        assert isinstance(built, RedPacketClient) and built.name == "red-packet"
        assert await built.send(cash_redpack_id=7, uids=["1001"]) == SendAnswer(send=1, success=1)
    assert module.mask_settings(config)["projectKey"] == "********"


# ---- sending ----


async def test_send_one_and_many(platform: Platform, client: RedPacketClient) -> None:
    assert await client.send(cash_redpack_id=7, uids=["1001"]) == SendAnswer(send=1, success=1)
    assert await client.send(cash_redpack_id=7, uids=["1002", "1003", "1004"], source="LOTTERY") == SendAnswer(3, 3)
    packets = await platform.packets()
    assert [(p["uid"], p["cashRedpackId"], p["amountFen"], p["status"]) for p in packets] == [
        (uid, 7, 100, 5) for uid in ("1001", "1002", "1003", "1004")]
    listed = (await client.list_sends(page_size=10)).records
    # The seed's rows name no source or activity id; a FIXED activity's amount is its one value.
    assert [(r.uid, r.type, r.amount_fen, r.reward_status, r.source, r.cash_redpack_id) for r in listed] == [
        (uid, 1, 100, RewardStatus.PENDING, None, None) for uid in ("1001", "1002", "1003", "1004")]
    assert [r.id for r in (await client.list_sends(source="LOTTERY")).records] == [r.id for r in listed[1:]]
    assert await platform.balance() == 1_000_000 - 400


async def test_fixed_and_random_amounts(platform: Platform, client: RedPacketClient) -> None:
    await platform.activity(8, "FIXED", 888)
    await platform.activity(9, "RANDOM", 100, 200)
    uids = [str(2000 + n) for n in range(40)]
    await client.send(cash_redpack_id=8, uids=uids[:5])
    await client.send(cash_redpack_id=9, uids=uids)
    packets = await platform.packets()
    assert {p["amountFen"] for p in packets if p["cashRedpackId"] == 8} == {888}
    drawn = [p["amountFen"] for p in packets if p["cashRedpackId"] == 9]
    assert all(100 <= amount <= 200 for amount in drawn) and len(set(drawn)) > 5
    listed = await client.list_sends(cash_redpack_id=9, page_size=100)
    # The seed's list rows carry no send_amount: a RANDOM packet's amount is unknown, never its maximum.
    assert [(r.amount_fen, r.min_value_fen, r.max_value_fen) for r in listed.records] == [(None, 100, 200)] * 40
    scanned = await client.scan_send(cash_redpack_id=9, open_id="oTEST_random")  # scan-send's record states it
    assert isinstance(scanned, RedPacketRecord) and scanned.amount_fen == (await platform.packets())[-1]["amountFen"]
    # Seeded: after a reset the same sends draw the same amounts.
    await platform.post("/_control/reset")
    await platform.activity(9, "RANDOM", 100, 200)
    await client.send(cash_redpack_id=9, uids=uids)
    assert [p["amountFen"] for p in await platform.packets()] == drawn


async def test_a_packet_lives_sending_unclaimed_claimed(platform: Platform, client: RedPacketClient) -> None:
    await client.send(cash_redpack_id=7, uids=["1001", "1002"])
    assert await statuses(client) == [("1001", 5, RewardStatus.PENDING), ("1002", 5, RewardStatus.PENDING)]
    assert (await platform.post("/_control/claim", {"uid": "1001"}))["claimed"] == 0  # still sending
    await platform.advance(SENDING_S)
    assert await statuses(client) == [("1001", 2, RewardStatus.ISSUED), ("1002", 2, RewardStatus.ISSUED)]
    assert (await platform.post("/_control/claim", {"uid": "1001"}))["claimed"] == 1
    assert await statuses(client) == [("1001", 3, RewardStatus.CLAIMED), ("1002", 2, RewardStatus.ISSUED)]
    [record] = (await client.list_sends(uid="1001")).records
    assert record.created_at is not None and record.act_name == "红包活动7" and record.nickname == "会员1001"
    assert (record.sent_at, record.mch_billno, record.send_listid) == (None, None, None)  # not in the seed's rows
    scanned = await client.scan_send(cash_redpack_id=7, open_id="oTEST_lives")
    assert isinstance(scanned, RedPacketRecord) and scanned.mch_billno and len(scanned.mch_billno) == 28


async def test_an_unclaimed_packet_is_refunded_after_24_hours(platform: Platform, client: RedPacketClient) -> None:
    await client.send(cash_redpack_id=7, uids=["1001", "1002"])
    await platform.advance(SENDING_S)
    await platform.post("/_control/claim", {"uid": "1002"})
    assert await platform.balance() == 1_000_000 - 200
    await platform.advance(DAY_S - 60)
    assert await statuses(client) == [("1001", 2, RewardStatus.ISSUED), ("1002", 3, RewardStatus.CLAIMED)]
    await platform.advance(60)
    assert await statuses(client) == [("1001", 4, RewardStatus.REFUNDED), ("1002", 3, RewardStatus.CLAIMED)]
    assert await platform.balance() == 1_000_000 - 100  # the refund went back to the merchant
    assert (await platform.post("/_control/claim", {"uid": "1001"}))["claimed"] == 0


async def test_the_default_sandbox_sends_within_a_second_and_limits_ten_a_day() -> None:
    async with served(create_sandbox_app()) as url:
        platform = Platform(url)
        async with httpx.AsyncClient() as http:
            client = RedPacketClient(1, parse_settings(await platform.config()), http)
            assert await client.send(cash_redpack_id=1, uids=["1001"] * 11) == SendAnswer(send=11, success=10)
            await platform.advance(1)
            listed = (await client.list_sends(uid="1001", page_size=20)).records
            assert [r.status for r in listed] == [2] * 10 + [1]
            assert listed[-1].reward_status is RewardStatus.FAILED  # why is not in the seed's rows
            assert [p["status"] for p in await platform.packets()][-1] == 1
        await platform.http.aclose()


async def test_notenough_with_a_low_balance_then_resend(platform: Platform, client: RedPacketClient) -> None:
    await platform.post("/_control/balance", {"amountFen": 150})
    assert await client.send(cash_redpack_id=7, uids=["1001", "1002"]) == SendAnswer(send=2, success=1)
    assert [p["status"] for p in await platform.packets()] == [5, 1]
    assert await platform.balance() == 50
    failed = (await client.list_sends(uid="1002")).records[0]
    assert (failed.reward_status, failed.failure_code) == (RewardStatus.FAILED, None)  # no fail_code in the rows
    scanned = await client.scan_send(cash_redpack_id=7, open_id="oTEST_short")  # scan-send's record says why
    assert isinstance(scanned, RedPacketRecord) and (scanned.status, scanned.failure_code) == (1, "NOTENOUGH")
    still_short = await client.resend(failed.id)
    assert isinstance(still_short, Rejected) and still_short.code == "NOT_RESENT"
    await platform.post("/_control/balance", {"amountFen": 1000})
    resent = await client.resend(failed.id)
    assert isinstance(resent, Accepted) and resent.status is RewardStatus.PENDING
    assert resent.refs == {"recordId": failed.id} and await platform.balance() == 900
    again = await client.resend(failed.id)  # no longer failed: the platform will not pay it twice
    assert isinstance(again, Unknown) and "40003" in again.reason  # only the sandbox's code: may hide a resend
    missing = await client.resend("999")
    assert isinstance(missing, Rejected) and missing.code == "40004"
    assert [p["status"] for p in await platform.packets()] == [5, 5, 1]


async def test_refusals_of_a_whole_send(client: RedPacketClient) -> None:
    unknown_activity = await client.send(cash_redpack_id=404, uids=["1001"])
    assert isinstance(unknown_activity, SendAnswer) and unknown_activity.refusal is not None
    assert (unknown_activity.refusal.code, unknown_activity.send) == ("40004", 0)
    with pytest.raises(ValueError):
        await client.send(cash_redpack_id=7, uids=["not-a-uid"])


async def test_group_sends_and_their_list(platform: Platform, client: RedPacketClient) -> None:
    await platform.post("/_control/groups", {"groupId": 5, "name": "VIP", "uids": ["3001", "3002"]})
    assert await client.send_to_groups(cash_redpack_id=7, group_ids=["1", "5"]) == SendAnswer(send=5, success=5)
    await platform.advance(SENDING_S)
    await platform.post("/_control/claim", {"uid": "3001"})
    groups = await client.list_group_sends()
    assert [(g.group_name, g.group_count, g.received, g.not_received, g.act_name) for g in groups.records] == [
        ("老会员", 3, 0, 3, "红包活动7"), ("VIP", 2, 1, 1, "红包活动7")]
    # The seed's group rows name neither the send nor the group it went to.
    assert {(g.id, g.cash_redpack_id, g.wx_group_id) for g in groups.records} == {(None, None, None)}
    assert (await client.list_group_sends(keyword="VIP")).total_count == 1
    batch = await client.list_sends(group_id=2)  # the sandbox numbers group sends from 1
    assert [(r.uid, r.status) for r in batch.records] == [("3001", 3), ("3002", 2)]
    unknown = await client.send_to_groups(cash_redpack_id=7, group_ids=["99"])
    assert isinstance(unknown, SendAnswer) and unknown.refusal is not None and unknown.refusal.code == "40004"


async def test_update_claim_status_returns_the_fresh_record(platform: Platform, client: RedPacketClient) -> None:
    await client.send(cash_redpack_id=7, uids=["1001", "1002"])
    [first, _] = (await client.list_sends()).records
    await platform.advance(SENDING_S)
    await platform.post("/_control/claim", {"uid": "1001"})
    fresh = await client.update_claim_status(first.id)
    assert isinstance(fresh, RedPacketRecord) and (fresh.id, fresh.status) == (first.id, 3)
    assert await client.update_claim_status("999") is None
    snapshot = RewardSnapshot(id=1, tenant_id=1, member_id="1001", amount=100, asset="CNY",
                              provider_refs={"recordId": first.id}, details={})
    outcome = await client.query_status(snapshot)
    assert isinstance(outcome, Accepted) and (outcome.status, outcome.amount) == (RewardStatus.CLAIMED, 100)
    assert isinstance(await client.query_status(RewardSnapshot(**{**vars(snapshot), "provider_refs": {}})), Unknown)


async def test_scan_send_answers_the_record_it_made(platform: Platform, client: RedPacketClient) -> None:
    scanned = await client.scan_send(cash_redpack_id=7, open_id="oTEST_member_0001")
    assert isinstance(scanned, RedPacketRecord)
    assert (scanned.status, scanned.source, scanned.amount_fen, scanned.cash_redpack_id) == (5, 1, 100, 7)
    assert scanned.re_openid == "oTEST_member_0001"
    again = await client.scan_send(cash_redpack_id=7, open_id="oTEST_member_0001")
    assert isinstance(again, RedPacketRecord) and again.uid == scanned.uid and again.id != scanned.id
    refused = await client.scan_send(cash_redpack_id=404, open_id="oTEST_member_0001")
    assert isinstance(refused, Rejected) and refused.code == "40004"


# ---- listing ----


async def test_list_filters(platform: Platform, client: RedPacketClient) -> None:
    await platform.activity(8, "FIXED", 200)
    await client.send(cash_redpack_id=7, uids=["1001", "1002"], source="3")
    await platform.advance(SENDING_S)
    await platform.post("/_control/claim", {"uid": "1002"})
    middle = datetime.now(UTC) + timedelta(seconds=SENDING_S + 1)
    await platform.advance(60)
    await client.send(cash_redpack_id=8, uids=["1001"], source="GAME")
    assert [r.uid for r in (await client.list_sends(uid="1001")).records] == ["1001", "1001"]
    assert [r.amount_fen for r in (await client.list_sends(cash_redpack_id=8)).records] == [200]
    assert [r.uid for r in (await client.list_sends(status=3)).records] == ["1002"]
    assert [r.amount_fen for r in (await client.list_sends(source="GAME")).records] == [200]
    assert [r.amount_fen for r in (await client.list_sends(since=middle)).records] == [200]
    assert [r.amount_fen for r in (await client.list_sends(until=middle)).records] == [100, 100]
    assert (await client.list_sends(packet_type=2)).records == []
    assert len((await client.list_sends(keyword="会员1001")).records) == 2


async def test_pages_are_capped_at_100(platform: Platform, client: RedPacketClient) -> None:
    await client.send(cash_redpack_id=7, uids=[str(5000 + n) for n in range(130)])
    first = await client.list_sends(page_size=500)
    assert (len(first.records), first.page, first.page_size, first.total_count, first.total_pages) == (
        100, 1, 100, 130, 2)
    assert first.has_next
    second = await client.list_sends(page=2, page_size=500)
    assert (len(second.records), second.page, second.has_next) == (30, 2, False)
    assert {r.id for r in first.records}.isdisjoint(r.id for r in second.records)
    raw = await platform.raw("find-cash-redpack-data-list", {"shop_id": 30, "count": 1000})
    assert (len(raw["data"]), raw["page"]["per_page"]) == (100, 100)  # the platform's own cap


async def test_find_records_walks_every_page(platform: Platform, client: RedPacketClient) -> None:
    await client.send(cash_redpack_id=7, uids=["1001"])  # before `since`
    await platform.advance(3600)
    since = datetime.now(UTC) + timedelta(seconds=3600)
    await client.send(cash_redpack_id=7, uids=["1001"] * 120)
    await client.send(cash_redpack_id=7, uids=["1002"] * 3)
    await platform.activity(8)
    await client.send(cash_redpack_id=8, uids=["1001"])
    before = await platform.calls()
    found = await client.find_records(uid="1001", cash_redpack_id=7, since=since)
    assert await platform.calls() == before + 2  # 120 records: two pages of 100
    assert len(found) == 120 and len({r.id for r in found}) == 120
    assert all(r.uid == "1001" for r in found)  # and not activity 8's: 120, not 121
    assert [int(r.id) for r in found] == sorted(int(r.id) for r in found)
    assert await client.find_records(uid="1003", cash_redpack_id=7, since=since) == []


# ---- faults and lost answers ----


# ---- a lost answer ----


async def test_after_a_dropped_answer_the_packet_is_found_exactly_once(platform: Platform,
                                                                       client: RedPacketClient) -> None:
    since = a_while_ago()
    before = await platform.calls()
    await platform.post("/_control/faults", {"mode": "drop_after_commit", "count": 1})
    assert isinstance(await client.send(cash_redpack_id=7, uids=["1001"]), Unknown)
    assert await platform.calls() == before + 1  # one send call: the client did not send again
    found = await client.find_records(uid="1001", cash_redpack_id=7, since=since)
    packets = await platform.packets()
    assert len(found) == 1 and len(packets) == 1
    assert (found[0].id, found[0].uid, found[0].amount_fen) == (packets[0]["id"], "1001", 100)
