"""A packet's life in the sandbox, on the sandbox clock (PROTOCOLS.md §4, "Sandbox must emulate").

    made --(balance covers it, member under the daily count)--> 5 发放中 --(sending_seconds)--> 2 未领取
    made --(balance short)--> 1 发放失败 NOTENOUGH;  made --(daily count reached)--> 1 SENDNUM_LIMIT
    2 --(/_control/claim)--> 3 已领取;  2 --(expiry_seconds unclaimed)--> 4 已退款 (the money goes back)
    1 --(resend, once the reason is gone)--> 5

The balance is debited when a packet goes out and credited back when it is refunded; a packet that
fails is never debited. Transitions happen lazily: `settle` brings every packet up to the clock before
anything reads or changes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from providers.red_packet.codes import NOTENOUGH, SENDNUM_LIMIT
from providers.red_packet.records import CLAIMED, FAILED, REFUNDED, SENDING, UNCLAIMED
from providers.red_packet.sandbox_state import MCH_ID, RANDOM, Activity, Packet, SandboxState


def settle(state: SandboxState) -> None:
    """Moves every packet along as far as the clock says: sending -> unclaimed -> refunded."""
    now = state.clock.now()
    sending = timedelta(seconds=state.rules.sending_seconds)
    expiry = timedelta(seconds=state.rules.expiry_seconds)
    for packet in state.packets.values():
        if packet.status == SENDING and now >= packet.sending_since + sending:
            sent_at = packet.sending_since + sending
            packet.status, packet.send_time, packet.modified = UNCLAIMED, sent_at, sent_at
            packet.send_listid = f"10000417{sent_at:%Y%m%d}{packet.id:012d}"
        if packet.status == UNCLAIMED and packet.send_time and now >= packet.send_time + expiry:
            packet.status, packet.modified = REFUNDED, packet.send_time + expiry
            state.balance_fen += packet.amount_fen


def make_packet(state: SandboxState, activity: Activity, uid: str, source: int, group_id: int = 0) -> Packet:
    """One packet of `activity` for `uid`, sending or failed; its amount is drawn either way."""
    now = state.clock.now()
    amount = state.rng.randint(activity.min_fen, activity.max_fen) if activity.kind == RANDOM else activity.min_fen
    packet_id = state.next_packet_id()
    packet = Packet(id=packet_id, uid=uid, cash_redpack_id=activity.cash_redpack_id, amount_fen=amount,
                    source=source, group_id=group_id, status=FAILED, fail_code="", created=now, modified=now,
                    sending_since=now, mch_billno=f"{MCH_ID}{now:%Y%m%d}{packet_id:010d}")
    state.packets[packet_id] = packet
    _try_to_send(state, packet)
    return packet


def resend(state: SandboxState, packet: Packet) -> bool:
    """Sends a failed packet again (same mch_billno: WeChat's re-entrant number); True when it went out."""
    return _try_to_send(state, packet)


def claim(state: SandboxState, uid: str) -> int:
    """The member opens every packet waiting for them; how many."""
    settle(state)
    now = state.clock.now()
    waiting = [p for p in state.packets.values() if p.uid == uid and p.status == UNCLAIMED]
    for packet in waiting:
        packet.status, packet.modified = CLAIMED, now
    return len(waiting)


def _try_to_send(state: SandboxState, packet: Packet) -> bool:
    now = state.clock.now()
    packet.modified = now
    if _sent_today(state, packet.uid, now) >= state.rules.daily_packets_per_member:
        packet.status, packet.fail_code = FAILED, SENDNUM_LIMIT
        return False
    if state.balance_fen < packet.amount_fen:
        packet.status, packet.fail_code = FAILED, NOTENOUGH
        return False
    state.balance_fen -= packet.amount_fen
    packet.status, packet.fail_code, packet.sending_since = SENDING, "", now
    return True


def _sent_today(state: SandboxState, uid: str, now: datetime) -> int:
    """Packets that went out to this member in the current (UTC) day of the sandbox clock."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return sum(1 for p in state.packets.values()
               if p.uid == uid and p.status != FAILED and p.sending_since >= day_start)
