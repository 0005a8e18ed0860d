"""The sandbox answers in the shapes the sources print: a prize as seed 000's 返回结果 (awardInfo at the top
level, all fourteen of its fields), every refusal and code as PROTOCOLS.md §0's live BC0024, a backendToken
as its live answer; it sends the seed's request fields; and it answers any code on demand ("code" faults)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import httpx
import pytest

from ledger.ports import Accepted, Rejected, Unknown
from providers.unionpay import codes
from providers.unionpay.client import UnionPayClient
from providers.unionpay.settings import parse_settings
from providers.unionpay.signing import backend_token_signature, verify_response
from providers.unionpay.wire import qual_reduce_body
from tests.allinpay_seed import shape
from tests.unionpay_seed import (
    SEED_TIME,
    answer_fields,
    award_fields,
    refused_answer,
    request_fields,
    seed_answer_shape,
    token_answer,
)
from tests.unionpay_support import COUPON, RED_PACKET, draws, order, set_fault, set_pool


async def raw_draw(sandbox_url: str, config: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What the sandbox sends back for one signed qual.reduce, as JSON, signature checked and dropped."""
    settings = parse_settings(config)
    body = qual_reduce_body(settings, order(**changes).business_fields(), secrets.token_hex(8), int(time.time()))
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{sandbox_url}/qual.reduce", json=body)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    answer = dict(json.loads(response.content))
    assert verify_response(answer, settings.provider_public_key_pem)
    del answer["signature"]  # the sandbox's one addition (ASSUMPTION, signing.py)
    return answer


@pytest.mark.parametrize("awards", [RED_PACKET, COUPON], ids=["red-packet", "mall-coupon"])
async def test_a_prize_has_the_seeds_shape_field_for_field(control: httpx.AsyncClient, sandbox_url: str,
                                                           config: dict[str, Any], awards: Any) -> None:
    await set_pool(control, awards)
    answer = await raw_draw(sandbox_url, config)
    assert shape(answer) == seed_answer_shape()
    assert list(answer) == answer_fields() and list(answer["awardInfo"]) == award_fields()
    assert answer["resp"] == "00" and answer["transNumber"] == "T0001" and SEED_TIME.match(answer["respTime"])
    assert answer["awardInfo"]["awardType"] == awards[0]["awardType"]


async def test_a_refusal_a_blank_and_a_code_have_the_live_refusals_shape(control: httpx.AsyncClient,
                                                                         sandbox_url: str,
                                                                         config: dict[str, Any]) -> None:
    refusal_shape = shape(refused_answer())
    unknown_activity = await raw_draw(sandbox_url, config, activity_number="NOPE")
    await set_pool(control, [], no_award_weight=1)
    blank = await raw_draw(sandbox_url, config)
    await set_fault(control, mode="code", code="GCUP06045")
    coded = await raw_draw(sandbox_url, config, trans_number="T0002")
    for answer, code in ((unknown_activity, codes.ACTIVITY_MISMATCH), (blank, codes.NO_AWARD), (coded, "GCUP06045")):
        assert shape(answer) == refusal_shape and answer["resp"] == code and answer["params"] == {}


async def test_a_backend_token_has_the_live_answers_shape(sandbox_url: str, config: dict[str, Any]) -> None:
    nonce, stamp = "n" * 16, str(int(time.time()))
    body = {"appId": config["appId"], "nonceStr": nonce, "timestamp": stamp,
            "signature": backend_token_signature(config["appId"], nonce, config["backendSecret"], stamp)}
    async with httpx.AsyncClient() as http:
        answer = (await http.post(f"{sandbox_url}/backendToken", json=body)).json()
    del answer["signature"]
    assert shape(answer) == shape(token_answer()) and answer["params"]["expiresIn"] == 7200


def test_the_request_carries_the_seeds_fields(config: dict[str, Any]) -> None:
    body = qual_reduce_body(parse_settings(config), order(cert_id=None).business_fields(), "n", 1)
    fields = request_fields()
    assert set(fields) | {"appId", "nonceStr", "timestamp", "signature"} == set(body)
    assert all(body[name] for name, required in fields.items() if required)
    assert body["orderAmount"] == body["certId"] == body["icTerminal"] == body["qrCode"] == ""


def test_the_sandbox_config_says_it_replays(config: dict[str, Any]) -> None:
    assert config["replaySameTransNumber"] is True
    assert parse_settings(config).replay_same_trans_number


# ---- mode "code" ----


async def test_an_uncommitted_code_draws_nothing(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET, qualifications=1)
    await set_fault(control, mode="code", code=codes.TRANS_NUMBER_REUSED, commit=False, count=2)
    for trans in ("T1", "T2"):
        outcome = await client.draw(order(trans))
        assert isinstance(outcome, Unknown) and codes.TRANS_NUMBER_REUSED in outcome.reason
    assert await draws(control) == []
    assert isinstance(await client.draw(order("T3")), Accepted)  # the one qualification is still there


async def test_a_committed_code_draws_first_and_keeps_the_draw(control: httpx.AsyncClient,
                                                                client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET, qualifications=1)
    await set_fault(control, mode="code", code="ZZ999", commit=True)
    assert isinstance(await client.draw(order()), Unknown)
    [record] = await draws(control)
    assert (record["transNumber"], record["awardValue"]) == ("T0001", 188)
    refused = await client.draw(order("T0002"))  # the qualification was used
    assert isinstance(refused, Rejected) and refused.code == codes.NO_QUALIFICATION


async def test_a_code_fault_is_shown_and_refused_when_malformed(control: httpx.AsyncClient) -> None:
    shown = (await control.post("/_control/faults", json={"mode": "code", "code": "BC0024", "count": 3})).json()
    assert shown == {"mode": "code", "count": 3, "code": "BC0024", "commit": False}
    for bad in ({"mode": "code"}, {"mode": "code", "code": ""}, {"mode": "code", "code": "1", "commit": "yes"}):
        assert (await control.post("/_control/faults", json=bad)).status_code == 400
