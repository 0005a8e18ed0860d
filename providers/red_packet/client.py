"""The cash red packet platform adapter (seed 004): sending packets and reading them back.

The send endpoints (send-cash-redpack, group-send-cash-redpack) take no client key and answer only counts
(`{send, success}`), never record ids, and nothing suggests the platform recognises a repeated call. So a
send whose answer is unclear (Unknown: a timeout, a cut connection, a 5xx, a body that is not the
platform's) may or may not have made packets, and sending again may pay a member twice. After Unknown the
caller must look first: `find_records(uid=..., cash_redpack_id=..., since=<its own time before sending,
minus CLOCK_SKEW_ALLOWANCE>)`, set aside the records it already knew, and only when none is left send
again; a packet that exists but failed (status 1) is resent by its id with `resend`, never sent anew.
This client never repeats a send, group send, resend or scan-send on its own. It repeats only calls that
cannot pay (the lists and the status refresh), and only when the request never left this machine.

Errors: the sending flows return typed results (`SendAnswer | Unknown`, `Outcome`); the reading flows
return data and raise `RedPacketUnavailable` (no usable answer) or `RedPacketError` (a refusal). Bad
arguments (a uid that is not digits, a naive datetime) raise ValueError before anything is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from ledger.ports import Outcome, Rejected, RewardSnapshot, StatementPage, Unknown
from providers.http import TransportFailure
from providers.red_packet import codes, statement
from providers.red_packet.records import GroupSendSummary, RecordPage, RedPacketRecord, SendAnswer
from providers.red_packet.settings import PROVIDER, RedPacketSettings, parse_source
from providers.red_packet.transport import PlatformTransport, PlatformUnreadable
from providers.red_packet.wire import (
    PlatformReply,
    group_page,
    record_outcome,
    record_page,
    resend_outcome,
    scanned_record,
    send_answer,
)
from providers.red_packet.wire_requests import (
    GROUP_SEND,
    LIST_GROUP_SENDS,
    LIST_SENDS,
    MAX_PAGE_SIZE,
    NEWEST_FIRST,
    OLDEST_FIRST,
    RESEND,
    SCAN_SEND,
    SEND,
    UPDATE_STATUS,
    SendsFilter,
    group_send_body,
    list_group_sends_body,
    list_sends_body,
    resend_body,
    scan_send_body,
    send_body,
    update_status_body,
)

# The platform stamps `created` with its own clock; look back this much further than our own send time.
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)
MAX_WALK_PAGES = 200  # 20,000 records: beyond that a walk is a reconciliation job, not a lookup
MAX_SAFE_RETRIES = 2
RETRY_BACKOFF_S = 0.2


class RedPacketUnavailable(Exception):
    """No usable answer to a reading call: transport failure, unreadable body, or a walk that went too long."""


class RedPacketError(Exception):
    """The platform refused a reading call with a non-zero errcode."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RedPacketClient:
    name = PROVIDER

    def __init__(self, tenant_id: int, settings: RedPacketSettings, http: httpx.AsyncClient) -> None:
        self.tenant_id = tenant_id
        self.settings = settings
        self._transport = PlatformTransport(settings, http)

    @property
    def unlisted_release(self) -> timedelta:
        """How long after a send whose answer may hide packets the platform may take to list them; after
        that, a member with no listed packet is a question for a person (`unlistedSendReleaseSeconds`)."""
        return timedelta(seconds=self.settings.unlisted_release_s)

    # --- sending: one call each, never repeated here ----------------------------------------------

    async def send(self, *, cash_redpack_id: int, uids: list[str], source: str | None = None
                   ) -> SendAnswer | Unknown:
        """按用户派发: one packet per uid of the activity. `source` is a Source name or number; the
        settings' defaultSource when None."""
        body = send_body(self.settings.shop_id, cash_redpack_id, uids, self._source(source))
        return await self._send_once("send", SEND, body)

    async def send_to_groups(self, *, cash_redpack_id: int, group_ids: list[str], source: str | None = None
                             ) -> SendAnswer | Unknown:
        """按群组派发: one packet per member of each group."""
        body = group_send_body(self.settings.shop_id, cash_redpack_id, group_ids, self._source(source))
        return await self._send_once("groupSend", GROUP_SEND, body)

    async def resend(self, record_id: str) -> Outcome:
        """重新派发 a failed record: Accepted(PENDING) when the platform sent it again."""
        try:
            reply = await self._transport.call("resend", RESEND, resend_body(self.settings.shop_id, record_id))
        except PlatformUnreadable as exc:
            return Unknown(str(exc))
        return resend_outcome(reply, record_id, self.settings.refused_errcodes)

    async def scan_send(self, *, cash_redpack_id: int, open_id: str) -> RedPacketRecord | Rejected | Unknown:
        """扫码派送 to the member with this WeChat openid; answers the record it made."""
        body = scan_send_body(self.settings.shop_id, cash_redpack_id, open_id)
        try:
            reply = await self._transport.call("scanSend", SCAN_SEND, body)
        except PlatformUnreadable as exc:
            return Unknown(str(exc))
        return scanned_record(reply, self.settings.refused_errcodes)

    # --- reading ----------------------------------------------------------------------------------

    async def update_claim_status(self, record_id: str) -> RedPacketRecord | None:
        """更新红包领取状态: the platform refreshes the record from WeChat; returns it as it is now, or None
        when the platform has no such record."""
        body = update_status_body(self.settings.shop_id, [record_id])
        reply = await self._read("updateStatus", UPDATE_STATUS, body)
        if reply.errcode == codes.NOT_FOUND:
            return None
        self._require_ok(reply)
        return await self.get_record(record_id)

    async def get_record(self, record_id: str) -> RedPacketRecord | None:
        """One record by id, newest pages first (the list has no id filter in the seed; see wire_requests)."""
        filters = SendsFilter(record_id=record_id)
        for page in range(1, MAX_WALK_PAGES + 1):
            rows = await self._sends_page(filters, page, MAX_PAGE_SIZE, NEWEST_FIRST)
            for record in rows.records:
                if record.id == record_id:
                    return record
            # Newest first: once a page reaches ids below the one wanted, no later page can hold it.
            if not rows.has_next or any(int(record.id) < int(record_id) for record in rows.records):
                return None
        raise RedPacketUnavailable(f"record not found within {MAX_WALK_PAGES} pages")

    async def list_sends(self, *, uid: str | None = None, cash_redpack_id: int | None = None,
                         status: int | None = None, since: datetime | None = None, until: datetime | None = None,
                         page: int = 1, page_size: int = 100, group_id: int | None = None,
                         packet_type: int | None = None, source: str | None = None, keyword: str | None = None,
                         wx_keyword: str | None = None) -> RecordPage[RedPacketRecord]:
        """获取红包个人发放列表, oldest first. `page` starts at 1; `page_size` is capped at 100."""
        filters = SendsFilter(uid=uid, cash_redpack_id=cash_redpack_id, group_id=group_id, status=status,
                              packet_type=packet_type, source=self._source(source) if source else None,
                              keyword=keyword, wx_keyword=wx_keyword, since=since, until=until)
        listed = await self._sends_page(filters, page, page_size, OLDEST_FIRST)
        if uid is None:
            return listed
        # A platform that ignores the uid filter (it is not in the seed) must not hand out other members' rows.
        return replace(listed, records=[record for record in listed.records if record.uid == uid])

    async def list_group_sends(self, *, cash_redpack_id: int | None = None, keyword: str | None = None,
                               since: datetime | None = None, until: datetime | None = None, page: int = 1,
                               page_size: int = 100) -> RecordPage[GroupSendSummary]:
        """获取红包群组发放列表, oldest first. `page` starts at 1; `page_size` is capped at 100."""
        body = list_group_sends_body(self.settings.shop_id, cash_redpack_id=cash_redpack_id, keyword=keyword,
                                     since=since, until=until, page=page, page_size=page_size)
        reply = self._require_ok(await self._read("listGroupSends", LIST_GROUP_SENDS, body))
        groups = group_page(reply, body["count"])
        if groups is None:
            raise RedPacketUnavailable("listGroupSends: unreadable rows or page")
        return groups

    async def find_records(self, *, uid: str, cash_redpack_id: int, since: datetime) -> list[RedPacketRecord]:
        """Every packet of this member and activity created at or after `since`, across all pages, each once."""
        found: dict[str, RedPacketRecord] = {}
        for page in range(1, MAX_WALK_PAGES + 1):
            listed = await self.list_sends(uid=uid, cash_redpack_id=cash_redpack_id, since=since, page=page,
                                           page_size=MAX_PAGE_SIZE)
            for record in listed.records:
                if record.cash_redpack_id in (None, cash_redpack_id):  # None: a row without it (seed sample)
                    found.setdefault(record.id, record)
            if not listed.has_next:
                return sorted(found.values(), key=lambda record: int(record.id))
        raise RedPacketUnavailable(f"more than {MAX_WALK_PAGES} pages of records")

    def day_records(self, day: date) -> AsyncIterator[StatementPage]:
        """The ledger's reconciliation feed (ledger.ports.StatementFeed): the day's packets (statement.py)."""
        return statement.day_pages(self, day)

    async def query_status(self, reward: RewardSnapshot) -> Outcome:
        """The port's flow: the packet's refreshed record (`provider_refs["recordId"]`) as an outcome."""
        record_id = reward.provider_refs.get("recordId")
        if not record_id:
            return Unknown("no platform record id yet: find the packet with find_records")
        try:
            record = await self.update_claim_status(str(record_id))
        except RedPacketUnavailable as exc:
            return Unknown(str(exc))
        except RedPacketError as exc:  # a refused query says nothing about the packet itself
            return Unknown(f"the platform refused the status query: {exc.code} {exc.message}")
        if record is None:  # the id came from the platform: its absence needs a person, not a guess
            return Unknown(f"the platform does not list record {record_id}")
        return record_outcome(record)

    # --- the call machinery -----------------------------------------------------------------------

    def _source(self, source: Any) -> int:
        return int(self.settings.default_source if source is None else parse_source(source))

    async def _send_once(self, flow: str, path: str, body: dict[str, Any]) -> SendAnswer | Unknown:
        try:
            reply = await self._transport.call(flow, path, body)
        except PlatformUnreadable as exc:
            return Unknown(str(exc))
        return send_answer(reply, self.settings.refused_errcodes)

    async def _sends_page(self, filters: SendsFilter, page: int, page_size: int, sort: dict[str, str]
                          ) -> RecordPage[RedPacketRecord]:
        body = list_sends_body(self.settings.shop_id, filters, page, page_size, sort)
        reply = self._require_ok(await self._read("listSends", LIST_SENDS, body))
        records = record_page(reply, body["count"])
        if records is None:
            raise RedPacketUnavailable("listSends: unreadable rows or page")
        return records

    def _require_ok(self, reply: PlatformReply) -> PlatformReply:
        if not reply.ok:
            raise RedPacketError(reply.errcode, codes.describe_errcode(reply.errcode).meaning_en)
        return reply

    async def _read(self, flow: str, path: str, body: dict[str, Any]) -> PlatformReply:
        """A call that cannot pay anything, repeated only when it never reached the platform."""
        for attempt in range(MAX_SAFE_RETRIES + 1):
            try:
                return await self._transport.call(flow, path, body)
            except PlatformUnreadable as exc:
                if exc.failure is not TransportFailure.NOT_SENT or attempt == MAX_SAFE_RETRIES:
                    raise RedPacketUnavailable(str(exc)) from exc
                await asyncio.sleep(RETRY_BACKOFF_S * (attempt + 1))
        raise AssertionError("unreachable")
