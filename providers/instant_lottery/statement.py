"""The gateway's reconciliation feed (seed §8.8) as the ledger's StatementFeed and AmountLookup.

§8.8: the gateway's records are the reference; the third party reconciles at 01:00 the previous day. Its
awardDetail lists each ticket redeemed at the station (game, batch, pack, ticket, the redeeming transacId, the
time) but neither prize nor redeemer, for at most a day, unpaged; awardSummary counts tickets and totals yuan
over a range, for all games ("00000") or one game and batch. So the day is read per station in windows: a
window's summary first (one small object); a window with more tickets than a page is halved before any row is
read, so a page holds at most PAGE_TICKETS rows however busy the day; a window's rows then come with its
summary's total as the page total. A ticket's own prize is asked only where the ledger needs it
(`record_amounts`): the summary of its game and batch at the very second it was redeemed, exact when that
second holds it alone (the gateway serves a station one call at a time, so two in one second are rare; then
the amount is unknown, never guessed).
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ledger.domain.reconciliation import day_window
from ledger.domain.statuses import RewardKind, RewardStatus
from ledger.ports import StatementPage, StatementRecord
from providers.instant_lottery.answers import AwardDetail
from providers.instant_lottery.signing import parse_timestamp

if TYPE_CHECKING:
    from providers.instant_lottery.client import InstantLotteryClient

WINDOW = timedelta(hours=1)
PAGE_TICKETS = 500
ONE_SECOND = timedelta(seconds=1)
ALL = "00000"
REDEEMED = "REDEEMED"  # every awardDetail row is a ticket the gateway redeemed (兑奖成功)


class FeedInconsistent(Exception):
    """The gateway's summary and detail of one window disagree: the day cannot be read reliably now."""


async def day_pages(client: InstantLotteryClient, day: date) -> AsyncIterator[StatementPage]:
    start, end = day_window(day)
    for station_id in client.settings.stations:
        # The feeds take whole seconds and include both ends: a window is [begin, last].
        windows = deque((begin, min(begin + WINDOW, end) - ONE_SECOND) for begin in _steps(start, end))
        while windows:
            begin, last = windows.popleft()
            tickets, amount_fen = await _summary(client, station_id, begin, last, ALL, ALL)
            if tickets == 0:
                continue
            if tickets > PAGE_TICKETS and last > begin:
                middle = begin + timedelta(seconds=int((last - begin + ONE_SECOND).total_seconds()) // 2)
                windows.extendleft([(middle, last), (begin, middle - ONE_SECOND)])
                continue
            rows = await client.award_detail(station_id, begin, last)
            if len(rows) != tickets:
                raise FeedInconsistent(f"station {station_id}, {begin.isoformat()}..{last.isoformat()}: awardSummary "
                                       f"counts {tickets} tickets, awardDetail lists {len(rows)}")
            yield StatementPage([_record(station_id, row) for row in rows], total_amount=amount_fen)


async def record_amounts(client: InstantLotteryClient, records: Sequence[StatementRecord]) -> dict[str, int | None]:
    amounts: dict[str, int | None] = {}
    for record in records:
        evidence = record.evidence
        if record.station is None or record.time is None:
            amounts[record.reference] = None
            continue
        tickets, amount_fen = await _summary(client, record.station, record.time, record.time,
                                             str(evidence.get("gameNo") or ALL), str(evidence.get("batchNo") or ALL))
        amounts[record.reference] = amount_fen if tickets == 1 else None
    return amounts


async def _summary(client: InstantLotteryClient, station_id: str, begin: datetime, last: datetime, game_no: str,
                   batch_no: str) -> tuple[int, int]:
    summaries = await client.award_summary(station_id, begin, last, game_no=game_no, batch_no=batch_no)
    return sum(s.tickets for s in summaries), sum(s.amount_fen for s in summaries)


def _steps(start: datetime, end: datetime) -> list[datetime]:
    steps, moment = [], start
    while moment < end:
        steps.append(moment)
        moment += WINDOW
    return steps


def _record(station_id: str, row: AwardDetail) -> StatementRecord:
    return StatementRecord(
        reference=row.transac_id, amount=None, asset="CNY", status=REDEEMED, outcome=RewardStatus.ISSUED,
        member_id=None, time=parse_timestamp(row.time), station=station_id, kind=RewardKind.LOTTERY_TICKET,
        evidence={"stationId": station_id, "gameNo": row.game_no, "batchNo": row.batch_no, "packNo": row.pack_no,
                  "ticketNo": row.ticket_no, "transacId": row.transac_id, "time": row.time})
