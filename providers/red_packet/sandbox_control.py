"""The sandbox's `/_control` routes: the contract every sandbox shares (config, faults, reset, records) and
the ones that seed and steer this platform (activities, groups, claim, clock, balance).

Bad input is a ControlInputError, answered 400 with `{"error": ...}`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler

from providers.red_packet.sandbox_packets import claim, settle
from providers.red_packet.sandbox_state import (
    ACTIVITY_TYPES,
    FAULT_MODES,
    FIXED,
    SHOP_ID,
    Activity,
    ControlInputError,
    Fault,
    Group,
    SandboxState,
)
from providers.red_packet.settings import DEFAULT_API_PREFIX, DEFAULT_AUTHOR_TYPE, MAX_INT11

CONFIG_PATH = "/_control/config"
MAX_AMOUNT_FEN = 100_000_000  # a million yuan: far above any real packet, low enough to stay an int everywhere
MAX_BALANCE_FEN = 10**12
_TEN_YEARS_S = 10 * 365 * 86400
_UID = re.compile(r"^[1-9][0-9]{0,9}$")


def control_routes(state: SandboxState) -> list[HTTPRouteHandler]:
    """The control handlers, bound to one sandbox's state."""

    @get(CONFIG_PATH, include_in_schema=False)
    async def config(request: Request) -> dict[str, Any]:
        return tenant_settings(state, sandbox_base_url(request))

    @post("/_control/faults", status_code=200, include_in_schema=False)
    async def faults(request: Request) -> dict[str, Any]:
        state.fault = fault_from(await read_json(request))
        fault = state.fault
        return {"mode": fault.mode if fault else "none", "count": fault.remaining if fault else 0}

    @post("/_control/reset", status_code=200, include_in_schema=False)
    async def reset() -> dict[str, Any]:
        state.reset()
        return {"reset": True}

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

    @get("/_control/clock", include_in_schema=False)
    async def show_clock() -> dict[str, Any]:
        return {"now": state.clock.now().isoformat(timespec="seconds")}

    @post("/_control/clock", status_code=200, include_in_schema=False)
    async def move_clock(request: Request) -> dict[str, Any]:
        seconds: Any = (await read_json(request)).get("advanceSeconds")
        if not _is_number(seconds) or not 0 <= seconds <= _TEN_YEARS_S:
            raise ControlInputError("advanceSeconds must be a number of seconds from 0 to ten years")
        state.clock.advance(float(seconds))
        return {"now": state.clock.now().isoformat(timespec="seconds")}

    @get("/_control/balance", include_in_schema=False)
    async def show_balance() -> dict[str, Any]:
        settle(state)  # refunds due by now are credited first
        return {"balanceFen": state.balance_fen}

    @post("/_control/balance", status_code=200, include_in_schema=False)
    async def set_balance(request: Request) -> dict[str, Any]:
        state.balance_fen = _whole((await read_json(request)).get("amountFen"), "amountFen", 0, MAX_BALANCE_FEN)
        return {"balanceFen": state.balance_fen}

    return [config, faults, reset, records, activities, groups, claim_packets, show_clock, move_clock, show_balance,
            set_balance]


async def read_json(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ControlInputError("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlInputError("the body must be a JSON object")
    return data


def sandbox_base_url(request: Request) -> str:
    """This sandbox's URL root: the request's URL without the config route, so it stays right when the
    sandbox is mounted under a prefix. The server's raw path is preferred because a mounting router may
    have stripped its prefix from `path`."""
    scope = request.scope
    root_path = scope.get("root_path", "")
    raw_path = scope.get("raw_path")
    path = (raw_path.decode("latin-1") if raw_path else root_path + scope["path"]).rstrip("/")
    prefix = path[: -len(CONFIG_PATH)] if path.endswith(CONFIG_PATH) else root_path
    if root_path and not prefix.startswith(root_path):
        prefix = root_path + prefix  # behind a proxy that strips root_path before the server sees the path
    return f"{request.url.scheme}://{request.url.netloc}{prefix}"


def tenant_settings(state: SandboxState, base_url: str) -> dict[str, Any]:
    settings: dict[str, Any] = {"baseUrl": base_url, "apiPrefix": DEFAULT_API_PREFIX, "projectKey": state.project_key,
                                "shopId": SHOP_ID, "authMode": "none"}
    if state.app_sign_key:
        settings.update(authMode="appSign", appSignKey=state.app_sign_key, authorType=DEFAULT_AUTHOR_TYPE)
    return settings


def fault_from(data: dict[str, Any]) -> Fault | None:
    mode = data.get("mode")
    if mode == "none":
        return None
    if mode not in FAULT_MODES:
        raise ControlInputError(f"mode must be one of {['none', *FAULT_MODES]}")
    count = _whole(data.get("count", 1), "count", 1, 1000)
    delay: Any = data.get("delaySeconds", 5.0)
    if not _is_number(delay) or not 0 <= delay <= 300:
        raise ControlInputError("delaySeconds must be a number of seconds from 0 to 300")
    return Fault(mode=mode, remaining=count, delay_seconds=float(delay))


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
