"""How the sandbox writes its packets and group sends: in the shapes of the seed's samples, field for field.

scan-send's `redpackData` is the seed's record sample: every field, values as numbers except the texts
(re_openid, mch_billno, send_listid, fail_code); unset times are 0, as in an INT column. The two lists
answer the seed's list rows and nothing more, every value as text (the samples: "id": "1", "status": "2"):
a personal row has no send_amount, fail_code, cash_redpack_id or group_id, and a group row has no id, so
the adapter must cope without them (tests/fixtures/seeds/red-packet/ holds the samples; a test compares).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from providers.red_packet.records import CLAIMED, FAILED, REFUNDED, SENDING, UNCLAIMED
from providers.red_packet.sandbox_state import SHOP_ID, Activity, GroupSend, Packet, SandboxState


def unix(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment is not None else 0


def nickname_of(uid: str) -> str:
    return f"会员{uid}"


def mobile_of(uid: str) -> str:
    """A masked, made-up phone number, the way admin lists show them."""
    return "138****" + uid[-4:].zfill(4)


def packet_row(state: SandboxState, packet: Packet) -> dict[str, Any]:
    """scan-send's `redpackData` (the seed's sample's fields, in its order and types)."""
    return {
        "id": packet.id, "pid": 0, "uid": int(packet.uid), "re_openid": state.openid_of(packet.uid),
        "mch_billno": packet.mch_billno, "cash_redpack_id": packet.cash_redpack_id,
        "send_amount": packet.amount_fen, "send_time": unix(packet.send_time), "send_listid": packet.send_listid,
        "status": packet.status, "fail_code": packet.fail_code, "source": packet.source,
        "group_id": packet.group_id, "shop_id": SHOP_ID, "shop_sub_id": 0, "created": unix(packet.created),
        "modified": unix(packet.modified),
    }


def list_row(state: SandboxState, packet: Packet) -> dict[str, Any]:
    """A row of the personal list (获取红包个人发放列表): the seed's ten fields, as text."""
    activity = _activity_fields(state.activities.get(packet.cash_redpack_id))
    return _texts({"id": packet.id, "act_name": activity["act_name"], "type": activity["type"],
                   "min_value": activity["min_value"], "max_value": activity["max_value"],
                   "nickname": nickname_of(packet.uid), "mobile": mobile_of(packet.uid), "uid": int(packet.uid),
                   "created": unix(packet.created), "status": packet.status})


def group_send_row(state: SandboxState, group_send: GroupSend) -> dict[str, Any]:
    """A row of the group list (获取红包群组发放列表): the seed's eleven fields, as text."""
    statuses = [p.status for p in state.packets.values() if p.group_id == group_send.id]
    group = state.groups.get(group_send.wx_group_id)
    row: dict[str, Any] = {
        **_activity_fields(state.activities.get(group_send.cash_redpack_id)),
        "group_name": group.name if group else "", "send_time": unix(group_send.created),
        "group_count": len(statuses), "received_num": statuses.count(CLAIMED),
        "not_received_num": statuses.count(UNCLAIMED) + statuses.count(SENDING),
        "refunded_num": statuses.count(REFUNDED), "failed_num": statuses.count(FAILED),
    }
    return _texts(row)


def _activity_fields(activity: Activity | None) -> dict[str, Any]:
    if activity is None:
        return {"act_name": None, "type": None, "min_value": None, "max_value": None}
    return {"act_name": activity.name, "type": activity.type_code, "min_value": activity.min_fen,
            "max_value": activity.max_fen}


def _texts(row: dict[str, Any]) -> dict[str, Any]:
    return {name: None if value is None else str(value) for name, value in row.items()}
