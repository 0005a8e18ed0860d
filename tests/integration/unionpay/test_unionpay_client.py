"""The UnionPay adapter against the sandbox backend over real HTTP: prizes, blanks, refusals, faults and
settling them by re-sending the same transNumber, a reused transNumber, wrong keys, and logs."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, RewardSnapshot, Unknown
from providers.unionpay import codes
from providers.unionpay.client import UnionPayClient
from providers.unionpay.crypto import generate_symmetric_key_hex
from providers.unionpay.settings import parse_settings
from providers.unionpay.signing import generate_test_keypair
from tests.unionpay_support import (
    CERT_ID,
    COUPON,
    MOBILE,
    RED_PACKET,
    draws,
    make_client,
    order,
    set_pool,
    snapshot,
)

# ---- draws ----


async def test_red_packet_award(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET)
    outcome = await client.draw(order())
    assert isinstance(outcome, Accepted) and outcome.status is RewardStatus.ISSUED and outcome.amount == 188
    assert outcome.refs == {"transNumber": "T0001"}
    assert outcome.details["awardType"] == "06" and outcome.details["awardName"]
    assert "extAcctId" not in outcome.details
    [record] = await draws(control)
    assert record["transNumber"] == "T0001" and (record["awardType"], record["awardValue"]) == ("06", 188)
    assert MOBILE not in str(record) and record["qualValue"] == "138****00"


async def test_mall_coupon_award(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, COUPON)
    outcome = await client.draw(order(order_amount_fen=5000, ic_terminal="T1", qr_code="QR1"))
    assert isinstance(outcome, Accepted) and outcome.status is RewardStatus.ISSUED and outcome.amount == 2
    details = outcome.details
    assert (details["awardType"], details["awardName"], details["extAcctId"]) == ("07", "满50减10", "CPN-9")
    assert details["couponStartDate"] and details["couponEndDate"] and details["goodsUrl"] and details["description"]


async def test_no_award(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, [], no_award_weight=1)
    outcome = await client.draw(order(cert_id=None))
    assert outcome == Accepted(status=RewardStatus.NOT_WON, amount=0, refs={"transNumber": "T0001"}, details={})
    [record] = await draws(control)
    assert record["awardType"] is None


async def test_seeded_draws_repeat_after_reset(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    awards = [{"awardType": "06", "awardValue": v, "weight": 1} for v in (100, 200, 300)]

    async def run() -> list[Any]:
        await control.post("/_control/reset")
        await set_pool(control, awards, no_award_weight=1, qualifications=1)
        results = [await client.draw(order(f"S{n}", qual_value=f"1390000000{n}")) for n in range(8)]
        return [getattr(result, "amount", None) for result in results]

    assert await run() == await run()


# ---- refusals ----


async def test_no_qualification_left(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET, qualifications=1)
    assert isinstance(await client.draw(order("T1")), Accepted)
    outcome = await client.draw(order("T2"))
    assert isinstance(outcome, Rejected) and outcome.code == codes.NO_QUALIFICATION
    assert outcome.status is RewardStatus.FAILED and not outcome.retryable
    # another value has its own qualifications
    assert isinstance(await client.draw(order("T3", qual_value="13900139000")), Accepted)


async def test_unknown_activity(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET)
    outcome = await client.draw(order(activity_number="OTHER"))
    assert isinstance(outcome, Rejected) and outcome.code == codes.ACTIVITY_MISMATCH and not outcome.retryable


async def test_stale_timestamp_is_bc0024(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET)
    (await control.post("/_control/clock", json={"advanceSeconds": 3600})).raise_for_status()
    outcome = await client.draw(order())
    assert isinstance(outcome, Rejected) and outcome.code == codes.ILLEGAL_REQUEST and outcome.retryable
    assert await draws(control) == []


async def test_wrong_private_key_is_bc0025(control: httpx.AsyncClient, config: dict[str, Any],
                                           http: httpx.AsyncClient) -> None:
    await set_pool(control, RED_PACKET)
    wrong = make_client(config, http, privateKeyPem=generate_test_keypair(1024)[0])
    outcome = await wrong.draw(order())
    assert isinstance(outcome, Rejected) and outcome.code == codes.SIGNATURE_INVALID and not outcome.retryable
    assert await draws(control) == []


async def test_wrong_symmetric_key_is_bc0025(control: httpx.AsyncClient, config: dict[str, Any],
                                             http: httpx.AsyncClient) -> None:
    await set_pool(control, RED_PACKET)
    wrong = make_client(config, http, symmetricKey=generate_symmetric_key_hex())
    outcome = await wrong.draw(order())
    assert isinstance(outcome, Rejected) and outcome.code == codes.SIGNATURE_INVALID


async def test_wrong_app_id(control: httpx.AsyncClient, config: dict[str, Any], http: httpx.AsyncClient) -> None:
    await set_pool(control, RED_PACKET)
    outcome = await make_client(config, http, appId="someone-else").draw(order())
    assert isinstance(outcome, Rejected) and outcome.code == codes.APP_ID_UNKNOWN


async def test_wrong_provider_key_makes_answers_unverifiable(control: httpx.AsyncClient, config: dict[str, Any],
                                                             http: httpx.AsyncClient) -> None:
    await set_pool(control, RED_PACKET)
    wrong = make_client(config, http, providerPublicKeyPem=generate_test_keypair(1024)[1])
    assert isinstance(await wrong.draw(order()), Unknown)
    right = make_client(config, http)
    settled = await right.query_status(snapshot(right, order()))
    assert isinstance(settled, Accepted) and settled.amount == 188
    assert len(await draws(control)) == 1


# ---- repeats ----


async def test_same_trans_number_replays_the_original_answer(control: httpx.AsyncClient,
                                                             client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET + [{"awardType": "06", "awardValue": 500, "weight": 1}])
    first = await client.draw(order())
    again = await client.draw(order())
    assert first == again
    assert len(await draws(control)) == 1


async def test_reused_trans_number_with_other_content_is_refused(control: httpx.AsyncClient,
                                                                 client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET)
    assert isinstance(await client.draw(order()), Accepted)
    outcome = await client.draw(order(qual_value="13900139000"))
    # Refused by the sandbox (SBX002); for the ledger that means "a draw exists under this key": Unknown.
    assert isinstance(outcome, Unknown) and "transNumber" in outcome.reason
    [record] = await draws(control)
    assert record["qualValue"] == "138****00"


# ---- faults, then query_status ----


@pytest.mark.parametrize("mode", ["timeout", "http500", "html", "drop_after_commit", "bad_signature"])
async def test_fault_is_unknown_then_query_status_settles_with_one_draw(
        mode: str, control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, COUPON)
    fault = {"mode": mode, "count": 1, "delaySeconds": 1.5}
    (await control.post("/_control/faults", json=fault)).raise_for_status()
    draw = order()
    first = await client.draw(draw)
    assert isinstance(first, Unknown)
    settled = await client.query_status(snapshot(client, draw))
    assert isinstance(settled, Accepted) and settled.amount == 2 and settled.refs == {"transNumber": "T0001"}
    assert len(await draws(control)) == 1
    assert await client.query_status(snapshot(client, draw)) == settled


async def test_fault_none_clears(control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET)
    await control.post("/_control/faults", json={"mode": "http500", "count": 5})
    (await control.post("/_control/faults", json={"mode": "none"})).raise_for_status()
    assert isinstance(await client.draw(order()), Accepted)


async def test_query_status_without_a_readable_stored_request_is_unknown(config: dict[str, Any],
                                                                         client: UnionPayClient,
                                                                         http: httpx.AsyncClient) -> None:
    empty = RewardSnapshot(id=1, tenant_id=1, member_id="m", amount=0, asset="CNY", provider_refs={}, details={})
    assert isinstance(await client.query_status(empty), Unknown)
    other = make_client(config, http, symmetricKey=generate_symmetric_key_hex())
    assert isinstance(await client.query_status(snapshot(other, order())), Unknown)


async def test_sealed_request_keeps_no_clear_values(client: UnionPayClient) -> None:
    sealed = client.sealed_request(order())
    assert MOBILE not in str(sealed) and CERT_ID not in str(sealed)
    assert client.unseal(sealed["qual_value"]) == MOBILE and client.unseal(sealed["cert_id"]) == CERT_ID


async def test_unreachable_backend_is_unknown(config: dict[str, Any], http: httpx.AsyncClient) -> None:
    closed = make_client(config, http, baseUrl="http://127.0.0.1:9", connectTimeoutSeconds=0.2)
    started = time.monotonic()
    assert isinstance(await closed.draw(order()), Unknown)
    assert time.monotonic() - started < 5


# ---- control contract and logs ----


async def test_config_shape(config: dict[str, Any], sandbox_url: str) -> None:
    assert config["baseUrl"] == sandbox_url
    assert {"baseUrl", "appId", "privateKeyPem", "providerPublicKeyPem", "symmetricKey", "backendSecret"} <= set(config)
    parse_settings(config)


async def test_control_rejects_bad_input(control: httpx.AsyncClient) -> None:
    assert (await control.post("/_control/faults", json={"mode": "meteor"})).status_code == 400
    assert (await control.post("/_control/pools", json={"activityNumber": "A"})).status_code == 400


async def test_logs_carry_no_qualification_value(control: httpx.AsyncClient, client: UnionPayClient,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    await set_pool(control, RED_PACKET)
    caplog.set_level(logging.DEBUG)
    await control.post("/_control/faults", json={"mode": "http500", "count": 1})
    draw = order()
    await client.draw(draw)
    await client.query_status(snapshot(client, draw))
    await client.draw(order(qual_value="13900139000"))
    text = caplog.text + " ".join(str(record.__dict__) for record in caplog.records)
    assert caplog.records
    for secret in (MOBILE, "13900139000", CERT_ID, client.settings.symmetric_key):
        assert secret not in text
