"""The sandbox's `/_control` routes: the contract every sandbox shares (config, faults, reset, records) and
the ones that seed and steer this platform (activities, groups, claim, clock, balance).

Bad input is a ControlInputError, answered 400 with `{"error": ...}`.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler

from providers import sandbox_support
from providers.red_packet.sandbox_packets import claim, settle
from providers.red_packet.sandbox_state import (
    ACTIVITY_TYPES,
    FAULT_MODES,
    FIXED,
    SHOP_ID,
    Activity,
    ControlInputError,
    Group,
    SandboxState,
)
from providers.red_packet.settings import DEFAULT_API_PREFIX, DEFAULT_AUTHOR_TYPE, MAX_INT11
from providers.sandbox_support import clock_routes, config_route, fault_and_reset_routes

MAX_AMOUNT_FEN = 100_000_000  # a million yuan: far above any real packet, low enough to stay an int everywhere
MAX_BALANCE_FEN = 10**12
_UID = re.compile(r"^[1-9][0-9]{0,9}$")


def control_routes(state: SandboxState) -> list[HTTPRouteHandler]:
    """The control handlers, bound to one sandbox's state."""

    @get("/_control/records", include_in_schema=False)
    async def records() -> dict[str, Any]:
        settle(state)
        packets = [{"id": str(p.id), "uid": p.uid, "cashRedpackId": p.cash_redpack_id, "amountFen": p.amount_fen,
                    "status": p.status} for p in sorted(state.packets.values(), key=lambda p: p.id)]
        return {"packets": packets, "calls": state.calls}

    @post("/_control/activities", status_code=200, include_in_schema=False)
    async def activities(request: Request) -> dict[str, Any]:
        activity = activity_from(await read_json(request))
        state.activities[activity.cash_redpack_id] = activity
        return {"cashRedpackId": activity.cash_redpack_id, "type": activity.kind, "minValue": activity.min_fen,
                "maxValue": activity.max_fen, "name": activity.name}

    @post("/_control/groups", status_code=200, include_in_schema=False)
    async def groups(request: Request) -> dict[str, Any]:
        group = group_from(await read_json(request))
        state.groups[group.wx_group_id] = group
        return {"groupId": group.wx_group_id, "name": group.name, "uids": list(group.uids)}

    @post("/_control/claim", status_code=200, include_in_schema=False)
    async def claim_packets(request: Request) -> dict[str, Any]:
        return {"claimed": claim(state, uid_from(await read_json(request)))}

    @get("/_control/balance", include_in_schema=False)
    async def show_balance() -> dict[str, Any]:
        settle(state)  # refunds due by now are credited first
        return {"balanceFen": state.balance_fen}

    @post("/_control/balance", status_code=200, include_in_schema=False)
    async def set_balance(request: Request) -> dict[str, Any]:
        state.balance_fen = _whole((await read_json(request)).get("amountFen"), "amountFen", 0, MAX_BALANCE_FEN)
        return {"balanceFen": state.balance_fen}

    return [config_route(lambda base_url: tenant_settings(state, base_url)),
            *fault_and_reset_routes(state, FAULT_MODES, read=read_json), records, activities, groups, claim_packets,
            *clock_routes(state, backwards=False, show=True, read=read_json), show_balance, set_balance]


# A body that is not JSON is refused without the parser's reason (nor is one nested too deep caught here).
read_json = partial(sandbox_support.read_json, catch=(ValueError,), say_why=False)


def tenant_settings(state: SandboxState, base_url: str) -> dict[str, Any]:
    settings: dict[str, Any] = {"baseUrl": base_url, "apiPrefix": DEFAULT_API_PREFIX, "projectKey": state.project_key,
                                "shopId": SHOP_ID, "authMode": "none"}
    if state.app_sign_key:
        settings.update(authMode="appSign", appSignKey=state.app_sign_key, authorType=DEFAULT_AUTHOR_TYPE)
    return settings


def activity_from(data: dict[str, Any]) -> Activity:
    activity_id = _whole(data.get("cashRedpackId"), "cashRedpackId", 1, MAX_INT11)
    kind = data.get("type")
    if kind not in ACTIVITY_TYPES:
        raise ControlInputError(f"type must be one of {list(ACTIVITY_TYPES)}")
    low = _whole(data.get("minValue"), "minValue", 1, MAX_AMOUNT_FEN)
    high = _whole(data.get("maxValue", low), "maxValue", 1, MAX_AMOUNT_FEN)
    if kind == FIXED and low != high:
        raise ControlInputError("a FIXED activity has one amount: minValue must equal maxValue")
    if low > high:
        raise ControlInputError("minValue must not be above maxValue")
    name = data.get("name", f"红包活动{activity_id}")
    if not isinstance(name, str) or not 1 <= len(name) <= 30:
        raise ControlInputError("name must be a string of 1-30 characters")
    return Activity(cash_redpack_id=activity_id, kind=kind, min_fen=low, max_fen=high, name=name)


def group_from(data: dict[str, Any]) -> Group:
    group_id = _whole(data.get("groupId"), "groupId", 1, MAX_INT11)
    uids = data.get("uids")
    if not isinstance(uids, list) or not 1 <= len(uids) <= 1000:
        raise ControlInputError("uids must be a list of 1-1000 member uids")
    name = data.get("name", f"分组{group_id}")
    if not isinstance(name, str) or not 1 <= len(name) <= 30:
        raise ControlInputError("name must be a string of 1-30 characters")
    return Group(wx_group_id=group_id, name=name, uids=tuple(_uid(uid) for uid in uids))


def uid_from(data: dict[str, Any]) -> str:
    return _uid(data.get("uid"))


def _uid(value: Any) -> str:
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not _UID.match(text) or int(text) > MAX_INT11:
        raise ControlInputError("a uid is the platform's member number: digits, such as \"1001\"")
    return text


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ControlInputError(f"{name} must be a whole number from {low} to {high}")
    return value
