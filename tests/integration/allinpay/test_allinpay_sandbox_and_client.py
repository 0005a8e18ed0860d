"""The Allinpay adapter against the sandbox gateway over real HTTP: issuing, refusals, repeats, keys,
variants, answer formats and logs. Faults and settling them: test_allinpay_settling.py."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.allinpay import codes
from providers.allinpay.client import AllinpayClient, CouponSendRequest
from providers.allinpay.signing import generate_test_keypair
from tests.allinpay_support import (
    MOBILE,
    AllinpaySandbox,
    ClientFactory,
    coupon_biz,
    order,
    to_member,
)

# ---- issuing ----


async def test_member_target_gets_a_coupon_number_per_coupon(sandbox: AllinpaySandbox,
                                                              client: AllinpayClient) -> None:
    request = to_member(3)
    outcome = await client.send_coupons(request)
    [recorded] = await sandbox.orders()
    assert isinstance(outcome, Accepted) and outcome.status is RewardStatus.ISSUED and outcome.amount == 3
    assert outcome.refs == {"orderId": request.order_id, "tranNo": recorded["tranNo"]}
    assert outcome.details["coupons"] == [{"couponNo": c["couponNo"]} for c in recorded["list"]]
    assert len({c["couponNo"] for c in recorded["list"]}) == 3
    assert (recorded["num"], recorded["memberId"], recorded["idType"]) == (3, MOBILE, "1")
    assert outcome.details["tranDateTime"].endswith("+08:00")


async def test_no_target_gets_one_qr_code_for_the_whole_order_recorded_once_per_coupon(
        sandbox: AllinpaySandbox, client: AllinpayClient) -> None:
    outcome = await client.send_coupons(order(10))  # the seed's sample: num 10, one list entry
    [recorded] = await sandbox.orders()
    [entry] = recorded["list"]
    assert entry["couponNo"] is None and entry["qrCodeContext"] and recorded["memberId"] is None
    assert isinstance(outcome, Accepted) and outcome.amount == 10
    assert outcome.details["coupons"] == [{"qrCodeContext": entry["qrCodeContext"]}] * 10


async def test_paper_coupons_without_a_target_are_numbered(client: AllinpayClient) -> None:
    outcome = await client.send_coupons(order(1, coupon_type="2"))
    assert isinstance(outcome, Accepted) and list(outcome.details["coupons"][0]) == ["couponNo"]


async def test_shop_code_alone_is_enough(client: AllinpayClient) -> None:
    assert isinstance(await client.send_coupons(order(1, shop_id=None, shop_code="S-001")), Accepted)


# ---- refusals (code 3) ----


@pytest.mark.parametrize(("fields", "reason"), [
    ({"coupon_template_id": "999"}, "券模板不存在"),
    ({"num": 101}, "券库存不足"),
    ({"id_type": "1"}, "idType存在时memberId必填"),
    ({"shop_id": None}, "shopId和shopCode必输一项"),
    ({"num": 0}, "发券数量必须为正整数"),
    ({"num": -2}, "发券数量必须为正整数"),
])
async def test_refusals_are_final_and_issue_nothing(sandbox: AllinpaySandbox, client: AllinpayClient,
                                                    fields: dict[str, Any], reason: str) -> None:
    outcome = await client.send_coupons(order(**{"num": 1, **fields}))
    assert outcome == Rejected(code="3", message=reason, retryable=False, status=RewardStatus.FAILED)
    assert await sandbox.orders() == []
    assert isinstance(await client.send_coupons(order(100)), Accepted)  # the whole stock is still there


async def test_a_refused_order_may_be_sent_again_once_stock_arrives(sandbox: AllinpaySandbox,
                                                                    client: AllinpayClient) -> None:
    request = order(150)
    assert isinstance(await client.send_coupons(request), Rejected)
    await sandbox.template(stock=200)
    assert isinstance(await client.send_coupons(request), Accepted)


# ---- repeated orderId ----


async def test_same_order_again_gets_the_original_answer_and_issues_nothing(sandbox: AllinpaySandbox,
                                                                            client: AllinpayClient) -> None:
    request = to_member(2)
    first = await client.send_coupons(request)
    again = await client.send_coupons(request)
    assert isinstance(first, Accepted) and again == first
    assert len(await sandbox.orders()) == 1
    assert isinstance(await client.send_coupons(order(98)), Accepted)  # 100 - 2: only one issue was counted


async def test_same_order_id_with_other_content_is_refused_and_reported_unknown(
        sandbox: AllinpaySandbox, client: AllinpayClient, config: dict[str, Any]) -> None:
    request = to_member(2)
    assert isinstance(await client.send_coupons(request), Accepted)
    other = CouponSendRequest(**{**vars(request), "num": 3})
    raw = await sandbox.raw_answer(config, other.biz_content())
    assert raw is not None and (raw.code, raw.msg) == (3, "订单号重复")
    # Not FAILED: an order under this orderId exists and has issued coupons.
    assert isinstance(await client.send_coupons(other), Unknown)
    assert [o["num"] for o in await sandbox.orders()] == [2]


# ---- keys and variants ----


async def test_a_wrong_signing_key_is_a_final_refusal_and_nothing_is_issued(
        sandbox: AllinpaySandbox, config: dict[str, Any], new_client: ClientFactory) -> None:
    other_key, _ = generate_test_keypair()
    raw = await sandbox.raw_answer({**config, "privateKeyPem": other_key}, coupon_biz("RL-KEY-1"))
    assert raw is not None and (raw.code, raw.msg) == (codes.SIGNATURE_INVALID, "验签失败")
    # The gateway checks the signature before it reads the order: nothing happened, the reward may fail.
    assert await new_client(privateKeyPem=other_key).send_coupons(order()) == Rejected(
        code="9103", message="验签失败", retryable=False, status=RewardStatus.FAILED)
    assert await sandbox.orders() == []


async def test_the_rsa_variant_works_when_both_sides_use_it(sandbox: AllinpaySandbox,
                                                            new_client: ClientFactory) -> None:
    await sandbox.sign_variant("RSA")
    assert (await sandbox.config())["signVariant"] == "RSA"
    assert isinstance(await new_client(signVariant="RSA").send_coupons(order()), Accepted)
    assert isinstance(await new_client(signVariant="MD5_RSA").send_coupons(order()), Unknown)
    assert len(await sandbox.orders()) == 1


async def test_the_md5_rsa_variant_is_the_default(sandbox: AllinpaySandbox, config: dict[str, Any],
                                                  new_client: ClientFactory) -> None:
    assert config["signVariant"] == "MD5_RSA"
    assert isinstance(await new_client().send_coupons(order()), Accepted)
    assert isinstance(await new_client(signVariant="RSA").send_coupons(order()), Unknown)


async def test_an_answer_that_does_not_verify_with_the_gateway_key_is_unknown(
        sandbox: AllinpaySandbox, new_client: ClientFactory) -> None:
    _, stranger_public = generate_test_keypair()
    assert isinstance(await new_client(providerPublicKeyPem=stranger_public).send_coupons(order()), Unknown)


async def test_a_gateway_that_cannot_be_reached_is_unknown(new_client: ClientFactory) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = await new_client(baseUrl=f"http://127.0.0.1:{port}/gateway").send_coupons(order())
    assert isinstance(outcome, Unknown) and "not_sent" in outcome.reason


# ---- answer formats ----


async def test_tran_date_time_as_array_or_string_reads_the_same(sandbox: AllinpaySandbox,
                                                                 client: AllinpayClient) -> None:
    request = order()
    as_array = await client.send_coupons(request)
    await sandbox.tran_date_time_as("string")
    as_string = await client.send_coupons(request)  # the repeat answers with the original time
    assert isinstance(as_array, Accepted) and isinstance(as_string, Accepted)
    assert as_string.details["tranDateTime"] == as_array.details["tranDateTime"]
    assert as_array.details["tranDateTime"][10] == "T" and as_array.details["tranDateTime"].endswith("+08:00")


# ---- logs ----


_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 1, "x", None, None))) | {"message", "asctime"}


async def test_logs_carry_no_key_material_or_member_account(sandbox: AllinpaySandbox, config: dict[str, Any],
                                                            client: AllinpayClient,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    request = to_member(1, remark="VIP-REMARK-7731")
    assert isinstance(await client.send_coupons(request), Accepted)
    await sandbox.faults("http500")
    assert isinstance(await client.send_coupons(to_member(1)), Unknown)
    timed = [r for r in caplog.records if r.name == "providers.calls" and hasattr(r, "latency_ms")]
    assert [r.__dict__["provider"] for r in timed] == ["allinpay", "allinpay"]
    written = "\n".join(f"{r.getMessage()} {r.exc_text or ''} "
                        f"{ {k: v for k, v in vars(r).items() if k not in _STANDARD} }" for r in caplog.records)
    private_key_body = "".join(config["privateKeyPem"].splitlines()[1:-1])
    secrets = [MOBILE, "VIP-REMARK-7731", private_key_body[:40], private_key_body[-40:]]
    assert [secret for secret in secrets if secret in written] == []
    assert MOBILE not in repr(request) and "PRIVATE" not in repr(client.settings)
