"""settleReward is for the rewards the ledger alone settles (grants). A provider's reward is settled by the
provider's answer: voiding a red packet in flight would hand the budget back money the platform then pays
out, and posting an unclaimed one would keep in the wallet what the platform later refunds."""

from __future__ import annotations

import pytest

from tests.e2e.test_red_packets import funded, platform, send  # noqa: F401  (fixtures)
from tests.support import SETTLE_REWARD, GraphQLClient, TenantFixture, ledger_snapshot


@pytest.mark.parametrize("action", ["POST", "VOID"])
async def test_a_red_packet_in_flight_cannot_be_settled_by_hand(gql: GraphQLClient, tenant: TenantFixture,
                                                                 funded: str, action: str):  # noqa: F811
    sent = await send(gql, tenant, ["1001"], "send-1")
    [packet] = sent["rewards"]
    assert packet["status"] in ("PENDING", "ISSUED")  # sent, not yet claimed: the hold is still on the budget
    before = await ledger_snapshot()

    data = await gql(SETTLE_REWARD, {"input": {"rewardId": packet["id"], "action": action,
                                               "idempotencyKey": f"settle-{action}"}}, token=tenant.operator)

    errors = data["settleReward"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_STATE", ["input", "rewardId"])]
    assert "syncReward" in errors[0]["message"]
    assert await ledger_snapshot() == before
