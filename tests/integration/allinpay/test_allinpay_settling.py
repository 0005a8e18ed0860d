"""Settling lost answers: every fault makes the Allinpay adapter's outcome Unknown, and query_status, by
sending the same order again, gets the original result with exactly one issue at the provider."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pytest

from ledger.ports import Accepted, Rejected, RewardSnapshot, Unknown
from providers.allinpay.client import AllinpayClient
from tests.allinpay_support import AllinpaySandbox, order, snapshot_of, to_member

FAULTS = [("timeout", {"delaySeconds": 1.0}), ("http500", {}), ("html", {}), ("drop_after_commit", {}),
          ("bad_signature", {})]


# ---- faults, and settling them by re-sending ----


@pytest.mark.parametrize(("mode", "extra"), FAULTS)
async def test_fault_is_unknown_then_query_status_settles_it_with_one_issue(
        sandbox: AllinpaySandbox, client: AllinpayClient, mode: str, extra: dict[str, Any]) -> None:
    request = to_member(2)
    await sandbox.faults(mode, **extra)
    calls_before = (await sandbox.records())["calls"]
    assert isinstance(await client.send_coupons(request), Unknown)
    assert (await sandbox.records())["calls"] == calls_before + 1  # a request that arrived is not repeated
    did_work = mode in ("drop_after_commit", "bad_signature")
    assert len(await sandbox.orders()) == (1 if did_work else 0)
    settled = await client.query_status(snapshot_of(request))
    [recorded] = await sandbox.orders()
    assert isinstance(settled, Accepted) and settled.amount == 2
    assert settled.refs == {"orderId": request.order_id, "tranNo": recorded["tranNo"]}
    assert settled.details["coupons"] == [{"couponNo": c["couponNo"]} for c in recorded["list"]]
    assert await client.query_status(snapshot_of(request)) == settled  # asking again changes nothing
    assert isinstance(await client.send_coupons(order(98)), Accepted)  # two coupons left the stock, once


async def test_query_status_also_reads_the_stored_request_fields(sandbox: AllinpaySandbox,
                                                                  client: AllinpayClient) -> None:
    request = to_member(2)
    await sandbox.faults("drop_after_commit")
    assert isinstance(await client.send_coupons(request), Unknown)
    settled = await client.query_status(snapshot_of(request, stored=asdict(request)))
    assert isinstance(settled, Accepted) and settled.refs["tranNo"] == (await sandbox.orders())[0]["tranNo"]
    assert len(await sandbox.orders()) == 1


@dataclass(frozen=True)
class LedgerOrder:
    """A caller's own order type with CouponSendRequest's field names, as the ledger has."""

    order_id: str
    coupon_template_id: str
    num: int
    coupon_type: str
    oper_user_id: str
    shop_id: str | None = None
    shop_code: str | None = None
    id_type: str | None = None
    member_account: str | None = None
    source_type: str | None = None
    source_value: str | None = None
    remark: str | None = None


async def test_issue_is_send_coupons_for_any_order_with_the_same_fields(client: AllinpayClient) -> None:
    request = to_member(2)
    issued = await client.issue(LedgerOrder(**vars(request)))
    assert isinstance(issued, Accepted) and issued == await client.send_coupons(request)


async def test_query_status_reports_a_refusal_as_refused(client: AllinpayClient) -> None:
    outcome = await client.query_status(snapshot_of(order(coupon_template_id="999")))
    assert isinstance(outcome, Rejected) and outcome.message == "券模板不存在"


@pytest.mark.parametrize("details", [
    {}, {"request": "orderId=1"}, {"request": {"orderId": "RL-1", "num": 2}}, {"request": {"num": "1"}},
    {"request": {"orderId": "RL-1", "num": "x"}},
    {"request": {**asdict(order()), "num": "2"}}, {"request": {**asdict(order()), "order_id": ""}},
    {"request": {**asdict(order()), "colour": "red"}}, {"request": {**asdict(order()), "shop_id": 1}},
])
async def test_query_status_without_a_usable_stored_order_is_unknown_and_sends_nothing(
        sandbox: AllinpaySandbox, client: AllinpayClient, details: dict[str, Any]) -> None:
    reward = RewardSnapshot(id=1, tenant_id=7, member_id="m", amount=1, asset="COUPON:307", provider_refs={},
                            details=details)
    assert isinstance(await client.query_status(reward), Unknown)
    assert (await sandbox.records())["calls"] == 0
