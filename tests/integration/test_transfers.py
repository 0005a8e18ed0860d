"""The ledger's transfer rules, against the real database."""

from __future__ import annotations

import pytest

from ledger.domain import clock
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import MAX_AMOUNT
from ledger.domain.statuses import AccountKind, RewardStatus, TransferState
from ledger.persistence.models import Account, Event, Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_write
from ledger.services import access, campaigns, rewards
from ledger.services.accounts import funding_account, member_wallet, named_account
from ledger.services.audit import audit
from ledger.services.transfers import create_transfer, resolve_pending


@pytest.fixture
async def tenant_id() -> int:
    return (await access.create_tenant("Acme")).id


async def funded_campaign(tenant_id: int, amount: int, asset: str = "CNY") -> int:
    campaign = await campaigns.create_campaign(tenant_id, "Spring", asset, "c")
    await campaigns.fund_campaign(tenant_id, campaign.id, amount, "f")
    return campaign.id


async def test_the_funding_account_may_go_negative_but_a_budget_may_not(tenant_id: int):
    campaign_id = await funded_campaign(tenant_id, 500)
    funding = await funding_account(tenant_id, "CNY")
    await funding.refresh_from_db()
    assert funding.credits_posted - funding.debits_posted == -500

    with pytest.raises(LedgerError) as refused:
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=501, idempotency_key="g")
    assert refused.value.code is ErrorCode.INSUFFICIENT_FUNDS
    assert await Reward.all().count() == 0
    assert (await audit(tenant_id)).ok


async def test_a_budget_counts_pending_holds_against_what_it_can_spend(tenant_id: int):
    campaign_id = await funded_campaign(tenant_id, 1_000)
    await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=800, idempotency_key="h",
                               hold=True)
    with pytest.raises(LedgerError) as refused:
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=201,
                                   idempotency_key="g")
    assert refused.value.code is ErrorCode.INSUFFICIENT_FUNDS
    await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=200, idempotency_key="g2")


async def test_a_refusal_names_amounts_in_yuan_not_raw_fen(tenant_id: int):
    campaign_id = await funded_campaign(tenant_id, 999_500)
    with pytest.raises(LedgerError) as refused:
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=1_000_000,
                                   idempotency_key="g")
    assert refused.value.message == "the campaign budget has ¥9,995.00 available; ¥10,000.00 was asked"


async def test_transfers_between_different_assets_are_refused(tenant_id: int):
    cny = await funding_account(tenant_id, "CNY")
    credits = await named_account(tenant_id, AccountKind.WRITE_OFF, "CREDITS", "w")

    async def work(uow):
        await create_transfer(uow, debit=cny, credit=credits, amount=10)

    with pytest.raises(LedgerError) as refused:
        await run_write(tenant_id, work)
    assert refused.value.code is ErrorCode.ASSET_MISMATCH
    assert await Transfer.all().count() == 0


async def test_a_hold_is_resolved_at_most_once(tenant_id: int):
    campaign_id = await funded_campaign(tenant_id, 1_000)
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=400,
                                        idempotency_key="h", hold=True)
    hold = await Transfer.get(reward_id=reward.id)
    await run_write(tenant_id, lambda uow: resolve_pending(uow, hold, post_amount=100))

    with pytest.raises(LedgerError) as refused:
        await run_write(tenant_id, lambda uow: resolve_pending(uow, hold, post_amount=None))
    assert refused.value.code is ErrorCode.INVALID_STATE
    await hold.refresh_from_db()
    assert (hold.state, hold.posted_amount) == (TransferState.POSTED, 100)
    assert (await audit(tenant_id)).ok


async def test_a_partial_post_cannot_exceed_the_hold(tenant_id: int):
    campaign_id = await funded_campaign(tenant_id, 1_000)
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=400,
                                        idempotency_key="h", hold=True)
    with pytest.raises(LedgerError) as refused:
        await rewards.settle_reward(tenant_id, reward.id, rewards.SettleAction.POST, "s", amount=401)
    assert refused.value.code is ErrorCode.INVALID_AMOUNT
    assert (await Reward.get(id=reward.id)).status is RewardStatus.PENDING


async def test_an_expired_hold_cannot_be_posted_and_the_expiry_job_voids_it(tenant_id: int):
    campaign_id = await funded_campaign(tenant_id, 1_000)
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=400,
                                        idempotency_key="h", hold=True, hold_timeout_s=60)
    assert await rewards.expire_holds(tenant_id) == 0
    clock.advance(61)

    with pytest.raises(LedgerError) as refused:
        await rewards.settle_reward(tenant_id, reward.id, rewards.SettleAction.POST, "s")
    assert refused.value.code is ErrorCode.HOLD_EXPIRED

    assert await rewards.expire_holds(tenant_id) == 1
    assert await rewards.expire_holds(tenant_id) == 0
    assert (await Reward.get(id=reward.id)).status is RewardStatus.EXPIRED
    budget = await Account.get(campaign__id=campaign_id)
    assert (budget.debits_pending, budget.credits_posted - budget.debits_posted) == (0, 1_000)
    assert (await audit(tenant_id)).ok


async def test_every_status_change_and_transfer_is_an_event_in_order(tenant_id: int):
    campaign_id = await funded_campaign(tenant_id, 1_000)
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=400,
                                        idempotency_key="h", hold=True)
    await rewards.settle_reward(tenant_id, reward.id, rewards.SettleAction.VOID, "s")
    events = await Event.filter(tenant_id=tenant_id).order_by("sequence")
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert [e.type for e in events if e.reward_id == reward.id] == [  # type: ignore[attr-defined]
        "reward.created", "transfer.pending", "transfer.voided", "reward.status_changed"]
    assert events[-1].data == {"from": "PENDING", "to": "VOIDED", "reason": "settled"}


async def test_member_wallets_are_one_per_member_and_asset(tenant_id: int):
    async def both(uow):
        return await member_wallet(tenant_id, "m", "CNY"), await member_wallet(tenant_id, "m", "CNY")

    first, second = await run_write(tenant_id, both)
    assert first.id == second.id
    assert first.debits_must_not_exceed_credits


@pytest.mark.parametrize("debit_has_the_lower_id", [True, False], ids=["debit-locked-first", "credit-locked-first"])
@pytest.mark.parametrize("refused_side", ["debit", "credit"])
async def test_a_refused_transfer_changes_neither_account_even_when_the_caller_carries_on(
        tenant_id: int, refused_side: str, debit_has_the_lower_id: bool):
    lower = await member_wallet(tenant_id, "lower", "CNY")
    higher = await member_wallet(tenant_id, "higher", "CNY")
    debit, credit = (lower, higher) if debit_has_the_lower_id else (higher, lower)
    small, big = [await named_account(tenant_id, AccountKind.PROVIDER_CLEARING, "CNY", name)  # may go negative
                  for name in ("small", "big")]

    async def work(uow: UnitOfWork) -> ErrorCode:
        await create_transfer(uow, debit=small, credit=debit, amount=100)
        if refused_side == "credit":
            await create_transfer(uow, debit=big, credit=credit, amount=MAX_AMOUNT - 50)
        with pytest.raises(LedgerError) as refused:  # more than the debit account has, or past 64 bits
            await create_transfer(uow, debit=debit, credit=credit, amount=500 if refused_side == "debit" else 100)
        return refused.value.code  # and the unit of work commits what it did before

    code = await run_write(tenant_id, work)

    assert code is (ErrorCode.INSUFFICIENT_FUNDS if refused_side == "debit" else ErrorCode.INVALID_AMOUNT)
    await debit.refresh_from_db()
    await credit.refresh_from_db()
    assert (debit.debits_posted, debit.credits_posted) == (0, 100)
    assert (credit.debits_posted, credit.credits_posted) == (0, MAX_AMOUNT - 50 if refused_side == "credit" else 0)
    assert (await audit(tenant_id)).ok
