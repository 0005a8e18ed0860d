"""redeemLotteryTicket's userRealIp, which a member token can send: anything but a plain IPv4 or IPv6 address
(a zone id, garbage, something over-long) is INVALID_INPUT naming it, never a server error, and nothing is
recorded or sent to the gateway."""

from __future__ import annotations

import pytest

from ledger.persistence.models import Reward
from tests.lottery_support import REDEEM, Sandbox
from tests.support import ISSUE_MEMBER_TOKEN, GraphQLClient, TenantFixture

REFUSED = ["fe80::1%" + "z" * 300, "fe80::1%eth0", "::1%1", "1.2.3.4" + " " * 1000, "1.2.3", "10.0.0.999",
           "not an address", "", "x" * 10_000, "2001:db8::1/64"]


@pytest.mark.parametrize("user_ip", REFUSED)
async def test_a_user_real_ip_that_is_no_plain_address_is_invalid_input(gql: GraphQLClient, connected: TenantFixture,
                                                                       sandbox: Sandbox, user_ip: str):
    await sandbox.ticket("IP-0001")
    member = (await gql(ISSUE_MEMBER_TOKEN, {"input": {"memberId": "m1"}}, token=connected.operator))
    for token in (member["issueMemberToken"]["token"], connected.operator):
        data = await gql(REDEEM, {"input": {"barCode": "IP-0001", "memberId": "m1", "userRealIp": user_ip,
                                            "idempotencyKey": "ip-1"}}, token=token)
        result = data["redeemLotteryTicket"]
        assert result["reward"] is None
        assert [(e["field"], e["code"]) for e in result["userErrors"]] == [(["input", "userRealIp"], "INVALID_INPUT")]
    assert await Reward.all().count() == 0
    assert (await sandbox.records())["calls"] == 0


@pytest.mark.parametrize("user_ip", ["10.1.1.1", "2001:db8::1", " 10.1.1.2 ", "::ffff:10.1.1.3"])
async def test_a_plain_address_redeems(gql: GraphQLClient, connected: TenantFixture, sandbox: Sandbox, user_ip: str):
    await sandbox.ticket("IP-0002")
    data = await gql(REDEEM, {"input": {"barCode": "IP-0002", "memberId": "m1", "userRealIp": user_ip,
                                        "idempotencyKey": "ip-2"}}, token=connected.operator)
    assert data["redeemLotteryTicket"]["reward"]["status"] == "ISSUED"
