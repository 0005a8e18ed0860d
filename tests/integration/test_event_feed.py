"""The event feed against the real database and an in-process bus: every event once and in order, whatever the
bus does (loses a message, delivers out of order or twice); publishing never waits for a subscriber; the
messages carry what subscribers choose by; a finished job run is announced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from ledger.event_feed import EventInterest, event_feed
from ledger.events import JOB_FINISHED, NOTICES_CHANNEL, InProcessEventBus, get_event_bus, set_event_bus
from ledger.persistence.models import Account, Campaign
from ledger.services import access, campaigns, rewards
from scheduler.runner import SchedulerSettings, run_job

WAIT_S = 5.0


class LossyBus(InProcessEventBus):
    """Loses the messages of the sequences named, as a Redis outage or a crash after commit would."""

    def __init__(self, lose: set[int]) -> None:
        super().__init__()
        self.lose = lose

    async def publish(self, tenant_id: int, events: list[dict]) -> None:
        await super().publish(tenant_id, [e for e in events if e.get("sequence") not in self.lose])


class HeldBus(InProcessEventBus):
    """Holds what is published until the test delivers it, in the order and as often as it likes."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[tuple[int, dict]] = []

    async def publish(self, tenant_id: int, events: list[dict]) -> None:
        self.held += [(tenant_id, event) for event in events]

    async def deliver(self, order: list[int]) -> None:
        for index in order:
            tenant_id, event = self.held[index]
            await super().publish(tenant_id, [event])


@pytest.fixture
def use_bus() -> Iterator:
    previous = get_event_bus()

    def use(bus: InProcessEventBus) -> InProcessEventBus:
        set_event_bus(bus)
        return bus

    yield use
    set_event_bus(previous)


async def funded_tenant() -> tuple[int, int]:
    tenant = await access.create_tenant("Acme")
    campaign = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    await campaigns.fund_campaign(tenant.id, campaign.id, 100_000, "f")
    return tenant.id, campaign.id


async def grant(tenant_id: int, campaign_id: int, key: str, member: str = "m-1") -> None:
    await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id=member, amount=10, idempotency_key=key)


async def collected(batches: AsyncIterator[list], count: int) -> list[int]:
    sequences: list[int] = []
    async with asyncio.timeout(WAIT_S):
        async for batch in batches:
            sequences += [event.sequence for event in batch]
            if len(sequences) >= count:
                return sequences
    return sequences


async def test_a_lost_bus_message_is_read_from_the_log_once_a_later_one_arrives(use_bus):
    bus = use_bus(LossyBus(lose={5}))
    tenant_id, campaign_id = await funded_tenant()
    async with event_feed(EventInterest(tenant_id)) as feed:
        following = feed.follow(after=3)
        reading = asyncio.create_task(collected(following, 6))
        for n in range(3):
            await grant(tenant_id, campaign_id, f"g-{n}")  # sequences 4-9; 5's message never comes
        assert await reading == [4, 5, 6, 7, 8, 9]
    assert bus.subscriber_count == 0


async def test_messages_out_of_order_or_twice_come_out_in_order_and_once(use_bus):
    bus = use_bus(HeldBus())
    tenant_id, campaign_id = await funded_tenant()
    await grant(tenant_id, campaign_id, "g-1")
    await grant(tenant_id, campaign_id, "g-2")  # sequences 4-7, held
    async with event_feed(EventInterest(tenant_id)) as feed:
        reading = asyncio.create_task(collected(feed.follow(after=3), 4))
        sequences = [event["sequence"] for _, event in bus.held]
        await bus.deliver([sequences.index(s) for s in (5, 4, 4, 7, 6, 5)])
        assert await reading == [4, 5, 6, 7]


async def test_replay_then_live_switches_without_gap_or_double(use_bus):
    use_bus(InProcessEventBus())
    tenant_id, campaign_id = await funded_tenant()
    for n in range(7):
        await grant(tenant_id, campaign_id, f"before-{n}")  # sequences 4-17 are in the log
    async with event_feed(EventInterest(tenant_id), page_size=4) as feed:  # several pages, a short last one
        reading = asyncio.create_task(collected(feed.follow(after=2), 19))
        for n in range(2):
            await grant(tenant_id, campaign_id, f"after-{n}")  # 18-21, live
        assert await reading == list(range(3, 22))


async def test_an_interest_chooses_the_same_events_from_the_log_and_from_the_bus(use_bus):
    use_bus(InProcessEventBus())
    tenant_id, campaign_id = await funded_tenant()
    await grant(tenant_id, campaign_id, "alice-1", member="alice")
    await grant(tenant_id, campaign_id, "bob-1", member="bob")
    wallet = await Account.get(tenant_id=tenant_id, member_id="alice")
    interests = {"alice": EventInterest(tenant_id, member_id="alice"),
                 "rewards": EventInterest(tenant_id, about_rewards=True),
                 "wallet": EventInterest(tenant_id, account_id=wallet.id)}
    async with event_feed(interests["alice"]) as alice, event_feed(interests["rewards"]) as about_rewards, \
            event_feed(interests["wallet"]) as alices_wallet:
        replays = [asyncio.create_task(collected(f.follow(after=0), n))
                   for f, n in ((alice, 4), (about_rewards, 8), (alices_wallet, 2))]
        await grant(tenant_id, campaign_id, "alice-2", member="alice")  # 8 and 9, live
        await grant(tenant_id, campaign_id, "bob-2", member="bob")      # 10 and 11
        got = [await task for task in replays]
    assert got[0] == [4, 5, 8, 9]             # alice's reward.created and transfer.posted, twice
    assert got[1] == list(range(4, 12))       # every event about a reward (the campaign's 1-3 are not)
    assert got[2] == [5, 9]                   # the transfers into her wallet


async def test_published_messages_name_the_accounts_a_transfer_moved(use_bus):
    bus = use_bus(InProcessEventBus())
    mailbox = bus.subscribe()
    tenant_id, campaign_id = await funded_tenant()
    await grant(tenant_id, campaign_id, "g")
    messages = [mailbox.get_nowait() for _ in range(mailbox.qsize())]
    campaign = await Campaign.get(id=campaign_id)
    budget = campaign.budget_account_id  # type: ignore[attr-defined]
    wallet = (await Account.get(tenant_id=tenant_id, member_id="m-1")).id
    by_type = {m["type"]: m for m in messages}
    assert by_type["campaign.created"]["account_ids"] == []
    assert budget in by_type["campaign.funded"]["account_ids"]  # its transfer was made by another emit
    assert by_type["transfer.posted"]["account_ids"] == [budget, wallet]
    assert {m["tenant_id"] for m in messages} == {tenant_id}


async def test_publishing_never_waits_for_a_full_mailbox_and_tells_its_owner_once(use_bus):
    bus = use_bus(InProcessEventBus())
    overflows: list[str] = []
    stuck = bus.subscribe(queue_size=3, on_overflow=lambda: overflows.append("stuck"))
    healthy = bus.subscribe(queue_size=100)
    tenant_id, campaign_id = await funded_tenant()  # 3 events: the stuck mailbox is full
    for n in range(4):
        async with asyncio.timeout(WAIT_S):  # a write that waited on the stuck subscriber would hang here
            await grant(tenant_id, campaign_id, f"g-{n}")
    assert overflows == ["stuck"] and stuck.overflowed and stuck.qsize() == 3
    assert healthy.qsize() == 3 + 8
    assert bus.subscriber_count == 1


async def test_a_finished_job_run_is_announced_on_the_notices_channel(use_bus):
    bus = use_bus(InProcessEventBus())
    notices = bus.subscribe(tenant_ids=[NOTICES_CHANNEL])
    tenant_events = bus.subscribe(tenant_ids=[1])
    run = await run_job("audit", SchedulerSettings())
    assert run is not None
    assert notices.get_nowait() == {"type": JOB_FINISHED, "job_run_id": run.id, "run_tenant_id": None,
                                    "tenant_id": NOTICES_CHANNEL}
    assert tenant_events.empty()
