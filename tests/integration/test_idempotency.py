"""Idempotency keys: stored with the write, replayed by key, refused with other content."""

from __future__ import annotations

import pytest

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.persistence.models import IdempotencyRecord, Reward, Transfer
from ledger.services import access, campaigns, rewards


@pytest.fixture
async def campaign() -> tuple[int, int]:
    tenant = await access.create_tenant("Acme")
    created = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    await campaigns.fund_campaign(tenant.id, created.id, 10_000, "f")
    return tenant.id, created.id


async def test_the_same_key_and_input_return_the_first_result_without_a_second_write(campaign):
    tenant_id, campaign_id = campaign
    first = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=100,
                                       idempotency_key="k")
    again = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=100,
                                       idempotency_key="k")
    assert again.id == first.id
    assert await Reward.all().count() == 1
    assert await Transfer.filter(reward_id=first.id).count() == 1


async def test_the_same_key_with_other_input_is_refused(campaign):
    tenant_id, campaign_id = campaign
    await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=100, idempotency_key="k")
    with pytest.raises(LedgerError) as refused:
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=101,
                                   idempotency_key="k")
    assert refused.value.code is ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert await Reward.all().count() == 1


async def test_a_key_used_by_another_operation_is_refused(campaign):
    tenant_id, campaign_id = campaign
    with pytest.raises(LedgerError) as refused:
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=100,
                                   idempotency_key="f")  # the funding's key
    assert refused.value.code is ErrorCode.IDEMPOTENCY_KEY_REUSED


async def test_keys_are_per_tenant(campaign):
    tenant_id, _ = campaign
    other = await access.create_tenant("Globex")
    theirs = await campaigns.create_campaign(other.id, "Spring", "CNY", "c")
    assert theirs.id != (await campaigns.create_campaign(tenant_id, "Spring", "CNY", "c")).id


async def test_a_refused_write_keeps_no_key_so_a_retry_after_the_fix_succeeds(campaign):
    tenant_id, campaign_id = campaign
    with pytest.raises(LedgerError):
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=20_000,
                                   idempotency_key="big")
    assert not await IdempotencyRecord.exists(key="big")
    await campaigns.fund_campaign(tenant_id, campaign_id, 10_000, "f2")
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=20_000,
                                        idempotency_key="big")
    assert reward.amount == 20_000


async def test_the_record_is_in_the_database_so_it_outlives_the_process(campaign):
    tenant_id, campaign_id = campaign
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=100,
                                        idempotency_key="k")
    record = await IdempotencyRecord.get(tenant_id=tenant_id, key="k")
    assert (record.operation, record.result) == ("grantReward", {"reward_id": reward.id})
