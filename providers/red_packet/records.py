"""What the platform's answers become: packet records, group-send summaries, pages and send counts.

Types only; wire.py reads them from the platform's JSON. Amounts are integer fen, times aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from ledger.domain.statuses import RewardStatus
from ledger.ports import Rejected

FAILED, UNCLAIMED, CLAIMED, REFUNDED, SENDING = 1, 2, 3, 4, 5  # the platform's statuses (wire.STATUS_TABLE)


@dataclass(frozen=True)
class RedPacketRecord:
    """One packet (红包数据) as the platform lists it; the seed's fields, typed. Personal data (nickname,
    mobile, openid) is kept out of repr so a logged record cannot leak it."""

    id: str
    uid: str
    cash_redpack_id: int | None
    amount_fen: int | None  # send_amount; for a FIXED activity without one, its min_value (== max_value)
    status: int  # the platform's 1-5 (any other number is kept, and maps to UNKNOWN)
    reward_status: RewardStatus
    type: int | None  # 1 fixed (定额), 2 random (随机)
    source: int | None  # 1 scan .. 6 OPEN (settings.Source)
    fail_code: str | None  # informational unless status is 1 (the seed's sample has status 2 + NOTENOUGH)
    created_at: datetime | None
    group_id: int | None = None  # the group send (红包按组发放id) it belongs to; 0 for a personal send
    act_name: str | None = None
    min_value_fen: int | None = None
    max_value_fen: int | None = None
    mch_billno: str | None = None
    send_listid: str | None = None
    sent_at: datetime | None = None
    modified_at: datetime | None = None
    shop_id: int | None = None
    pid: int | None = None
    nickname: str | None = field(default=None, repr=False)
    mobile: str | None = field(default=None, repr=False)
    re_openid: str | None = field(default=None, repr=False)

    @property
    def failure_code(self) -> str | None:
        """The fail_code when it means something: only for a failed packet."""
        return self.fail_code if self.status == FAILED else None


@dataclass(frozen=True)
class GroupSendSummary:
    """One send to a group (按组发放): its activity, when, and how its packets fared."""

    id: str | None  # not in the seed's sample; kept when the platform sends it
    cash_redpack_id: int | None
    act_name: str | None
    type: int | None
    min_value_fen: int | None
    max_value_fen: int | None
    group_name: str | None
    sent_at: datetime | None
    group_count: int | None
    received: int | None
    not_received: int | None
    refunded: int | None
    failed: int | None
    wx_group_id: int | None = None


Row = TypeVar("Row")


@dataclass(frozen=True)
class RecordPage(Generic[Row]):
    records: list[Row]
    page: int  # 1-based here; the wire's current_page is 0-based
    page_size: int
    total_count: int
    total_pages: int

    @property
    def has_next(self) -> bool:
        return self.page < self.total_pages


@dataclass(frozen=True)
class SendAnswer:
    """What send-cash-redpack and group-send-cash-redpack answer: counts, never record ids.

    `send` packets were attempted and `success` of them went out; the others exist as failed records
    (status 1, with a fail_code). `refusal` is set when the platform refused the whole call (errcode != 0):
    then nothing was sent and both counts are 0."""

    send: int
    success: int
    refusal: Rejected | None = None

    @property
    def failed(self) -> int:
        return self.send - self.success
