"""The sandbox's `/_control` routes: the contract every sandbox shares (config, faults, reset) and the ones
that seed and inspect this gateway's state (records, tickets, rules, clock, expire-tokens).

Bad input is a ControlInputError, answered 400 with `{"error": ...}`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler

from providers import sandbox_support
from providers.instant_lottery.sandbox_session import expire_all_tokens
from providers.instant_lottery.sandbox_state import (
    CLIENT_VERSION,
    FAULT_MODES,
    FOREIGN_STATION_ID,
    TERMINAL_TYPE,
    TICKET_OUTCOMES,
    ControlInputError,
    Redemption,
    SandboxState,
    Ticket,
    identity_from_bar_code,
    rules_as_json,
    serial_no_for,
    updated_rules,
)
from providers.instant_lottery.signing import BEIJING
from providers.sandbox_support import TEN_YEARS_S, config_route, fault_and_reset_routes, is_number

DEFAULT_GAME_NAME = "刮刮乐"


def control_routes(state: SandboxState) -> list[HTTPRouteHandler]:
    """The control handlers, bound to one sandbox's state."""

    @get("/_control/records", include_in_schema=False)
    async def records() -> dict[str, Any]:
        return {"redemptions": [redemption_json(r) for r in state.redemptions], "overlaps": state.overlaps,
                "calls": state.calls}

    @post("/_control/tickets", status_code=200, include_in_schema=False)
    async def tickets(request: Request) -> dict[str, Any]:
        ticket = ticket_from(await read_json(request), state.clock.now())
        state.tickets[ticket.bar_code] = ticket
        return {"barCode": ticket.bar_code, "ticketNo": ticket.identity.ticket_no, "outcome": ticket.outcome}

    @get("/_control/rules", include_in_schema=False)
    async def show_rules() -> dict[str, Any]:
        return rules_as_json(state.rules)

    @post("/_control/rules", status_code=200, include_in_schema=False)
    async def change_rules(request: Request) -> dict[str, Any]:
        state.rules = updated_rules(state.rules, await read_json(request))
        return rules_as_json(state.rules)

    @get("/_control/clock", include_in_schema=False)
    async def show_clock() -> dict[str, Any]:
        return {"now": iso_beijing(state.clock.now())}

    @post("/_control/clock", status_code=200, include_in_schema=False)
    async def move_clock(request: Request) -> dict[str, Any]:
        move_clock_as_asked(state, await read_json(request))
        return {"now": iso_beijing(state.clock.now())}

    @post("/_control/expire-tokens", status_code=200, include_in_schema=False)
    async def expire_tokens() -> dict[str, Any]:
        return {"expired": expire_all_tokens(state)}

    return [config_route(lambda base_url: tenant_settings(state, base_url)),
            *fault_and_reset_routes(state, FAULT_MODES, read=read_json), records, tickets, show_rules, change_rules,
            show_clock, move_clock, expire_tokens]


# A body that is not JSON is refused with the parser's reason; one nested too deep is not caught here.
read_json = partial(sandbox_support.read_json, catch=(ValueError,))


def tenant_settings(state: SandboxState, base_url: str) -> dict[str, Any]:
    stations = [{"stationId": station.station_id, "clerkId": "0", "password": station.passwords["0"],
                 "type": TERMINAL_TYPE, "version": CLIENT_VERSION, "serialNo": serial_no_for(station.station_id)}
                for station in state.stations.values()]
    return {"baseUrl": base_url, "appKey": state.app_key, "appSecret": state.app_secret, "signMethod": "MD5",
            "stations": stations, "defaultStationId": stations[0]["stationId"]}


def ticket_from(data: dict[str, Any], now: datetime) -> Ticket:
    bar_code = data.get("barCode")
    if not isinstance(bar_code, str) or not bar_code.strip() or len(bar_code) > 128:
        raise ControlInputError("barCode must be a non-empty string of at most 128 characters")
    outcome = data.get("outcome")
    if outcome not in TICKET_OUTCOMES:
        raise ControlInputError(f"outcome must be one of {list(TICKET_OUTCOMES)}")
    prize_fen = data.get("prizeAmountFen", 0)
    if isinstance(prize_fen, bool) or not isinstance(prize_fen, int) or prize_fen < 0 or prize_fen % 100:
        raise ControlInputError("prizeAmountFen must be a whole number of yuan in fen (a multiple of 100), 0 or more")
    wins = outcome in ("WIN", "REDEEMED")
    if wins and prize_fen == 0:
        raise ControlInputError(f"a {outcome} ticket needs a prizeAmountFen above 0")
    level = data.get("level", 1 if wins else 0)
    if isinstance(level, bool) or not isinstance(level, int) or level < 0:
        raise ControlInputError("level must be a whole number, 0 or more")
    game_name = data.get("gameName", DEFAULT_GAME_NAME)
    if not isinstance(game_name, str) or not game_name:
        raise ControlInputError("gameName must be a non-empty string")
    identity = identity_from_bar_code(bar_code, _five_digits(data, "gameNo"), _five_digits(data, "batchNo"))
    ticket = Ticket(bar_code=bar_code, outcome=outcome, prize_fen=prize_fen if wins else 0, level=level,
                    game_name=game_name, identity=identity)
    if outcome == "REDEEMED":
        ticket.redemption = _foreign_redemption(ticket, now - timedelta(days=1))
    return ticket


def _foreign_redemption(ticket: Ticket, when: datetime) -> Redemption:
    """Cashed before, by another system: its transacId follows the seed's suggested form
    (2-character merchant + yyyyMMddHHmmss + 6-digit serial) with merchant "99"."""
    serial = str(int(hashlib.sha256(ticket.bar_code.encode()).hexdigest(), 16) % 1_000_000).zfill(6)
    transac_id = "99" + when.astimezone(BEIJING).strftime("%Y%m%d%H%M%S") + serial
    return Redemption(bar_code=ticket.bar_code, identity=ticket.identity, station_id=FOREIGN_STATION_ID,
                      clerk_id="0", transac_id=transac_id, user_id="", prize_fen=ticket.prize_fen,
                      level=ticket.level, time=when)


def _five_digits(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 5 or not value.isdigit() or value == "00000":
        raise ControlInputError(f"{name} must be 5 digits (and not 00000, which means 'all')")
    return value


def move_clock_as_asked(state: SandboxState, data: dict[str, Any]) -> None:
    if ("advanceSeconds" in data) == ("set" in data):
        raise ControlInputError('give exactly one of "advanceSeconds" and "set"')
    if "advanceSeconds" in data:
        seconds = data["advanceSeconds"]
        if not is_number(seconds) or abs(seconds) > TEN_YEARS_S:
            raise ControlInputError("advanceSeconds must be a number of seconds (at most ten years)")
        state.clock.advance(float(seconds))
        return
    state.clock.set(_moment(data["set"]))


def _moment(value: Any) -> datetime:
    """An ISO-8601 time; without an offset it is Beijing time, like everything else the gateway says."""
    if not isinstance(value, str):
        raise ControlInputError('"set" must be an ISO-8601 time such as 2026-11-24T12:00:00+08:00')
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ControlInputError('"set" must be an ISO-8601 time such as 2026-11-24T12:00:00+08:00') from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=BEIJING)
    if abs((moment - datetime.now(UTC)).total_seconds()) > TEN_YEARS_S:
        raise ControlInputError('"set" must be within ten years of today')
    return moment


def redemption_json(redemption: Redemption) -> dict[str, Any]:
    return {"barCode": redemption.bar_code, "ticketNo": redemption.identity.ticket_no,
            "stationId": redemption.station_id, "clerkId": redemption.clerk_id,
            "transacId": redemption.transac_id, "userId": redemption.user_id,
            "prizeAmountFen": redemption.prize_fen, "level": redemption.level, "time": iso_beijing(redemption.time)}


def iso_beijing(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")
