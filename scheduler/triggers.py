"""Triggers from settings: `every <N>s|m|h`, a five-field cron expression with an optional `@<timezone>`,
or `off`.

Interval triggers are anchored at a fixed instant, not at the moment a process started: every instance
then computes the same fire times, which is what lets the database claim tell one fire from another.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

OFF = "off"
ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)
_EVERY = re.compile(r"^every\s+([1-9][0-9]{0,6})\s*([smh])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


class TriggerInvalid(ValueError):
    pass


def parse_trigger(spec: str) -> BaseTrigger | None:
    """The trigger `spec` names, or None for `off`; TriggerInvalid says what is wrong."""
    text = spec.strip()
    if text.lower() == OFF:
        return None
    every = _EVERY.match(text.lower())
    if every:
        return IntervalTrigger(seconds=int(every.group(1)) * _UNIT_SECONDS[every.group(2)], start_date=ANCHOR,
                               timezone=UTC)
    expression, _, zone = text.partition("@")
    if len(expression.split()) != 5:
        raise TriggerInvalid(f"{spec!r}: expected 'every <N>s|m|h', a five-field cron expression "
                             "(optionally '@<timezone>'), or 'off'")
    try:
        timezone = ZoneInfo(zone.strip()) if zone.strip() else UTC
    except (ZoneInfoNotFoundError, ValueError):
        raise TriggerInvalid(f"{spec!r}: unknown timezone {zone.strip()!r}") from None
    try:
        return CronTrigger.from_crontab(expression, timezone=timezone)
    except ValueError as exc:
        raise TriggerInvalid(f"{spec!r}: {exc}") from None
