"""Reading the gateway's answers to its queries, without I/O: a ticket's prize record (getPrize, seed §8.9),
the clerk's subtotal (getCount, §8.5) and the reconciliation feeds (awardSummary §8.8.1, awardDetail §8.8.2).

The seed prints each answer's `content` as the fields of one object. A feed carries its rows directly in
`content`: one object (as printed: awardSummary totals the asked game and batch, "00000" for all), or a
list of such objects (awardDetail has one per redeemed ticket). `{}` is no rows (§3.1: "如果没有...{}").
The seed types every feed field as String (counts and yuan included) and pages nothing. A row without
the fields the seed prints is not silently dropped: the answer is unreadable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from providers.instant_lottery.wire import GatewayReply, yuan_to_fen


class AnswerUnreadable(ValueError):
    """The gateway answered success, but not in a shape the seed documents."""


@dataclass(frozen=True)
class PrizeRecord:
    level: int | None
    prize_fen: int
    station_id: str
    award_time: str


@dataclass(frozen=True)
class StationCounter:
    tickets: int
    amount_fen: int


@dataclass(frozen=True)
class AwardSummary:
    """awardSummary: tickets redeemed and their prizes at the station for a game and batch ("00000": all)."""

    game_no: str
    batch_no: str
    tickets: int
    amount_fen: int


@dataclass(frozen=True)
class AwardDetail:
    """awardDetail: one ticket redeemed at the station, and the transaction that redeemed it."""

    game_no: str
    batch_no: str
    pack_no: str
    ticket_no: str
    transac_id: str
    time: str  # Beijing time, YYYY-MM-DD HH:MM:SS


def prize_record(reply: GatewayReply) -> PrizeRecord:
    prize = yuan_to_fen(reply.get("prize"))
    if prize is None:
        raise AnswerUnreadable("getPrize answered without a readable prize")
    level = reply.get("level")
    return PrizeRecord(level=int(level) if str(level).isdigit() else None, prize_fen=prize,
                       station_id=str(reply.get("stationId", "")), award_time=str(reply.get("awardTime", "")))


def station_counter(reply: GatewayReply) -> StationCounter:
    tickets, amount = reply.get("tickets"), yuan_to_fen(reply.get("amount"))
    if not _whole_number(tickets) or amount is None:
        raise AnswerUnreadable("getCount answered without readable tickets and amount")
    return StationCounter(tickets=int(tickets), amount_fen=amount)


def award_summaries(reply: GatewayReply) -> list[AwardSummary]:
    summaries = []
    for row in feed_rows(reply):
        tickets, amount = _field(row, "tickets"), yuan_to_fen(_field(row, "amount"))
        if not _whole_number(tickets) or amount is None:
            raise AnswerUnreadable(f"awardSummary row without readable tickets and amount: {sorted(row)}")
        summaries.append(AwardSummary(game_no=_text(row, "gameNo"), batch_no=_text(row, "batchNo"),
                                      tickets=int(tickets), amount_fen=amount))
    return summaries


def award_details(reply: GatewayReply) -> list[AwardDetail]:
    return [AwardDetail(game_no=_text(row, "gameNo"), batch_no=_text(row, "batchNo"), pack_no=_text(row, "packNo"),
                        ticket_no=_text(row, "ticketNo"), transac_id=_text(row, "transacId"), time=_text(row, "time"))
            for row in feed_rows(reply)]


def feed_rows(reply: GatewayReply) -> list[dict[str, Any]]:
    """The rows of a feed's answer: the objects of a list `content`, or `content` itself when it is one."""
    if reply.rows is not None:
        if not all(isinstance(row, dict) for row in reply.rows):
            raise AnswerUnreadable("a feed's content list holds something other than objects")
        return list(reply.rows)
    return [reply.content] if reply.content else []


def _field(row: dict[str, Any], name: str) -> Any:
    wanted = name.lower()
    return next((value for key, value in row.items() if key.lower() == wanted), None)


def _text(row: dict[str, Any], name: str) -> str:
    value = _field(row, name)
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise AnswerUnreadable(f"a feed row without {name}: {sorted(row)}")
    return str(value)


def _whole_number(value: Any) -> bool:
    """A count as the seed sends it: a String of digits (an int is read too)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) and value >= 0 or isinstance(value, str) and value.isdigit()
