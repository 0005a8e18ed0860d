"""Events numbered after commit (ledger/event_sequencer.py): gap-free under many writers of one tenant and
under sequencers of several processes, published once each, invisible until numbered, and numbered by the
sweep when no write waited for them (a process that died after commit)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from tortoise import timezone
from tortoise.transactions import in_transaction

from api.context import Loaders
from ledger import event_sequencer
from ledger.domain.access import Principal, Role
from ledger.event_feed import EventInterest, event_feed, log_end
from ledger.events import InProcessEventBus, get_event_bus, set_event_bus
from ledger.persistence import sequences
from ledger.persistence.models import Event, Tenant, Transfer
from ledger.persistence.raw_sql import current_connection, is_postgres
from ledger.services import access, campaigns, reads, rewards
from ledger.services.audit import audit


@pytest.fixture
def local_bus():  # type: ignore[no-untyped-def]
    previous = get_event_bus()
    bus = InProcessEventBus(queue_size=10_000)
    set_event_bus(bus)
    yield bus
    set_event_bus(previous)


async def _funded_tenant(name: str) -> tuple[int, int]:
    tenant = await access.create_tenant(name)
    campaign = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    await campaigns.fund_campaign(tenant.id, campaign.id, 10**6, "f")
    return tenant.id, campaign.id


def _drain(queue: Any) -> list[dict]:
    return [queue.get_nowait() for _ in range(queue.qsize())]


async def _numbers(tenant_id: int) -> list[int]:
    return sorted(await Event.filter(tenant_id=tenant_id, sequence__isnull=False).values_list("sequence", flat=True))


async def test_many_writers_of_one_tenant_leave_one_gap_free_sequence_each_published_once(
        local_bus: InProcessEventBus) -> None:
    tenant_id, campaign_id = await _funded_tenant("Busy")
    queue = local_bus.subscribe(tenant_ids=[tenant_id])
    before = await Tenant.get(id=tenant_id).values_list("last_event_sequence", flat=True)

    writes = [rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id=f"m{i % 7}", amount=1 + i,
                                   idempotency_key=f"g{i}", hold=i % 3 == 0) for i in range(60)]
    sweeps = [event_sequencer.number_waiting() for _ in range(3)]  # the job, firing meanwhile
    await asyncio.gather(*writes, *sweeps)

    numbers = await _numbers(tenant_id)
    assert numbers == list(range(1, len(numbers) + 1))
    assert await Tenant.get(id=tenant_id).values_list("last_event_sequence", flat=True) == len(numbers)
    assert not await Event.filter(tenant_id=tenant_id, sequence__isnull=True).exists()
    published = [message["sequence"] for message in _drain(queue)]
    assert sorted(published) == list(range(before + 1, len(numbers) + 1))  # each once, none missing
    assert (await audit(tenant_id)).ok


async def _commit_unnumbered(tenant_id: int, count: int, written_at: Any = None) -> list[int]:
    """What a process that died between its commit and the numbering leaves: committed, unnumbered events."""
    async with in_transaction():
        made = [await Event.create(tenant_id=tenant_id, sequence=None, type="test.orphan", member_id=f"m{i}",
                                   data={"i": i}) for i in range(count)]
    if written_at is not None:
        await Event.filter(id__in=[e.id for e in made]).update(created_at=written_at)
    return [e.id for e in made]


async def test_events_no_write_waited_for_are_invisible_until_the_sweep_numbers_and_publishes_them(
        local_bus: InProcessEventBus) -> None:
    tenant_id, _ = await _funded_tenant("Orphans")
    queue = local_bus.subscribe(tenant_ids=[tenant_id])
    numbered_before = await _numbers(tenant_id)
    viewer = Principal(tenant_id=tenant_id, role=Role.VIEWER)
    visible_before = await reads.events(viewer).count()

    orphans = await _commit_unnumbered(tenant_id, 3)

    assert await reads.events(viewer).count() == visible_before  # not in the log until numbered
    assert (await audit(tenant_id)).ok  # young: a write's own wait or the next sweep numbers them
    assert await event_sequencer.number_waiting() >= 1
    rows = await Event.filter(id__in=orphans).order_by("id").values_list("sequence", flat=True)
    assert list(rows) == list(range(len(numbered_before) + 1, len(numbered_before) + 4))  # in written order
    assert [m["sequence"] for m in _drain(queue)] == list(rows)
    assert await reads.events(viewer).count() == visible_before + 3
    assert (await audit(tenant_id)).ok


async def test_the_audit_reports_events_left_waiting_too_long() -> None:
    tenant_id, _ = await _funded_tenant("Stuck")
    await _commit_unnumbered(tenant_id, 2, written_at=timezone.now() - timedelta(minutes=30))

    problems = (await audit(tenant_id)).problems

    assert any("2 events have waited for their sequence number" in problem for problem in problems)
    await event_sequencer.number_waiting()
    assert (await audit(tenant_id)).ok


async def test_a_failed_numbering_leaves_the_write_done_and_its_events_to_the_sweep(
        local_bus: InProcessEventBus, monkeypatch: pytest.MonkeyPatch) -> None:
    tenant_id, campaign_id = await _funded_tenant("Flaky")
    async with in_transaction():
        numbered_after_commit = is_postgres(current_connection())
    if not numbered_after_commit:
        pytest.skip("SQLite numbers a write's events inside the write")

    async def database_gone(tenant_id: int) -> list[dict]:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(event_sequencer, "number_waiting_events", database_gone)
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=5,
                                        idempotency_key="g")
    assert reward.id is not None
    assert await Event.filter(tenant_id=tenant_id, reward_id=reward.id, sequence__isnull=True).exists()

    monkeypatch.undo()
    await event_sequencer.number_waiting()

    assert not await Event.filter(tenant_id=tenant_id, sequence__isnull=True).exists()
    assert (await audit(tenant_id)).ok


async def _numbers_after_commit() -> bool:
    async with in_transaction():
        return sequences.numbers_after_commit()


async def test_a_write_returns_with_its_events_numbered_and_writers_that_finish_together_share_a_numbering(
        monkeypatch: pytest.MonkeyPatch) -> None:
    tenant_id, campaign_id = await _funded_tenant("Together")
    if not await _numbers_after_commit():
        pytest.skip("SQLite numbers a write's events inside the write")
    numberings = 0
    number_for_real = sequences.number_waiting_events

    async def counted(tenant_id: int) -> list[dict]:
        nonlocal numberings
        numberings += 1
        return await number_for_real(tenant_id)

    monkeypatch.setattr(event_sequencer, "number_waiting_events", counted)

    async def write(i: int) -> bool:
        reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id=f"m{i}", amount=5,
                                            idempotency_key=f"t{i}")
        numbers = await Event.filter(reward_id=reward.id).values_list("sequence", flat=True)
        return bool(numbers) and None not in numbers

    writers = 32
    assert all(await asyncio.gather(*(write(i) for i in range(writers))))
    assert numberings < writers  # coalesced: one numbering serves every write that committed meanwhile
    assert (await audit(tenant_id)).ok


async def test_sequencers_of_several_processes_racing_for_one_tenant_hand_out_each_number_once() -> None:
    """Other processes' sequencers do not share this one's queue: only the tenant row's lock orders them."""
    tenant_id, _ = await _funded_tenant("Racing")
    first = await Tenant.get(id=tenant_id).values_list("last_event_sequence", flat=True)

    async def one_process_numbering() -> list[int]:
        async with in_transaction():
            rows = await sequences.number_waiting_events(tenant_id)
        return [int(row["id"]) for row in rows]

    async def writer(i: int) -> list[int]:
        return await _commit_unnumbered(tenant_id, 1 + i % 3)

    results = await asyncio.gather(*(writer(i) for i in range(20)), *(one_process_numbering() for _ in range(20)))
    written = sorted(event_id for ids in results[:20] for event_id in ids)
    numbered = [event_id for ids in results[20:] for event_id in ids]
    async with in_transaction():
        numbered += [int(row["id"]) for row in await sequences.number_waiting_events(tenant_id)]

    assert sorted(numbered) == written  # every event numbered by exactly one of them
    numbers = await _numbers(tenant_id)
    assert numbers == list(range(1, first + len(written) + 1))
    assert await Tenant.get(id=tenant_id).values_list("last_event_sequence", flat=True) == len(numbers)
    assert (await audit(tenant_id)).ok


async def _feed_replay(tenant_id: int) -> list[int]:
    """The sequences a subscriber replaying the tenant's log from the start is given."""
    async with event_feed(EventInterest(tenant_id)) as feed:
        end = await log_end(tenant_id)
        seen: list[int] = []
        if end == 0:
            return seen
        async with asyncio.timeout(5):
            async for page in feed.follow(after=0):
                seen += [event.sequence for event in page]
                if seen[-1] >= end:
                    return seen
    return seen


async def test_a_write_whose_process_died_after_commit_is_invisible_until_the_sweep_numbers_and_publishes_it(
        local_bus: InProcessEventBus, monkeypatch: pytest.MonkeyPatch) -> None:
    tenant_id, campaign_id = await _funded_tenant("Died")
    if not await _numbers_after_commit():
        pytest.skip("SQLite numbers a write's events inside the write")
    queue = local_bus.subscribe(tenant_ids=[tenant_id])
    end_before, replay_before = await log_end(tenant_id), await _feed_replay(tenant_id)

    async def died(tenant_id: int) -> None:  # the process ends between the write's commit and its numbering
        raise SystemExit

    monkeypatch.setattr(event_sequencer, "settle", died)
    with pytest.raises(SystemExit):
        await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=7, idempotency_key="d")
    monkeypatch.undo()
    reward = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=7,
                                        idempotency_key="d")  # the client's retry: replayed, nothing new written
    waiting = await Event.filter(reward_id=reward.id).order_by("id").values("id", "sequence", "type")
    assert waiting and all(row["sequence"] is None for row in waiting)
    assert await Event.filter(tenant_id=tenant_id).count() == end_before + len(waiting)

    viewer = Principal(tenant_id=tenant_id, role=Role.VIEWER)
    assert not await reads.events(viewer).filter(reward_id=reward.id).exists()
    assert await Loaders(tenant_id).events_by_reward.load(reward.id) == []  # Reward.events
    assert await log_end(tenant_id) == end_before
    assert await _feed_replay(tenant_id) == replay_before
    assert not _drain(queue)
    assert (await audit(tenant_id)).ok  # young: the next sweep numbers them

    await event_sequencer.number_waiting()

    numbered = await Event.filter(reward_id=reward.id).order_by("id").values_list("sequence", flat=True)
    assert list(numbered) == list(range(end_before + 1, end_before + len(waiting) + 1))  # in written order
    messages = _drain(queue)
    assert [m["sequence"] for m in messages] == list(numbered)  # published, once
    transfer = await Transfer.get(reward_id=reward.id)
    by_type = {m["type"]: m for m in messages}
    assert by_type["transfer.posted"]["account_ids"] == [transfer.debit_account_id,  # type: ignore[attr-defined]
                                                         transfer.credit_account_id]  # type: ignore[attr-defined]
    assert [e.sequence for e in await Loaders(tenant_id).events_by_reward.load(reward.id)] == list(numbered)
    assert await _feed_replay(tenant_id) == list(range(1, end_before + len(waiting) + 1))
    assert (await audit(tenant_id)).ok

    await event_sequencer.number_waiting()
    assert not _drain(queue)  # nothing numbered or published twice
    again = await rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id="m", amount=7,
                                       idempotency_key="d")
    assert again.id == reward.id
    assert await _numbers(tenant_id) == list(range(1, end_before + len(waiting) + 1))
