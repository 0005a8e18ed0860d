"""The sandbox's login (seed §8.2), password change (§8.3) and token checks (§3.3, §8)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from providers.instant_lottery.sandbox_calls import GatewayCall, Reply, ok, refusal, text_param
from providers.instant_lottery.sandbox_state import TERMINAL_TYPE, SandboxState, Session
from providers.instant_lottery.signing import beijing_timestamp


def station_to_log_in(call: GatewayCall) -> str:
    """The station a login is for: logins are serialised per station like every other call."""
    return text_param(call.params, "stationId")


def login(state: SandboxState, call: GatewayCall) -> Reply:
    params = call.params
    station_id = text_param(params, "stationId")
    clerk_id = text_param(params, "clerkId", max_length=8)
    password = text_param(params, "password", max_length=128)
    terminal_type = text_param(params, "type", max_length=8)
    text_param(params, "version", max_length=32)  # required by the seed, but any version is accepted
    serial_no = text_param(params, "serialNo", max_length=64, missing_ret="1011")
    station = state.stations.get(station_id)
    if station is None:
        return refusal("1013")
    if clerk_id not in station.passwords:
        return refusal("1006")
    if password != station.passwords[clerk_id]:
        return refusal("1007")
    if terminal_type != TERMINAL_TYPE:
        return refusal("1015")
    if station.bound_serial_no is not None and station.bound_serial_no != serial_no:
        return refusal("1017")
    station.bound_serial_no = serial_no
    now = state.clock.now()
    # One session per station (seed §8): the newest login wins and the older program gets 1021.
    previous = state.sessions.get(station.current_token or "")
    if previous is not None:
        previous.replaced = True
    token = secrets.token_hex(16)
    state.sessions[token] = Session(token=token, station_id=station_id, clerk_id=clerk_id,
                                    expires_at=now + timedelta(seconds=state.rules.token_ttl_seconds))
    station.current_token = token
    return ok({"token": token, "serverTime": beijing_timestamp(now)})


def change_password(state: SandboxState, call: GatewayCall) -> Reply:
    session = call.logged_in
    old = text_param(call.params, "old", max_length=128, missing_ret="10008")
    new = text_param(call.params, "new", max_length=128, missing_ret="10008")
    passwords = state.stations[session.station_id].passwords
    if old != passwords[session.clerk_id]:
        return refusal("10008")
    passwords[session.clerk_id] = new
    return ok()


def session_refusal(state: SandboxState, token: str) -> str | None:
    """The code refusing this access_token, or None when its session may act. In this order: 16 missing,
    28 unknown, 27 expired, 1021 taken over by a newer login of the same station."""
    if not token:
        return "16"
    session = state.sessions.get(token)
    if session is None:
        return "28"
    if state.clock.now() >= session.expires_at:
        return "27"
    if session.replaced:
        return "1021"
    return None


def expire_all_tokens(state: SandboxState) -> int:
    now = state.clock.now()
    for session in state.sessions.values():
        session.expires_at = min(session.expires_at, now)
    return len(state.sessions)
