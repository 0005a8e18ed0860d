"""A platform packet is linked to one reward at most (issue 11): the platform's send takes no key and echoes
nothing we sent, so each reward adopts an unlinked record of its member and activity from the listing, and
the database's unique key on (tenant, provider, reference) decides every race for one record."""

from __future__ import annotations

import asyncio

from ledger.persistence.draw_models import ProviderReference
from ledger.persistence.models import Reward
from ledger.services.audit import audit
from tests.e2e import test_red_packets as red_packet_e2e
from tests.e2e.test_red_packets import budget_available, refresh, send, wallet

platform = red_packet_e2e.platform
funded = red_packet_e2e.funded


async def platform_paid(platform, uid: str) -> int:
    return sum(int(p["amountFen"]) for p in await platform.packets() if p["uid"] == uid and p["status"] == 3)


async def test_concurrent_sends_to_one_member_link_each_packet_once_and_pay_what_the_platform_paid(
        gql, tenant, funded, platform):
    sent = await asyncio.gather(*(send(gql, tenant, ["1001"], f"k{i}") for i in range(7)))
    rewards = [result["rewards"][0] for result in sent]
    assert all(result["userErrors"] == [] for result in sent)
    await platform.post("/_control/clock", {"advanceSeconds": 5})
    await platform.post("/_control/claim", {"uid": "1001"})
    for _ in range(2):
        await asyncio.gather(*(refresh(gql, tenant, reward["id"]) for reward in rewards))
    record_ids = [r.provider_refs.get("recordId") for r in await Reward.filter(tenant_id=tenant.id)]
    linked = [record for record in record_ids if record]
    assert len(linked) == len(set(linked)) == 7
    assert await ProviderReference.filter(tenant_id=tenant.id, provider="red-packet").count() == 7
    assert await wallet("1001") == await platform_paid(platform, "1001") == 700
    assert await budget_available() == 10_000 - 700
    assert (await audit(tenant.id)).ok
