"""The sandbox's two lists (seed 004): personal sends and group sends, with the seed's filters and paging.

`page` starts at 0 and `count` defaults to 20 (the seed sample's per_page) and is cut to 100 (一次最多获取
100个). `sortStr` is a JSON object of field to "asc"/"desc" (PHP's ['id'=>'desc']); the fields are `id`
and `created`, newest first by default. `createStart`/`createEnd` are inclusive Unix seconds. The personal
list also honours `uid` and `id`, which the seed does not list (the adapter checks rows itself anyway).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from providers.red_packet.sandbox_calls import BadParams, Reply, check_shop, int_param, text_param
from providers.red_packet.sandbox_packets import settle
from providers.red_packet.sandbox_rows import group_send_row, list_row, mobile_of, nickname_of, unix
from providers.red_packet.sandbox_state import GroupSend, Packet, SandboxState

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_KEYWORD = 30
_END_OF_TIME = 2**63
Item = TypeVar("Item", Packet, GroupSend)


def list_sends(state: SandboxState, params: dict[str, Any]) -> Reply:
    check_shop(params)
    settle(state)
    wanted = _packet_filter(state, params)
    packets = _sorted([p for p in state.packets.values() if wanted(p)], params)
    return _page(packets, params, lambda packet: list_row(state, packet))


def list_group_sends(state: SandboxState, params: dict[str, Any]) -> Reply:
    check_shop(params)
    settle(state)
    activity_id = int_param(params, "cash_redpack_id", required=False)
    keyword = text_param(params, "keyword", MAX_KEYWORD)
    start, end = _created_range(params)

    def wanted(send: GroupSend) -> bool:
        activity = state.activities.get(send.cash_redpack_id)
        group = state.groups.get(send.wx_group_id)
        names = (activity.name if activity else "", group.name if group else "")
        return ((activity_id is None or send.cash_redpack_id == activity_id) and start <= unix(send.created) <= end
                and (keyword is None or any(keyword in name for name in names)))

    sends = _sorted([send for send in state.group_sends.values() if wanted(send)], params)
    return _page(sends, params, lambda send: group_send_row(state, send))


def _packet_filter(state: SandboxState, params: dict[str, Any]) -> Callable[[Packet], bool]:
    exact = {name: int_param(params, name, required=False)
             for name in ("cash_redpack_id", "group_id", "status", "source", "uid", "id")}
    packet_type = int_param(params, "type", required=False)
    keyword = text_param(params, "keyword", MAX_KEYWORD)
    wx_keyword = text_param(params, "wx_keyword", MAX_KEYWORD)
    start, end = _created_range(params)

    def wanted(packet: Packet) -> bool:
        values = {"cash_redpack_id": packet.cash_redpack_id, "group_id": packet.group_id, "status": packet.status,
                  "source": packet.source, "uid": int(packet.uid), "id": packet.id}
        if any(want is not None and values[name] != want for name, want in exact.items()):
            return False
        activity = state.activities.get(packet.cash_redpack_id)
        if packet_type is not None and (activity is None or activity.type_code != packet_type):
            return False
        nickname = nickname_of(packet.uid)
        if keyword is not None and keyword not in nickname and (activity is None or keyword not in activity.name):
            return False
        if wx_keyword is not None and wx_keyword not in nickname and wx_keyword not in mobile_of(packet.uid):
            return False
        return start <= unix(packet.created) <= end

    return wanted


def _created_range(params: dict[str, Any]) -> tuple[int, int]:
    start = int_param(params, "createStart", required=False)
    end = int_param(params, "createEnd", required=False)
    return (0 if start is None else start), (_END_OF_TIME if end is None else end)


def _sorted(items: list[Item], params: dict[str, Any]) -> list[Item]:
    order = params.get("sortStr") or {"id": "desc"}
    if not isinstance(order, dict) or not order:
        raise BadParams()
    keys: dict[str, Callable[[Item], int]] = {"id": lambda item: item.id, "created": lambda item: unix(item.created)}
    ordered = sorted(items, key=lambda item: item.id)
    # Python's sort is stable: sorting by the last key first leaves the first key deciding.
    for name, direction in reversed(list(order.items())):
        if name not in keys or str(direction).lower() not in ("asc", "desc"):
            raise BadParams()
        ordered.sort(key=keys[name], reverse=str(direction).lower() == "desc")
    return ordered


def _page(items: list[Item], params: dict[str, Any], row: Callable[[Item], dict[str, Any]]) -> Reply:
    page = int_param(params, "page", required=False) or 0
    count = min(int_param(params, "count", required=False, minimum=1) or DEFAULT_COUNT, MAX_COUNT)
    shown = items[page * count:(page + 1) * count]
    return Reply(data=[row(item) for item in shown],
                 page={"per_page": count, "total_count": len(items), "current_page": page,
                       "total_page": math.ceil(len(items) / count)})
