"""What the UnionPay adapter and sandbox tests share: a draw order, its stored form, the sandbox's pools
and records, and a client built from the sandbox's config."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx

from ledger.ports import RewardSnapshot
from providers.unionpay.client import DrawOrder, UnionPayClient
from providers.unionpay.settings import parse_settings

ACTIVITY, QUAL_NUM = "ACT0001", "QP0001"
MOBILE = "13800138000"
CERT_ID = "430102199001011234"
RED_PACKET = [{"awardType": "06", "awardValue": 188, "weight": 1}]
COUPON = [{"awardType": "07", "awardValue": 2, "weight": 1, "awardName": "满50减10", "extAcctId": "CPN-9"}]


def make_client(config: dict[str, Any], http: httpx.AsyncClient, **changes: Any) -> UnionPayClient:
    return UnionPayClient(1, parse_settings({**config, **changes}), http)


async def set_pool(control: httpx.AsyncClient, awards: list[dict[str, Any]], no_award_weight: int = 0,
                   qualifications: int = 5) -> None:
    response = await control.post("/_control/pools", json={
        "activityNumber": ACTIVITY, "qualNum": QUAL_NUM, "qualifications": qualifications, "awards": awards,
        "noAwardWeight": no_award_weight})
    response.raise_for_status()


async def draws(control: httpx.AsyncClient) -> list[dict[str, Any]]:
    return (await control.get("/_control/records")).json()["draws"]


async def calls(control: httpx.AsyncClient) -> int:
    """How many qual.reduce calls the sandbox has answered since its reset."""
    return int((await control.get("/_control/records")).json()["calls"])


async def set_fault(control: httpx.AsyncClient, **fault: Any) -> None:
    (await control.post("/_control/faults", json=fault)).raise_for_status()


def order(trans: str = "T0001", **changes: Any) -> DrawOrder:
    base = DrawOrder(trans_number=trans, activity_number=ACTIVITY, qual_num=QUAL_NUM, qual_type="MOBILE",
                     qual_value=MOBILE, member_id="m-1", cert_id=CERT_ID)
    return dataclasses.replace(base, **changes)


def snapshot(client: UnionPayClient, draw: DrawOrder) -> RewardSnapshot:
    """The reward as the ledger keeps it for a draw: its request sealed under the tenant's key."""
    return RewardSnapshot(id=1, tenant_id=1, member_id=draw.member_id, amount=0, asset="CNY", provider_refs={},
                          details={"sealedRequest": client.sealed_request(draw)})
