"""Events numbered after commit (ledger/event_sequencer.py): gap-free under many writers of one tenant,
published once each, invisible until numbered, and numbered by the sweep when no write waited for them."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from tortoise import timezone
from tortoise.transactions import in_transaction

from ledger import event_sequencer
from ledger.domain.access import Principal, Role
from ledger.events import InProcessEventBus, get_event_bus, set_event_bus
from ledger.persistence.models import Event, Tenant
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

    await asyncio.gather(*(rewards.grant_reward(tenant_id, campaign_id=campaign_id, member_id=f"m{i % 7}",
                                                amount=1 + i, idempotency_key=f"g{i}", hold=i % 3 == 0)
                           for i in range(60)))

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
