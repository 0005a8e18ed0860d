"""The audit proves the invariants, and notices when a row breaks them."""

from __future__ import annotations

from tortoise.expressions import F

from ledger.persistence.models import Account, Event, Tenant
from ledger.services import access, campaigns, rewards
from ledger.services.audit import audit


async def seeded_tenant() -> int:
    tenant = await access.create_tenant("Acme")
    campaign = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    await campaigns.fund_campaign(tenant.id, campaign.id, 1_000, "f")
    await rewards.grant_reward(tenant.id, campaign_id=campaign.id, member_id="m", amount=300, idempotency_key="g")
    await rewards.grant_reward(tenant.id, campaign_id=campaign.id, member_id="m", amount=200, idempotency_key="h",
                               hold=True)
    return tenant.id


async def test_a_ledger_built_by_the_services_passes_the_audit():
    tenant_id = await seeded_tenant()
    report = await audit(tenant_id)
    assert report.ok, report.problems
    assert report.accounts_checked == 3


async def test_an_account_total_that_disagrees_with_its_transfers_is_reported():
    tenant_id = await seeded_tenant()
    wallet = await Account.get(tenant_id=tenant_id, member_id="m")
    await Account.filter(id=wallet.id).update(credits_posted=F("credits_posted") + 1)
    problems = (await audit(tenant_id)).problems
    assert any(f"account {wallet.id}: credits_posted" in p for p in problems)
    assert any("posted debits" in p for p in problems)


async def test_a_constrained_account_overdrawn_by_a_bad_row_is_reported():
    tenant_id = await seeded_tenant()
    budget = await Account.get(tenant_id=tenant_id, kind="CAMPAIGN_BUDGET")
    await Account.filter(id=budget.id).update(debits_pending=5_000)
    problems = (await audit(tenant_id)).problems
    assert any("debits exceed credits" in p for p in problems)


async def test_a_gap_in_the_event_sequence_is_reported():
    tenant_id = await seeded_tenant()
    last = await Event.filter(tenant_id=tenant_id).order_by("-sequence").first()
    await Event.filter(id=last.id).delete()
    assert any("event sequences" in p for p in (await audit(tenant_id)).problems)
    await Tenant.filter(id=tenant_id).update(last_event_sequence=F("last_event_sequence") - 1)
    assert (await audit(tenant_id)).ok
