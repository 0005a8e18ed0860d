"""The red packet sandbox's memory: clock, merchant balance, activities, groups, members and packets.

One `SandboxState` per sandbox app; nothing is global, so several sandboxes can run side by side. The
packets' life (sandbox_packets.py) is driven by this clock, which tests move through `/_control/clock`.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field, fields
from datetime import datetime

from providers.sandbox_support import FAULT_MODES as FAULT_MODES
from providers.sandbox_support import ControlInputError as ControlInputError
from providers.sandbox_support import Fault, FaultSlot, SandboxClock

SHOP_ID = 30  # the seed's sample shop
MCH_ID = "1900000109"  # a made-up WeChat Pay merchant number, the first part of every mch_billno
FIXED, RANDOM = "FIXED", "RANDOM"
ACTIVITY_TYPES = {FIXED: 1, RANDOM: 2}  # seed: type 1定额 2随机
DEFAULT_BALANCE_FEN = 1_000_000  # 10,000 yuan
FIRST_SCAN_UID = 900_001  # uids given to openids the sandbox has not seen


@dataclass(frozen=True)
class Rules:
    """The platform's timings and limits; create_sandbox_app's arguments."""

    sending_seconds: float = 1.0  # 发放中 -> 未领取
    expiry_seconds: float = 24 * 3600  # 未领取 -> 已退款 (PROTOCOLS.md §4: configurable, default 24 h)
    daily_packets_per_member: int = 10  # WeChat's per-member daily count (SENDNUM_LIMIT)
    max_ids_per_call: int = 1000


@dataclass(frozen=True)
class Activity:
    """A cash red packet activity (现金红包): a fixed amount (min == max) or a random range, in fen."""

    cash_redpack_id: int
    kind: str  # FIXED | RANDOM
    min_fen: int
    max_fen: int
    name: str

    @property
    def type_code(self) -> int:
        return ACTIVITY_TYPES[self.kind]


@dataclass(frozen=True)
class Group:
    wx_group_id: int
    name: str
    uids: tuple[str, ...]


@dataclass(frozen=True)
class GroupSend:
    """One send to a group (按组发放); its id is the `group_id` of the packets it made."""

    id: int
    cash_redpack_id: int
    wx_group_id: int
    created: datetime


@dataclass
class Packet:
    id: int
    uid: str
    cash_redpack_id: int
    amount_fen: int
    source: int
    group_id: int
    status: int
    fail_code: str
    created: datetime
    modified: datetime
    sending_since: datetime  # set again by a resend
    send_time: datetime | None = None
    mch_billno: str = ""
    send_listid: str = ""


def openid_for(uid: str) -> str:
    """The WeChat openid (28 characters, like real ones) the sandbox gives a member."""
    return "oSBX" + hashlib.sha256(f"member:{uid}".encode()).hexdigest()[:24]


def _seeded_activities() -> dict[int, Activity]:
    return {1: Activity(1, FIXED, 100, 100, "红包大派送"), 2: Activity(2, RANDOM, 100, 500, "随机红包")}


def _seeded_groups() -> dict[int, Group]:
    return {1: Group(1, "老会员", ("1001", "1002", "1003")), 2: Group(2, "新会员", ("2001", "2002"))}


@dataclass
class SandboxState(FaultSlot):
    project_key: str
    app_sign_key: str | None = None
    seed: int = 4
    rules: Rules = field(default_factory=Rules)
    clock: SandboxClock = field(default_factory=SandboxClock)
    balance_fen: int = DEFAULT_BALANCE_FEN
    activities: dict[int, Activity] = field(default_factory=_seeded_activities)
    groups: dict[int, Group] = field(default_factory=_seeded_groups)
    scanned_uids: dict[str, str] = field(default_factory=dict)  # openid -> uid, for members met by scan
    packets: dict[int, Packet] = field(default_factory=dict)
    group_sends: dict[int, GroupSend] = field(default_factory=dict)
    fault: Fault | None = None
    calls: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # one seeded draw sequence, so RANDOM amounts repeat across runs

    def reset(self) -> None:
        """Forgets everything but the credentials, the seed and the rules; the draws start over."""
        fresh = SandboxState(project_key=self.project_key, app_sign_key=self.app_sign_key, seed=self.seed,
                             rules=self.rules)
        for item in fields(self):
            setattr(self, item.name, getattr(fresh, item.name))

    def next_packet_id(self) -> int:
        return max(self.packets, default=0) + 1

    def next_group_send_id(self) -> int:
        return max(self.group_sends, default=0) + 1

    def uid_for_openid(self, open_id: str) -> str:
        """The member behind an openid: a member the sandbox gave that openid, or a new one."""
        for uid in self._known_uids():
            if openid_for(uid) == open_id:
                return uid
        if open_id not in self.scanned_uids:
            self.scanned_uids[open_id] = str(FIRST_SCAN_UID + len(self.scanned_uids))
        return self.scanned_uids[open_id]

    def openid_of(self, uid: str) -> str:
        scanned = [open_id for open_id, known in self.scanned_uids.items() if known == uid]
        return scanned[0] if scanned else openid_for(uid)

    def _known_uids(self) -> set[str]:
        return {packet.uid for packet in self.packets.values()} | {
            uid for group in self.groups.values() for uid in group.uids}

