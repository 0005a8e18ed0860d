"""The sandbox answers in the seed's shapes, field for field (tests/fixtures/seeds/red-packet/), and answers
any of the platform's codes on demand (`/_control/faults {"mode": "code", ...}`), with or without having
done the work first. Over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ledger.ports import Unknown
from providers.red_packet import codes
from providers.red_packet.client import CLOCK_SKEW_ALLOWANCE, RedPacketClient
from providers.red_packet.records import SendAnswer
from tests.red_packet_seed import seed_answer, shape_differences
from tests.red_packet_support import SENDING_S, NewClient, Platform

SHOP = {"shop_id": 30}


async def _answers_of_every_endpoint(platform: Platform) -> dict[str, dict[str, Any]]:
    """One answer of each endpoint, with packets in every status behind the lists."""
    await platform.post("/_control/groups", {"groupId": 5, "name": "VIP", "uids": ["3001", "3002"]})
    await platform.post("/_control/balance", {"amountFen": 100})
    short = await platform.raw("send-cash-redpack", {**SHOP, "cash_redpack_id": 7, "uid": [1001, 1002], "source": 6})
    await platform.post("/_control/balance", {"amountFen": 100_000})
    failed_id = next(p["id"] for p in await platform.packets() if p["status"] == 1)
    answers = {
        "send": short,
        "resend": await platform.raw("resend-cash-redpack", {"id": int(failed_id), **SHOP}),
        "group-send": await platform.raw("group-send-cash-redpack",
                                         {**SHOP, "cash_redpack_id": 7, "wx_group_id": 5, "source": 6}),
        "scan-send": await platform.raw("scan-send", {"cash_redpack_id": 7, **SHOP, "open_id": "oTEST_shape"}),
        "update-status": await platform.raw("update-cash-redpack-data-status", {"id": int(failed_id), **SHOP}),
    }
    await platform.advance(SENDING_S)
    await platform.post("/_control/claim", {"uid": "3001"})
    answers["list-sends"] = await platform.raw("find-cash-redpack-data-list", {**SHOP, "count": 100})
    answers["list-group-sends"] = await platform.raw("find-cash-redpack-group-list", SHOP)
    return answers


async def test_every_platform_answer_has_the_seeds_shape(platform: Platform) -> None:
    answers = await _answers_of_every_endpoint(platform)
    for name, answer in answers.items():
        assert answer["errcode"] == 0, (name, answer)
        assert shape_differences(answer, seed_answer(name)) == [], name
    assert len(answers["list-sends"]["data"]) == 5 and len(answers["list-group-sends"]["data"]) == 1
    statuses = {row["status"] for row in answers["list-sends"]["data"]}
    assert statuses == {"2", "3"} and answers["scan-send"]["data"]["redpackData"]["status"] == 5


async def test_a_list_row_is_exactly_the_seeds_ten_fields(platform: Platform) -> None:
    await platform.activity(9, "RANDOM", 100, 500)
    await platform.raw("send-cash-redpack", {**SHOP, "cash_redpack_id": 9, "uid": 1001, "source": 6})
    [row] = (await platform.raw("find-cash-redpack-data-list", SHOP))["data"]
    assert list(row) == list(seed_answer("list-sends")["data"][0])
    assert "send_amount" not in row and (row["type"], row["min_value"], row["max_value"]) == ("2", "100", "500")


@pytest.mark.parametrize(("code", "commit"), [("40100", False), ("40100", True), ("99999", True), ("40003", False)])
async def test_a_code_that_may_hide_packets_is_unknown_and_commit_decides_whether_they_exist(
        platform: Platform, client: RedPacketClient, code: str, commit: bool) -> None:
    shown = await platform.post("/_control/faults", {"mode": "code", "code": code, "commit": commit, "count": 1})
    assert shown == {"mode": "code", "count": 1, "code": code, "commit": commit}
    since = datetime.now(UTC) - CLOCK_SKEW_ALLOWANCE
    answer = await client.send(cash_redpack_id=7, uids=["1001"])
    assert isinstance(answer, Unknown) and f"errcode {code}" in answer.reason
    assert len(await platform.packets()) == (1 if commit else 0)
    found = await client.find_records(uid="1001", cash_redpack_id=7, since=since)
    assert len(found) == (1 if commit else 0)
    assert await client.send(cash_redpack_id=7, uids=["1002"]) == SendAnswer(send=1, success=1)  # fault used up


async def test_the_code_answer_is_the_platforms_envelope(platform: Platform) -> None:
    await platform.post("/_control/faults", {"mode": "code", "code": "50001", "count": 2})
    body = {**SHOP, "cash_redpack_id": 7, "uid": 1001, "source": 6}
    answer = await platform.raw("send-cash-redpack", body)
    assert answer == {"errcode": 50001, "errmsg": codes.ERRCODES["50001"].meaning_zh, "data": None}
    assert (await platform.raw("scan-send", {"cash_redpack_id": 7, **SHOP, "open_id": "oX"}))["errcode"] == 50001
    assert (await platform.raw("send-cash-redpack", body))["errcode"] == 0
    assert len(await platform.packets()) == 1


async def test_a_refused_code_is_a_refusal_and_every_send_route_answers_codes(platform: Platform,
                                                                            client: RedPacketClient) -> None:
    await platform.post("/_control/faults", {"mode": "code", "code": "50001"})
    refused = await client.send(cash_redpack_id=7, uids=["1001"])
    assert isinstance(refused, SendAnswer) and refused.refusal is not None and refused.refusal.code == "50001"
    await platform.post("/_control/faults", {"mode": "code", "code": "40100", "commit": True, "count": 3})
    assert isinstance(await client.send_to_groups(cash_redpack_id=7, group_ids=["2"]), Unknown)
    assert isinstance(await client.scan_send(cash_redpack_id=7, open_id="oTEST_code"), Unknown)
    assert isinstance(await client.resend("1"), Unknown)
    assert len(await platform.packets()) == 2 + 1  # the group's two and the scan's one were made


async def test_a_tenant_that_names_its_platforms_refusals_gets_them_as_refusals(
        platform: Platform, new_client: NewClient) -> None:
    client = new_client(refusedErrcodes=[40100])
    await platform.post("/_control/faults", {"mode": "code", "code": "40100"})
    answer = await client.send(cash_redpack_id=7, uids=["1001"])
    assert isinstance(answer, SendAnswer) and answer.refusal is not None and answer.refusal.code == "40100"
    await platform.post("/_control/faults", {"mode": "code", "code": "50001"})
    assert isinstance(await client.send(cash_redpack_id=7, uids=["1001"]), Unknown)  # no longer named


@pytest.mark.parametrize("body", [{"mode": "code"}, {"mode": "code", "code": ""},
                                  {"mode": "code", "code": "40100", "commit": "yes"}])
async def test_a_code_fault_without_a_code_is_400(platform: Platform, body: dict[str, Any]) -> None:
    response = await platform.http.post("/_control/faults", json=body)
    assert response.status_code == 400 and "error" in response.json()
