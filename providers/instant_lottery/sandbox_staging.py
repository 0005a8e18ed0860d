"""Control routes that change only the gateway's side, to stage what reconciliation must find:

- `POST /_control/redemptions {barCode, prizeAmountFen, userId, stationId?, transacId?}`: a redemption at a
  station that the ledger never asked for (or, naming a transacId the ledger sent, one the ledger recorded as
  failed); the ticket is made (a winning one) when the sandbox does not know it yet.
- `POST /_control/redemptions/amend {transacId, prizeAmountFen}`: the redemption's prize is changed.
- `POST /_control/redemptions/forget {transacId}`: the gateway forgets the redemption (its ticket is unredeemed).

The feeds (awardSummary, awardDetail) and getPrize then report exactly what `GET /_control/records` lists.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from litestar import Request, post
from litestar.handlers import HTTPRouteHandler

from providers.instant_lottery.sandbox_control import read_json, redemption_json
from providers.instant_lottery.sandbox_state import (
    ControlInputError,
    Redemption,
    SandboxState,
    Ticket,
    identity_from_bar_code,
)
from providers.instant_lottery.signing import BEIJING

DEFAULT_GAME_NAME = "刮刮乐"


def staging_routes(state: SandboxState) -> list[HTTPRouteHandler]:
    @post("/_control/redemptions", status_code=200, include_in_schema=False)
    async def add(request: Request) -> dict[str, Any]:
        return redemption_json(add_redemption(state, await read_json(request)))

    @post("/_control/redemptions/amend", status_code=200, include_in_schema=False)
    async def amend(request: Request) -> dict[str, Any]:
        data = await read_json(request)
        return redemption_json(amend_redemption(state, _transac_id(data), _prize_fen(data)))

    @post("/_control/redemptions/forget", status_code=200, include_in_schema=False)
    async def forget(request: Request) -> dict[str, Any]:
        forgotten = forget_redemption(state, _transac_id(await read_json(request)))
        return {"forgotten": redemption_json(forgotten)}

    return [add, amend, forget]


def add_redemption(state: SandboxState, data: dict[str, Any]) -> Redemption:
    bar_code = data.get("barCode")
    if not isinstance(bar_code, str) or not bar_code.strip() or len(bar_code) > 128:
        raise ControlInputError("barCode must be a non-empty string of at most 128 characters")
    user_id = data.get("userId")
    if not isinstance(user_id, str) or not 1 <= len(user_id) <= 64:
        raise ControlInputError("userId must be a string of 1-64 characters")
    prize_fen = _prize_fen(data)
    station_id = data.get("stationId", next(iter(state.stations)))
    if station_id not in state.stations:
        raise ControlInputError(f"stationId must be one of {sorted(state.stations)}")
    ticket = state.tickets.get(bar_code) or Ticket(bar_code=bar_code, outcome="WIN", prize_fen=prize_fen, level=1,
                                                   game_name=DEFAULT_GAME_NAME,
                                                   identity=identity_from_bar_code(bar_code))
    if ticket.redemption is not None:
        raise ControlInputError(f"ticket {bar_code} is already redeemed (transacId {ticket.redemption.transac_id})")
    moment = state.clock.now()
    transac_id = data.get("transacId") or _foreign_transac_id(bar_code, moment.astimezone(BEIJING).strftime(
        "%Y%m%d%H%M%S"))
    if not isinstance(transac_id, str) or not transac_id.isalnum() or len(transac_id) > 32:
        raise ControlInputError("transacId must be at most 32 letters and digits")
    if any(r.transac_id == transac_id for r in state.redemptions):
        raise ControlInputError(f"transacId {transac_id} already redeemed a ticket")
    redemption = Redemption(bar_code=bar_code, identity=ticket.identity, station_id=station_id, clerk_id="0",
                            transac_id=transac_id, user_id=user_id, prize_fen=prize_fen,
                            level=ticket.level or 1, time=moment)
    ticket.redemption = redemption
    state.tickets[bar_code] = ticket
    state.redemptions.append(redemption)
    state.used_transac_ids.add(transac_id)
    return redemption


def amend_redemption(state: SandboxState, transac_id: str, prize_fen: int) -> Redemption:
    index, old = _find(state, transac_id)
    amended = replace(old, prize_fen=prize_fen)
    state.redemptions[index] = amended
    ticket = state.tickets.get(old.bar_code)
    if ticket is not None and ticket.redemption == old:
        ticket.redemption = amended
    return amended


def forget_redemption(state: SandboxState, transac_id: str) -> Redemption:
    index, old = _find(state, transac_id)
    del state.redemptions[index]
    ticket = state.tickets.get(old.bar_code)
    if ticket is not None and ticket.redemption == old:
        ticket.redemption = None
    return old


def _find(state: SandboxState, transac_id: str) -> tuple[int, Redemption]:
    for index, redemption in enumerate(state.redemptions):
        if redemption.transac_id == transac_id:
            return index, redemption
    raise ControlInputError(f"no redemption has transacId {transac_id}")


def _transac_id(data: dict[str, Any]) -> str:
    transac_id = data.get("transacId")
    if not isinstance(transac_id, str) or not transac_id:
        raise ControlInputError("transacId must be given")
    return transac_id


def _prize_fen(data: dict[str, Any]) -> int:
    prize_fen = data.get("prizeAmountFen")
    if isinstance(prize_fen, bool) or not isinstance(prize_fen, int) or prize_fen <= 0 or prize_fen % 100:
        raise ControlInputError("prizeAmountFen must be a whole number of yuan in fen (a multiple of 100), above 0")
    return prize_fen


def _foreign_transac_id(bar_code: str, stamp: str) -> str:
    """The seed's suggested form (2-character merchant + yyyyMMddHHmmss + 6-digit serial), merchant "98": a
    system other than the ledger (and other than the sandbox's REDEEMED tickets, "99")."""
    serial = str(int(hashlib.sha256(bar_code.encode()).hexdigest(), 16) % 1_000_000).zfill(6)
    return "98" + stamp + serial
