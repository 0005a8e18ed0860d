"""The sandbox's thirdAward (seed §8.4) and the gateway's risk rules that guard it (seed §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from providers.instant_lottery import codes
from providers.instant_lottery.sandbox_calls import GatewayCall, Reply, refusal, text_param
from providers.instant_lottery.sandbox_state import (
    SOLD_CITY,
    Redemption,
    SandboxState,
    Session,
    Ticket,
    beijing_date,
    parse_service_hours,
)
from providers.instant_lottery.signing import BEIJING, beijing_timestamp

MACHINE_READ = "1701"
MANUAL_ENTRY = "1704"  # "暂不支持" in the seed; refused as described in manual_entry_refusal


@dataclass(frozen=True)
class AwardRequest:
    user_id: str
    transac_id: str
    redemption_type: str
    bar_code: str
    input_bar_code: str


def third_award(state: SandboxState, call: GatewayCall) -> Reply:
    request = _award_request(call.params)
    if request.transac_id in state.used_transac_ids:
        return refusal("10030", {"transacId": request.transac_id})
    now = state.clock.now()
    risk = risk_refusal(state, request.user_id, now)
    if risk is not None:
        # Refused before redeeming and without using the transacId: the same request may come back later.
        return refusal(risk, {"transacId": request.transac_id})
    state.used_transac_ids.add(request.transac_id)
    activity = state.user(request.user_id)
    activity.last_redemption_attempt = now
    reply = _attempt(state, call.logged_in, request, now)
    if reply.ret not in codes.REDEEMED:
        # Seed §6 counts every attempt that did not redeem: not winning, bad bar codes, other failures.
        today = beijing_date(now)
        activity.failures_by_day[today] = activity.failures_by_day.get(today, 0) + 1
    return reply


def _award_request(params: dict[str, Any]) -> AwardRequest:
    return AwardRequest(
        user_id=text_param(params, "userId", max_length=32),
        transac_id=text_param(params, "transacId", max_length=32, missing_ret="14"),
        redemption_type=text_param(params, "type", max_length=8),
        bar_code=text_param(params, "barCode", max_length=128),
        input_bar_code=text_param(params, "inputBarCode", max_length=32, required=False),
    )


def risk_refusal(state: SandboxState, user_id: str, now: datetime) -> str | None:
    """The risk service's code for refusing this user now, or None (seed §6, codes 10031-10037)."""
    rules = state.rules
    if not rules.enabled:
        return "10031"
    # A blacklisted user hears so first: the other refusals would suggest that waiting helps.
    if user_id in rules.blacklist:
        return "10037"
    if not in_service_hours(rules.service_hours, now):
        return "10032"
    activity = state.user(user_id)
    last = activity.last_redemption_attempt
    if last is not None and (now - last).total_seconds() < rules.min_interval_seconds:
        return "10033"
    today = beijing_date(now)
    if activity.failures_by_day.get(today, 0) >= rules.max_failures_per_day:
        return "10034"
    todays = [r for r in state.redemptions if r.user_id == user_id and beijing_date(r.time) == today]
    if len(todays) >= rules.max_tickets_per_day:
        return "10035"
    if sum(r.prize_fen for r in todays) >= rules.max_amount_per_day_fen:
        return "10036"
    return None


def in_service_hours(service_hours: str, now: datetime) -> bool:
    start, end = parse_service_hours(service_hours)
    local = now.astimezone(BEIJING)
    minute = local.hour * 60 + local.minute
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end  # a window across midnight, e.g. 22:00-02:00


def manual_entry_refusal(request: AwardRequest) -> str:
    """Manual entry (type 1704) is not supported, but is refused the way the seed's codes describe so a
    client sees the same codes as in production: G bar codes have no manual entry (10023), a code must
    be given (10024), have 13 or 14 digits (10027), and no code ever verifies here (10028)."""
    if request.bar_code.upper().startswith("G"):
        return "10023"
    if not request.input_bar_code:
        return "10024"
    if not (request.input_bar_code.isdigit() and len(request.input_bar_code) in (13, 14)):
        return "10027"
    return "10028"


def _attempt(state: SandboxState, session: Session, request: AwardRequest, now: datetime) -> Reply:
    if request.redemption_type == MANUAL_ENTRY:
        return refusal(manual_entry_refusal(request), {"transacId": request.transac_id})
    if request.redemption_type != MACHINE_READ:
        return refusal("13", {"transacId": request.transac_id})
    ticket = state.tickets.get(request.bar_code)
    if ticket is None:
        return refusal("1303", {"transacId": request.transac_id})  # never came into a station
    if ticket.redemption is not None:
        return _already_redeemed(state, session, ticket, ticket.redemption, request.transac_id)
    if ticket.outcome == "LOSE":
        return refusal(codes.NOT_WINNING, _ticket_info(ticket, request.transac_id))
    if ticket.outcome == "UNSOLD":
        return refusal("1303", {"transacId": request.transac_id})
    if ticket.outcome == "OTHER_PROVINCE":
        return refusal("1316", {"transacId": request.transac_id})
    if ticket.prize_fen > state.rules.station_prize_limit_fen:
        return refusal(codes.OVER_LIMIT, _ticket_info(ticket, request.transac_id))
    return _redeem(state, session, ticket, request, now)


def _redeem(state: SandboxState, session: Session, ticket: Ticket, request: AwardRequest, now: datetime
            ) -> Reply:
    redemption = Redemption(bar_code=ticket.bar_code, identity=ticket.identity, station_id=session.station_id,
                            clerk_id=session.clerk_id, transac_id=request.transac_id, user_id=request.user_id,
                            prize_fen=ticket.prize_fen, level=ticket.level, time=now)
    ticket.redemption = redemption
    state.redemptions.append(redemption)
    prize_yuan = ticket.prize_fen // 100
    counter = state.counter(session.station_id, session.clerk_id)
    counter.tickets += 1
    counter.amount_yuan += prize_yuan
    station = state.stations[session.station_id]
    station.balance_yuan += prize_yuan
    content = {
        **_ticket_info(ticket, request.transac_id),
        "level": ticket.level,
        "prize": prize_yuan,
        "balance": station.balance_yuan,
        "soldCity": SOLD_CITY,
        "amountTicket": counter.tickets,
        "amountPrize": counter.amount_yuan,
    }
    return Reply(ret="1301", success=True, content=content)


def _already_redeemed(state: SandboxState, session: Session, ticket: Ticket, first: Redemption, transac_id: str
                      ) -> Reply:
    counter = state.counter(session.station_id, session.clerk_id)
    ticket_info = _ticket_info(ticket, transac_id)
    content = {  # in §8.4's order: transacId, transacIdOrg, then the ticket
        "transacId": ticket_info.pop("transacId"),
        "transacIdOrg": first.transac_id,
        **ticket_info,
        "level": first.level,
        "prize": first.prize_fen // 100,
        "balance": state.stations[session.station_id].balance_yuan,
        "awardStation": first.station_id,
        "awardTime": beijing_timestamp(first.time),
        "soldCity": SOLD_CITY,
        # Spelled as in the seed's table for 1307 (and unlike the 1301 answer): clients must cope.
        "Amoutticket": counter.tickets,
        "AmountPrize": counter.amount_yuan,
    }
    # success=true with 1307 is what the seed documents: the call worked, the ticket was not paid again.
    return Reply(ret=codes.ALREADY_REDEEMED, success=True, content=content)


def _ticket_info(ticket: Ticket, transac_id: str) -> dict[str, Any]:
    return {"transacId": transac_id, "ticketNo": ticket.identity.ticket_no, "gameName": ticket.game_name,
            "price": ticket.price_yuan}
