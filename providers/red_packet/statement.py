"""The platform's personal send list (seed 004, 获取红包个人发放列表) as the ledger's StatementFeed.

The day's packets are the list's rows created in that Beijing day (`createStart`/`createEnd`, inclusive Unix
seconds), oldest first, a page of at most 100 (the seed's cap) at a time: a day already over gains no rows, so
walking its pages by number misses none. A row is one packet: its id is the reference (the ledger links it as
"record:<id>"), its uid the member (red-packet member ids are the platform's uids), its status the outcome
(codes.STATUSES). Its amount is the one a FIXED activity fixes, or `send_amount` when sent; a RANDOM packet's
row states none, so its amount is left unverified rather than guessed. Nicknames, mobiles and openids stay out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ledger.domain.reconciliation import day_window
from ledger.domain.statuses import RewardKind
from ledger.ports import StatementPage, StatementRecord
from providers.red_packet import codes
from providers.red_packet.records import RedPacketRecord
from providers.red_packet.wire_requests import MAX_PAGE_SIZE

if TYPE_CHECKING:
    from providers.red_packet.client import RedPacketClient

MAX_DAY_PAGES = 20_000  # two million packets: beyond that the list is not ending, and the run fails saying so


class FeedTooLong(Exception):
    pass


async def day_pages(client: RedPacketClient, day: date) -> AsyncIterator[StatementPage]:
    start, end = day_window(day)
    for page in range(1, MAX_DAY_PAGES + 1):
        listed = await client.list_sends(since=start, until=end - timedelta(seconds=1), page=page,
                                         page_size=MAX_PAGE_SIZE)
        yield StatementPage([_record(row) for row in listed.records])
        if not listed.has_next:
            return
    raise FeedTooLong(f"the send list of {day.isoformat()} has more than {MAX_DAY_PAGES} pages")


def _record(row: RedPacketRecord) -> StatementRecord:
    info = codes.describe_status(row.status)
    return StatementRecord(
        reference=row.id, amount=row.amount_fen, asset="CNY", status=f"{row.status} ({info.meaning_en})",
        outcome=row.reward_status, member_id=row.uid or None, time=row.created_at, kind=RewardKind.RED_PACKET,
        evidence={"id": row.id, "uid": row.uid, "cashRedpackId": row.cash_redpack_id, "status": row.status,
                  "type": row.type, "amountFen": row.amount_fen, "minValueFen": row.min_value_fen,
                  "maxValueFen": row.max_value_fen, "groupId": row.group_id, "actName": row.act_name,
                  "failCode": row.failure_code, "sendListId": row.send_listid,
                  "created": row.created_at.isoformat() if row.created_at else None})
