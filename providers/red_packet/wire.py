"""The platform's answers (seed 004, PROTOCOLS.md §4) and pure mapping from them to typed results.

Every endpoint answers `{"errcode", "errmsg", "data", "page"?}`; errcode 0 is success. A body that is not
that envelope (an HTML page, a proxy's 502, a cut-off JSON) is unreadable, which the client turns into
Unknown. A non-zero errcode is a refusal or Unknown by its kind in codes.py: Unknown unless a document
says the platform did nothing, since it may hide work done.
Lists answer `page{per_page, total_count, current_page (0-based), total_page}`. Requests are built in
wire_requests.py; the platform's loosely typed values are read by wire_values.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Outcome, Rejected, Unknown
from providers.red_packet import codes
from providers.red_packet.records import GroupSendSummary, RecordPage, RedPacketRecord, SendAnswer
from providers.red_packet.wire_values import wire_fen, wire_int, wire_text, wire_time

# THE status table, read from codes.STATUSES (seed: 1发放失败 2未领取 3已领取 4已退款 5发放中). Anything else
# is UNKNOWN, never a success.
STATUS_TABLE: Mapping[int, RewardStatus] = MappingProxyType(
    {status: info.reward_status for status, info in codes.STATUSES.items()})


def reward_status(platform_status: int | None) -> RewardStatus:
    return codes.describe_status(platform_status).reward_status


def packet_reward_status(platform_status: int | None, fail_code: str | None) -> RewardStatus:
    """The status a packet gives its reward: UNKNOWN when it may have been paid though the platform calls
    it failed (a fail_code such as SYSTEMERROR), so its hold stays until a refresh says more."""
    kind, _ = codes.packet_kind(platform_status, fail_code)
    return RewardStatus.UNKNOWN if kind is codes.AnswerKind.MAY_HAVE_HAPPENED else reward_status(platform_status)


@dataclass(frozen=True)
class PlatformReply:
    errcode: str
    errmsg: str
    data: Any
    page: Any = None

    @property
    def ok(self) -> bool:
        return self.errcode == codes.OK


def parse_reply(status_code: int, body: bytes) -> PlatformReply | None:
    """The platform's envelope, or None when the body is not one (an HTML error page, a proxy's 502)."""
    if status_code != 200:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or "errcode" not in data or isinstance(data["errcode"], (dict, list)):
        return None
    return PlatformReply(errcode=codes.normalise_errcode(data["errcode"]), errmsg=str(data.get("errmsg") or ""),
                         data=data.get("data"), page=data.get("page"))


def refusal(reply: PlatformReply, refused: frozenset[str] = codes.REFUSED_ERRCODES) -> Rejected | Unknown:
    """A non-zero errcode, by its kind (codes.errcode_kind): a refusal when the platform did nothing (a
    code in `refused`), Unknown when packets may exist (every code no document explains)."""
    kind, why = codes.errcode_kind(reply.errcode, refused)
    if kind is not codes.AnswerKind.REFUSED:
        return Unknown(f"errcode {reply.errcode}: {why}")
    info = codes.describe_errcode(reply.errcode)
    return Rejected(code=info.code, message=info.meaning_en, retryable=info.retry_safe,
                    details={"errmsg": reply.errmsg})


def _counts(reply: PlatformReply) -> tuple[int, int] | None:
    data = reply.data if isinstance(reply.data, dict) else {}
    send, success = wire_int(data.get("send")), wire_int(data.get("success"))
    if send is None or success is None or not 0 <= success <= send:
        return None
    return send, success


def send_answer(reply: PlatformReply, refused: frozenset[str] = codes.REFUSED_ERRCODES) -> SendAnswer | Unknown:
    if not reply.ok:
        refusing = refusal(reply, refused)
        return refusing if isinstance(refusing, Unknown) else SendAnswer(send=0, success=0, refusal=refusing)
    counts = _counts(reply)
    if counts is None:
        return Unknown("errcode 0 without readable send/success counts")
    return SendAnswer(send=counts[0], success=counts[1])


def resend_outcome(reply: PlatformReply, record_id: str, refused: frozenset[str] = codes.REFUSED_ERRCODES
                   ) -> Outcome:
    if not reply.ok:
        return refusal(reply, refused)
    counts = _counts(reply)
    if counts is None:
        return Unknown("errcode 0 without readable send/success counts")
    details = {"send": counts[0], "success": counts[1]}
    if counts[1] >= 1:
        return Accepted(status=RewardStatus.PENDING, refs={"recordId": record_id}, details=details)
    # Not resent; the record's fail_code says why and whether a later resend is safe, so none is promised here.
    return Rejected(code="NOT_RESENT", message="the platform did not resend the packet; read its fail_code",
                    retryable=False, details=details)


def record_outcome(record: RedPacketRecord) -> Outcome:
    """A packet record as the port's outcome, by its kind (codes.packet_kind): FAILED is a refusal; a
    packet that may have been paid, or has an unmapped status, is Unknown."""
    refs = {"recordId": record.id, "mchBillno": record.mch_billno}
    details = {"platformStatus": record.status, "type": record.type, "source": record.source,
               "cashRedpackId": record.cash_redpack_id}
    kind, why = codes.packet_kind(record.status, record.failure_code)
    if kind is codes.AnswerKind.MAY_HAVE_HAPPENED:
        return Unknown(f"packet {record.id}, status {record.status}: {why}")
    if kind is codes.AnswerKind.REFUSED:
        info = codes.describe_fail_code(record.fail_code or "")
        message = info.meaning_en if record.fail_code else "the platform lists the packet as failed (status 1)"
        return Rejected(code=record.fail_code or "FAILED", message=message,
                        retryable=bool(record.fail_code) and info.retry_safe, details={**details, **refs})
    return Accepted(status=record.reward_status, amount=record.amount_fen, refs=refs, details=details)


def scanned_record(reply: PlatformReply, refused: frozenset[str] = codes.REFUSED_ERRCODES
                   ) -> RedPacketRecord | Rejected | Unknown:
    if not reply.ok:
        return refusal(reply, refused)
    data = reply.data if isinstance(reply.data, dict) else {}
    record = record_from_row(data.get("redpackData"))
    return record if record is not None else Unknown("errcode 0 without a readable redpackData")


def record_page(reply: PlatformReply, page_size: int) -> RecordPage[RedPacketRecord] | None:
    """A page of packet records, or None when any part is unreadable (a skipped row could hide a packet)."""
    rows = reply.data if isinstance(reply.data, list) else None
    records = [record_from_row(row) for row in rows or []]
    if rows is None or any(record is None for record in records):
        return None
    return _page([record for record in records if record is not None], reply.page, page_size)


def group_page(reply: PlatformReply, page_size: int) -> RecordPage[GroupSendSummary] | None:
    rows = reply.data if isinstance(reply.data, list) else None
    groups = [group_from_row(row) for row in rows or []]
    if rows is None or any(group is None for group in groups):
        return None
    return _page([group for group in groups if group is not None], reply.page, page_size)


def _page(rows: list[Any], page: Any, page_size: int) -> RecordPage[Any] | None:
    page = page if isinstance(page, dict) else {}
    current, total, pages = (wire_int(page.get(name)) for name in ("current_page", "total_count", "total_page"))
    if current is None or total is None or pages is None or min(current, total, pages) < 0:
        return None
    per_page = wire_int(page.get("per_page"))
    return RecordPage(records=rows, page=current + 1, page_size=per_page or page_size, total_count=total,
                      total_pages=pages)


def record_from_row(row: Any) -> RedPacketRecord | None:
    if not isinstance(row, dict):
        return None
    record_id, uid, status = wire_int(row.get("id")), wire_int(row.get("uid")), wire_int(row.get("status"))
    if record_id is None or uid is None or status is None:
        return None
    min_fen, max_fen = wire_fen(row.get("min_value")), wire_fen(row.get("max_value"))
    fail_code = wire_text(row.get("fail_code"))
    return RedPacketRecord(
        id=str(record_id), uid=str(uid), cash_redpack_id=wire_int(row.get("cash_redpack_id")),
        amount_fen=packet_amount(row, min_fen, max_fen), status=status,
        reward_status=packet_reward_status(status, fail_code),
        type=wire_int(row.get("type")), source=wire_int(row.get("source")), fail_code=fail_code,
        created_at=wire_time(row.get("created")), group_id=wire_int(row.get("group_id")),
        act_name=wire_text(row.get("act_name")), min_value_fen=min_fen, max_value_fen=max_fen,
        mch_billno=wire_text(row.get("mch_billno")), send_listid=wire_text(row.get("send_listid")),
        sent_at=wire_time(row.get("send_time")), modified_at=wire_time(row.get("modified")),
        shop_id=wire_int(row.get("shop_id")), pid=wire_int(row.get("pid")), nickname=wire_text(row.get("nickname")),
        mobile=wire_text(row.get("mobile")), re_openid=wire_text(row.get("re_openid")))


def packet_amount(row: dict[str, Any], min_fen: int | None, max_fen: int | None) -> int | None:
    """The fen a packet pays, or None when the row cannot tell. scan-send's record has `send_amount`; the
    seed's list rows have only the activity's `min_value`/`max_value`, which tell the amount only when they
    are equal (a FIXED activity). A RANDOM packet's amount is never guessed (nor taken as its maximum)."""
    amount = wire_fen(row.get("send_amount"))
    if amount is None and min_fen is not None and min_fen == max_fen:
        amount = min_fen
    return amount


def group_from_row(row: Any) -> GroupSendSummary | None:
    if not isinstance(row, dict):
        return None
    group_send_id = wire_int(row.get("id"))
    return GroupSendSummary(
        id=str(group_send_id) if group_send_id is not None else None,
        cash_redpack_id=wire_int(row.get("cash_redpack_id")), act_name=wire_text(row.get("act_name")),
        type=wire_int(row.get("type")), min_value_fen=wire_fen(row.get("min_value")),
        max_value_fen=wire_fen(row.get("max_value")), group_name=wire_text(row.get("group_name")),
        sent_at=wire_time(row.get("send_time")), group_count=wire_int(row.get("group_count")),
        received=wire_int(row.get("received_num")), not_received=wire_int(row.get("not_received_num")),
        refunded=wire_int(row.get("refunded_num")), failed=wire_int(row.get("failed_num")),
        wx_group_id=wire_int(row.get("wx_group_id")))
