"""The data the scenarios run on, made through the ledger's own services before the server starts.

Reads and writes use different tenants, so the pages a read scenario compares never change under it.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.ids import encode_id
from ledger.domain.access import Role
from ledger.services import access, campaigns, rewards

READ_CAMPAIGNS = 60
READ_REWARDS = 600
WRITE_BUDGET = 10**15


@dataclass(frozen=True)
class Seeded:
    reader_key: str       # a viewer of the read tenant
    writer_key: str       # an operator of the write tenant
    writer_admin_key: str
    write_campaign_id: str


async def seed() -> Seeded:
    reader = await access.create_tenant("bench-reads")
    _, reader_key = await access.create_api_key(reader.id, Role.VIEWER)
    made = [await campaigns.create_campaign(reader.id, f"campaign {i}", "CNY", f"c-{i}")
            for i in range(READ_CAMPAIGNS)]
    for i, campaign in enumerate(made):
        await campaigns.fund_campaign(reader.id, campaign.id, 10**9, f"f-{i}")
    for i in range(READ_REWARDS):
        await rewards.grant_reward(reader.id, campaign_id=made[i % READ_CAMPAIGNS].id, member_id=f"m{i % 97}",
                                   amount=100 + i, idempotency_key=f"g-{i}", hold=i % 3 == 0)

    writer = await access.create_tenant("bench-writes")
    _, writer_key = await access.create_api_key(writer.id, Role.OPERATOR)
    _, writer_admin_key = await access.create_api_key(writer.id, Role.ADMIN)
    campaign = await campaigns.create_campaign(writer.id, "writes", "CNY", "c")
    await campaigns.fund_campaign(writer.id, campaign.id, WRITE_BUDGET, "f")
    return Seeded(reader_key=reader_key, writer_key=writer_key, writer_admin_key=writer_admin_key,
                  write_campaign_id=encode_id("Campaign", campaign.id))
