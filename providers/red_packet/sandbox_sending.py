"""The sandbox's sending endpoints (seed 004): send to members, send to groups, resend, refresh, scan-send.

Like the seed's platform, send and group-send take no client key and answer only counts: a repeated call
makes new packets. Resend works only on a failed packet (ASSUMPTION, PROTOCOLS.md §4), so repeating it
cannot pay twice.
"""

from __future__ import annotations

from typing import Any

from providers.red_packet import codes
from providers.red_packet.records import FAILED
from providers.red_packet.sandbox_calls import (
    BadParams,
    Reply,
    check_shop,
    counts,
    ids_param,
    ok,
    refusal,
    required_int,
    text_param,
)
from providers.red_packet.sandbox_packets import make_packet, resend, settle
from providers.red_packet.sandbox_rows import packet_row
from providers.red_packet.sandbox_state import Activity, GroupSend, SandboxState
from providers.red_packet.settings import Source

MAX_OPEN_ID = 32


def send_to_members(state: SandboxState, params: dict[str, Any]) -> Reply:
    check_shop(params)
    activity = _activity(state, params)
    uids = ids_param(params, "uid", state.rules.max_ids_per_call)
    source = _source(params)
    made = [make_packet(state, activity, str(uid), source) for uid in uids]
    return counts(len(made), sum(1 for packet in made if packet.status != FAILED))


def send_to_groups(state: SandboxState, params: dict[str, Any]) -> Reply:
    check_shop(params)
    activity = _activity(state, params)
    group_ids = ids_param(params, "wx_group_id", state.rules.max_ids_per_call)
    source = _source(params)
    if any(group_id not in state.groups for group_id in group_ids):
        return refusal(codes.NOT_FOUND)
    made = []
    for group_id in group_ids:
        group_send = GroupSend(id=state.next_group_send_id(), cash_redpack_id=activity.cash_redpack_id,
                               wx_group_id=group_id, created=state.clock.now())
        state.group_sends[group_send.id] = group_send
        made += [make_packet(state, activity, uid, source, group_send.id) for uid in state.groups[group_id].uids]
    return counts(len(made), sum(1 for packet in made if packet.status != FAILED))


def resend_packet(state: SandboxState, params: dict[str, Any]) -> Reply:
    check_shop(params)
    settle(state)
    packet = state.packets.get(required_int(params, "id"))
    if packet is None:
        return refusal(codes.NOT_FOUND)
    if packet.status != FAILED:
        return refusal(codes.NOT_RESENDABLE)
    return counts(1, 1 if resend(state, packet) else 0)


def update_status(state: SandboxState, params: dict[str, Any]) -> Reply:
    """更新红包领取状态: the platform asks WeChat about the packets. The sandbox's packets are always up to
    date with its clock after `settle`, so this answers how many of the ids it knows."""
    check_shop(params)
    ids = ids_param(params, "id", state.rules.max_ids_per_call)
    settle(state)
    found = sum(1 for packet_id in ids if packet_id in state.packets)
    return counts(len(ids), found) if found else refusal(codes.NOT_FOUND)


def scan_send(state: SandboxState, params: dict[str, Any]) -> Reply:
    check_shop(params)
    activity = _activity(state, params)
    open_id = text_param(params, "open_id", MAX_OPEN_ID)
    if open_id is None:
        raise BadParams()
    packet = make_packet(state, activity, state.uid_for_openid(open_id), int(Source.SCAN))
    return ok({"redpackData": packet_row(state, packet)})


def _activity(state: SandboxState, params: dict[str, Any]) -> Activity:
    activity = state.activities.get(required_int(params, "cash_redpack_id"))
    if activity is None:
        raise BadParams(codes.NOT_FOUND)
    return activity


def _source(params: dict[str, Any]) -> int:
    source = required_int(params, "source")
    if source not in {int(item) for item in Source}:
        raise BadParams()
    return source
