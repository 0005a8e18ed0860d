"""The sandbox's read-side calls: the clerk's subtotal (seed §8.5, §8.6), a ticket's prize (§8.9) and the
reconciliation feeds awardSummary and awardDetail (§8.8), each answered field for field as the seed prints
it (tests/fixtures/seeds/instant-lottery/)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from providers.instant_lottery.codes import NO_REDEMPTION_RECORD
from providers.instant_lottery.sandbox_calls import GatewayCall, Reply, ok, refusal, text_param
from providers.instant_lottery.sandbox_state import Redemption, SandboxState, TicketIdentity
from providers.instant_lottery.signing import beijing_timestamp, parse_timestamp

ALL = "00000"  # gameNo / batchNo meaning "every game" / "every batch"
SUMMARY_RANGE = timedelta(days=31)  # §8.8.1: a month at most
DETAIL_RANGE = timedelta(days=1)  # §8.8.2: one day at most
SUMMARY_FAILED = "10038"
DETAIL_FAILED = "10039"


def get_count(state: SandboxState, call: GatewayCall) -> Reply:
    session = call.logged_in
    counter = state.counter(session.station_id, session.clerk_id)
    return ok({"tickets": counter.tickets, "amount": counter.amount_yuan})


def reset_count(state: SandboxState, call: GatewayCall) -> Reply:
    session = call.logged_in
    counter = state.counter(session.station_id, session.clerk_id)
    counter.tickets = 0
    counter.amount_yuan = 0
    return ok()


def get_prize(state: SandboxState, call: GatewayCall) -> Reply:
    ticket = state.tickets.get(text_param(call.params, "barCode", max_length=128))
    if ticket is None or ticket.redemption is None:
        return refusal(NO_REDEMPTION_RECORD)
    redemption = ticket.redemption
    return ok({"level": redemption.level, "prize": redemption.prize_fen // 100,
               "stationId": redemption.station_id, "awardTime": beijing_timestamp(redemption.time)})


def award_summary(state: SandboxState, call: GatewayCall) -> Reply:
    """The tickets and yuan redeemed at the caller's station for the asked game and batch ("00000": all),
    as the one object §8.8.1 prints (gameNo, batchNo, tickets, amount). The seed types every field of §8.8
    as String, so the counts are sent as strings."""
    chosen = _reconciliation_range(call.params, SUMMARY_RANGE)
    if chosen is None:
        return refusal(SUMMARY_FAILED)
    game_no, batch_no = chosen[0], chosen[1]
    redeemed = list(_station_redemptions(state, call, *chosen))
    return ok({"gameNo": game_no, "batchNo": batch_no, "tickets": str(len(redeemed)),
               "amount": str(sum(redemption.prize_fen // 100 for redemption in redeemed))})


def award_detail(state: SandboxState, call: GatewayCall) -> Reply:
    """One object per ticket redeemed at the caller's station in a range of at most a day, each with
    exactly §8.8.2's fields, listed directly in `content`."""
    chosen = _reconciliation_range(call.params, DETAIL_RANGE)
    if chosen is None:
        return refusal(DETAIL_FAILED)
    return ok([_detail_row(redemption) for redemption in _station_redemptions(state, call, *chosen)])


def _detail_row(redemption: Redemption) -> dict[str, Any]:
    identity = redemption.identity
    return {"gameNo": identity.game_no, "batchNo": identity.batch_no, "packNo": identity.pack_no,
            "ticketNo": identity.ticket_in_pack, "transacId": redemption.transac_id,
            "time": beijing_timestamp(redemption.time)}


def _reconciliation_range(params: dict[str, Any], longest: timedelta
                          ) -> tuple[str, str, datetime, datetime] | None:
    """(gameNo, batchNo, begin, end) when the request is answerable, else None."""
    game_no, batch_no = params.get("gameNo"), params.get("batchNo")
    begin = parse_timestamp(str(params.get("beginTime") or ""))
    end = parse_timestamp(str(params.get("endTime") or ""))
    if not isinstance(game_no, str) or not isinstance(batch_no, str) or begin is None or end is None:
        return None
    if end < begin or end - begin > longest:
        return None
    return game_no, batch_no, begin, end


def _station_redemptions(state: SandboxState, call: GatewayCall, game_no: str, batch_no: str,
                         begin: datetime, end: datetime) -> Iterable[Redemption]:
    """Redemptions at the caller's station (any clerk) between begin and end, both included at
    whole-second precision as the feed's times are written."""
    station_id = call.logged_in.station_id
    for redemption in state.redemptions:
        moment = redemption.time.replace(microsecond=0)
        if (redemption.station_id == station_id and begin <= moment <= end
                and matches_game(redemption.identity, game_no, batch_no)):
            yield redemption


def matches_game(identity: TicketIdentity, game_no: str, batch_no: str) -> bool:
    return game_no in (ALL, identity.game_no) and batch_no in (ALL, identity.batch_no)
