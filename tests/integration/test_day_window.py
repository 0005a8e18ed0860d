"""A provider's day, as the database filters by it: its first hours (00:00-08:00 Beijing time, the previous
UTC date) belong to it on SQLite too, which keeps times as UTC text and compares them as text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ledger.domain.reconciliation import day_window
from ledger.persistence.models import Tenant
from ledger.services import access


def test_the_window_is_given_in_utc() -> None:
    start, end = day_window(date(2026, 11, 29))

    assert (start, end) == (datetime(2026, 11, 28, 16, tzinfo=UTC), datetime(2026, 11, 29, 16, tzinfo=UTC))
    assert start.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


async def test_a_row_written_in_the_days_first_hours_is_inside_its_window() -> None:
    tenant = await access.create_tenant("Early")
    await Tenant.filter(id=tenant.id).update(created_at=datetime(2026, 11, 28, 16, 30, tzinfo=UTC))  # 00:30 Beijing
    start, end = day_window(date(2026, 11, 29))

    assert await Tenant.filter(id=tenant.id, created_at__gte=start, created_at__lt=end).exists()
    before, _ = day_window(date(2026, 11, 28))
    assert not await Tenant.filter(id=tenant.id, created_at__lt=before).exists()
