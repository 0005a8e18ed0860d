"""The sandbox answers in seed 002's shape, field for field, and can answer any code (`/_control/faults`
mode "code"); the adapter sorts each code into done, refused or may have happened, and settles the last by
re-sending the same orderId, which the sandbox answers with the original result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.allinpay import codes
from providers.allinpay.client import AllinpayClient
from providers.allinpay.settings import parse_settings
from providers.allinpay.wire import request_form
from tests.allinpay_seed import seed_request, seed_response, shape
from tests.allinpay_support import AllinpaySandbox, ClientFactory, order, snapshot_of, to_member


async def raw_json(sandbox: AllinpaySandbox, config: dict[str, Any], biz: dict[str, Any]) -> dict[str, Any]:
    """The gateway's answer to `biz` as it came over the wire, JSON-decoded."""
    form = request_form(parse_settings(config), biz, datetime.now(UTC))
    response = await sandbox.http.post(config["baseUrl"], data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


# ---- the seed's shape ----


async def test_the_answer_to_the_seeds_sample_request_has_the_seeds_sample_answers_shape(
        sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    answered = await raw_json(sandbox, config, {**seed_request(), "orderId": "RL-SEED-1"})
    printed = seed_response()
    assert shape(answered) == shape(printed)  # keys, nesting and types: no msg, shopName null, one entry
    assert list(answered) == list(printed) and list(answered["data"]) == list(printed["data"])
    assert list(answered["data"]["list"][0]) == list(printed["data"]["list"][0])
    assert len(answered["sign"]) == len(printed["sign"])  # RSA-1024, as the seed's
    assert answered["data"]["list"][0]["templateId"] == printed["data"]["list"][0]["templateId"] == 307


async def test_a_member_target_gets_the_seeds_entry_fields_with_a_coupon_number_each(
        sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    biz = {**seed_request(), "num": "3", "orderId": "RL-SEED-2", "idType": "1", "memberId": "13800138000"}
    answered = await raw_json(sandbox, config, biz)
    printed_entry = seed_response()["data"]["list"][0]
    assert len(answered["data"]["list"]) == 3
    for entry in answered["data"]["list"]:
        assert shape(entry) == {**shape(printed_entry), "couponNo": "string", "qrCodeContext": "null"}


async def test_the_seeds_sample_request_as_printed_lacks_the_required_order_id(
        sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    answer = await sandbox.raw_answer(config, seed_request())
    assert answer is not None and (answer.code, answer.msg) == (3, "缺少必填参数orderId")


async def test_a_repeated_order_id_gets_the_original_answer_byte_for_byte(
        sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    biz = {**seed_request(), "orderId": "RL-SEED-3"}
    first, again = await raw_json(sandbox, config, biz), await raw_json(sandbox, config, biz)
    assert again == first and len(await sandbox.orders()) == 1


# ---- the "code" fault ----


async def test_a_code_fault_answers_that_code_signed_in_the_gateways_envelope(
        sandbox: AllinpaySandbox, config: dict[str, Any]) -> None:
    await sandbox.faults("code", count=2, code="9103")
    answered = await raw_json(sandbox, config, {**seed_request(), "orderId": "RL-CODE-1"})
    assert {name: answered[name] for name in ("code", "msg", "data")} == {"code": 9103, "msg": "验签失败",
                                                                         "data": None}
    verified = await sandbox.raw_answer(config, {**seed_request(), "orderId": "RL-CODE-1"})
    assert verified is not None and verified.code == 9103  # signed with the gateway's key
    assert await sandbox.orders() == []


async def test_a_committed_code_fault_issues_first_and_a_resend_gets_the_original_answer(
        sandbox: AllinpaySandbox, client: AllinpayClient) -> None:
    request = to_member(2)
    await sandbox.faults("code", code="500", commit=True)
    assert isinstance(await client.send_coupons(request), Unknown)
    [recorded] = await sandbox.orders()
    settled = await client.query_status(snapshot_of(request))
    assert isinstance(settled, Accepted) and settled.refs["tranNo"] == recorded["tranNo"] and settled.amount == 2
    assert len(await sandbox.orders()) == 1
    assert isinstance(await client.send_coupons(order(98)), Accepted)  # the two left the stock once


async def test_a_text_code_is_no_answer_the_adapter_can_read(sandbox: AllinpaySandbox,
                                                             client: AllinpayClient) -> None:
    await sandbox.faults("code", code="SYSTEM_BUSY")
    assert isinstance(await client.send_coupons(order()), Unknown)


# ---- each kind over HTTP ----


@pytest.mark.parametrize("code", sorted({*codes.REFUSED_BEFORE_PROCESSING, codes.BUSINESS_FAILURE}))
async def test_a_refusal_code_fails_the_first_send_and_issues_nothing(sandbox: AllinpaySandbox,
                                                                      client: AllinpayClient, code: int) -> None:
    await sandbox.faults("code", code=str(code))
    outcome = await client.send_coupons(order())
    assert isinstance(outcome, Rejected) and outcome.code == str(code) and outcome.status is RewardStatus.FAILED
    assert await sandbox.orders() == []


@pytest.mark.parametrize("code", ["1", "2", "4", "500", "9999", "-1"])
@pytest.mark.parametrize("commit", [True, False])
async def test_a_code_the_seed_does_not_explain_is_unknown_and_the_resend_settles_it_once(
        sandbox: AllinpaySandbox, client: AllinpayClient, code: str, commit: bool) -> None:
    request = order(3)
    await sandbox.faults("code", code=code, commit=commit)
    assert isinstance(await client.send_coupons(request), Unknown)
    assert len(await sandbox.orders()) == (1 if commit else 0)
    settled = await client.query_status(snapshot_of(request))
    [recorded] = await sandbox.orders()  # committed: found again; not: issued now, once
    assert isinstance(settled, Accepted) and settled.refs["tranNo"] == recorded["tranNo"] and settled.amount == 3
    assert await client.query_status(snapshot_of(request)) == settled


async def test_a_resend_refused_at_the_envelope_stays_unknown_until_the_gateway_reads_it(
        sandbox: AllinpaySandbox, client: AllinpayClient) -> None:
    request = to_member(2)
    await sandbox.faults("drop_after_commit")
    assert isinstance(await client.send_coupons(request), Unknown)  # issued, the answer lost
    await sandbox.faults("code", code=str(codes.SIGNATURE_INVALID))
    assert isinstance(await client.query_status(snapshot_of(request)), Unknown)  # not FAILED: it was issued
    settled = await client.query_status(snapshot_of(request))
    assert isinstance(settled, Accepted) and len(await sandbox.orders()) == 1


async def test_a_tenant_that_names_no_envelope_codes_keeps_those_answers_unknown(
        sandbox: AllinpaySandbox, new_client: ClientFactory) -> None:
    await sandbox.faults("code", code=str(codes.SIGNATURE_INVALID))
    client = new_client(refusedBeforeProcessingCodes=[])
    assert isinstance(await client.send_coupons(order()), Unknown)
