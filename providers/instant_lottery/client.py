"""The instant-lottery gateway adapter: station login, signed calls and the gateway's flows.

Every call for a station runs under that station's lease (one call in flight per station, across
instances, seed §7) and with that station's shared session token; an answer refusing the token (`1021`,
`27`, `28`, `16`, `17`, `1016`: codes.RELOGIN_CODES) drops it, logs the station in again and repeats the
call once. Repeats beyond that happen only where the code table says repeating is safe, or when the
request never left this machine. Reading the query answers is answers.py's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

import httpx

from ledger.domain.clock import now
from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, NeverSent, Outcome, Rejected, RewardSnapshot, StatementPage, StatementRecord, Unknown
from ledger.services import provider_sessions
from ledger.services.station_lease import StationBusy, station_lease
from providers.http import ProviderHttp, ProviderTransportError, TransportFailure
from providers.instant_lottery import codes, statement
from providers.instant_lottery.answers import (
    AnswerUnreadable,
    AwardDetail,
    AwardSummary,
    PrizeRecord,
    StationCounter,
    award_details,
    award_summaries,
    prize_record,
    station_counter,
)
from providers.instant_lottery.settings import PROVIDER, LotterySettings, Station
from providers.instant_lottery.signing import beijing_timestamp
from providers.instant_lottery.wire import (
    REDEEM_BY_MACHINE_READING,
    GatewayReply,
    parse_reply,
    redemption_outcome,
    request_form,
)

log = logging.getLogger(__name__)
MAX_SAFE_RETRIES = 2
# Refusals worth repeating at once: "try again later" (1005, e.g. the station is busy). Other safe
# refusals (the gateway's daily limits, its rate rules) would only fail again now; the relogin codes
# are handled by logging in, not by repeating.
RETRY_NOW_CODES = frozenset({"1005"})
RETRY_BACKOFF_S = 0.2
LEASE_WAIT_S = 60.0
TOKEN_LIFETIME = timedelta(days=30)  # seed §8: "Token 的有效期(默认一个月)", counted from the login
Read = TypeVar("Read")


class GatewayError(Exception):
    """The gateway answered with a refusal."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class GatewayUnavailable(Exception):
    """No usable answer: a timeout, a transport failure or a body that is not the gateway's envelope."""


class GatewayNotReached(GatewayUnavailable):
    """The request never reached the gateway (the TLS handshake failed), so nothing happened there."""


class ReportKind(StrEnum):
    SALES = "SALES"
    BALANCE = "BALANCE"
    TRACE = "TRACE"
    AWARD = "AWARD"


class InstantLotteryClient:
    name = PROVIDER

    def __init__(self, tenant_id: int, settings: LotterySettings, http: httpx.AsyncClient) -> None:
        self.tenant_id = tenant_id
        self.settings = settings
        self._http = ProviderHttp(PROVIDER, http, settings.timeouts)

    def station(self, station_id: str | None) -> Station:
        """The named station, or the default one; KeyError when the tenant has no such station."""
        return self.settings.stations[station_id or self.settings.default_station_id]

    # --- flows -----------------------------------------------------------------------------------

    async def redeem(self, station_id: str, *, transac_id: str, user_id: str, user_ip: str,
                     bar_code: str) -> Outcome:
        business = {"userId": user_id, "userRealIp": user_ip, "transacId": transac_id,
                    "type": REDEEM_BY_MACHINE_READING, "barCode": bar_code}
        try:
            reply = await self._call(station_id, "thirdAward", business)
        except GatewayNotReached as exc:  # the login or the ticket never left: nothing was redeemed
            return NeverSent.because(str(exc))
        except StationBusy:  # the station's lease never came free: the ticket never left either
            return NeverSent.because(f"station {station_id} is busy with another call; try again shortly")
        except GatewayUnavailable as exc:
            return Unknown(str(exc))
        except GatewayError as exc:  # the login failed: the ticket was never submitted
            return Rejected(code=exc.code, message=exc.message, retryable=codes.describe(exc.code).retry_safe)
        outcome = redemption_outcome(reply, transac_id)
        self._http.log_outcome("thirdAward", reply.ret)
        return outcome

    async def prize_of(self, station_id: str, bar_code: str) -> PrizeRecord | None:
        """The redemption record of a ticket (seed §8.9), or None when it has none (3202)."""
        reply = await self._call(station_id, "getPrize", {"barCode": bar_code})
        if reply.ret == codes.NO_REDEMPTION_RECORD:
            return None
        return _read(prize_record, self._require_success(reply))

    async def counter(self, station_id: str) -> StationCounter:
        return _read(station_counter, self._require_success(await self._call(station_id, "getCount", {})))

    async def reset_counter(self, station_id: str) -> StationCounter:
        self._require_success(await self._call(station_id, "resetCount", {}))
        return StationCounter(tickets=0, amount_fen=0)

    async def change_password(self, station_id: str, old: str, new: str) -> None:
        self._require_success(await self._call(station_id, "password", {"old": old, "new": new}))

    async def report(self, kind: ReportKind, station_id: str, day: date, bar_code: str | None = None) -> str:
        """The gateway's HTML report for one day (TRACE follows one ticket and needs its bar code)."""
        station = self.station(station_id)
        slash_day = day.strftime("%Y/%m/%d")
        everything = {"gameNo": "00000", "batchNo": "00000", "isAllOperator": "1", "operatorNo": station.clerk_id}
        business: dict[str, Any] = {
            ReportKind.SALES: {**everything, "beginDate": slash_day, "endDate": slash_day},
            ReportKind.BALANCE: {"beginDate": slash_day, "endDate": slash_day},
            ReportKind.TRACE: {"barCode": bar_code or ""},
            ReportKind.AWARD: {**everything, "beginTime": slash_day, "endTime": slash_day},
        }[kind]
        reply = self._require_success(await self._call(station_id, f"report.{kind.value.lower()}", business))
        return str(reply.get("report") or "")

    async def award_summary(self, station_id: str, begin: datetime, end: datetime, *, game_no: str = "00000",
                            batch_no: str = "00000") -> list[AwardSummary]:
        """The station's redemption totals in [begin, end] (seed §8.8.1: a month of history at most)."""
        return _read(award_summaries, await self._feed(station_id, "awardSummary", begin, end, game_no, batch_no))

    async def award_detail(self, station_id: str, begin: datetime, end: datetime, *, game_no: str = "00000",
                           batch_no: str = "00000") -> list[AwardDetail]:
        """Every ticket redeemed at the station in [begin, end] (seed §8.8.2: at most one day)."""
        return _read(award_details, await self._feed(station_id, "awardDetail", begin, end, game_no, batch_no))

    # --- reconciliation (ledger.ports.StatementFeed, AmountLookup; statement.py) and sessions ------------

    def day_records(self, day: date) -> AsyncIterator[StatementPage]:
        """The tickets redeemed at every station on a Beijing day, a page (a window of time) at a time."""
        return statement.day_pages(self, day)

    async def record_amounts(self, records: Sequence[StatementRecord]) -> dict[str, int | None]:
        return await statement.record_amounts(self, records)

    async def refresh_sessions(self, expiring_within_s: float, limit: int | None = None) -> int:
        """Logs in again each station whose token lapses within `expiring_within_s` (tokens live TOKEN_LIFETIME
        from their login), under the station's lease like any call, so no call is cut off by a token lapsing
        mid-way. A station without a session is left alone: its next call logs in."""
        obtained_before = now() - TOKEN_LIFETIME + timedelta(seconds=expiring_within_s)
        renewed = 0
        for station_id in await provider_sessions.lapsing(self.tenant_id, PROVIDER, obtained_before,
                                                          issuer=self.settings.base_url):
            station = self.settings.stations.get(station_id)
            if station is None or (limit is not None and renewed >= limit):
                continue
            async with station_lease(self.tenant_id, PROVIDER, station_id, ttl_s=self.settings.lease_ttl_s,
                                     wait_s=LEASE_WAIT_S):
                # Another instance may have renewed it while this one waited for the lease.
                if station_id in await provider_sessions.lapsing(self.tenant_id, PROVIDER, obtained_before,
                                                                 issuer=self.settings.base_url):
                    await self._login(station)
                    renewed += 1
        return renewed

    async def query_status(self, reward: RewardSnapshot) -> Outcome:
        """The port's flow: what the gateway's record says of a redeemed ticket."""
        station_id = str(reward.details.get("stationId") or self.settings.default_station_id)
        return await self.prize_outcome(station_id, str(reward.details.get("barCode", "")))

    async def prize_outcome(self, station_id: str, bar_code: str) -> Outcome:
        """A ticket's redemption record as an outcome: Accepted with `awardStation`, or Rejected 3202."""
        try:
            record = await self.prize_of(station_id, bar_code)
        except GatewayUnavailable as exc:
            return Unknown(str(exc))
        except StationBusy:
            return Unknown(f"station {station_id} is busy with another call")
        except GatewayError as exc:
            return Rejected(code=exc.code, message=exc.message, retryable=codes.describe(exc.code).retry_safe)
        if record is None:
            return Rejected(code=codes.NO_REDEMPTION_RECORD, message="no redemption record", retryable=False)
        return Accepted(status=RewardStatus.ISSUED, amount=record.prize_fen,
                        details={"awardStation": record.station_id, "awardTime": record.award_time,
                                 "level": record.level})

    # --- the call machinery ----------------------------------------------------------------------

    async def _feed(self, station_id: str, flow: str, begin: datetime, end: datetime, game_no: str,
                    batch_no: str) -> GatewayReply:
        business = {"gameNo": game_no, "batchNo": batch_no, "beginTime": beijing_timestamp(begin),
                    "endTime": beijing_timestamp(end)}
        return self._require_success(await self._call(station_id, flow, business))

    def _require_success(self, reply: GatewayReply) -> GatewayReply:
        if not reply.success or reply.ret not in codes.SUCCESS_CODES:
            raise GatewayError(reply.ret, reply.msg or codes.describe(reply.ret).meaning_en)
        return reply

    async def _call(self, station_id: str, flow: str, business: dict[str, Any]) -> GatewayReply:
        station = self.station(station_id)
        async with station_lease(self.tenant_id, PROVIDER, station.station_id,
                                 ttl_s=self.settings.lease_ttl_s, wait_s=LEASE_WAIT_S):
            token = await provider_sessions.current_token(self.tenant_id, PROVIDER, station.station_id,
                                                          issuer=self.settings.base_url)
            if token is None:
                token = await self._login(station)
            reply = await self._send_with_retries(flow, business, token)
            if reply.ret in codes.RELOGIN_CODES:
                # The token is dead: drop it first, so that a login that fails too leaves none to reuse.
                await provider_sessions.forget_token(self.tenant_id, PROVIDER, station.station_id)
                token = await self._login(station)
                reply = await self._send_with_retries(flow, business, token)
                if reply.ret in codes.RELOGIN_CODES:  # refused again: the next call starts from a new login
                    await provider_sessions.forget_token(self.tenant_id, PROVIDER, station.station_id)
            return reply

    async def _login(self, station: Station) -> str:
        business = {"stationId": station.station_id, "clerkId": station.clerk_id, "password": station.password,
                    "type": station.terminal_type, "version": station.version, "serialNo": station.serial_no}
        reply = await self._send_with_retries("login", business, token=None)
        token = reply.get("token")
        if reply.ret not in codes.SUCCESS_CODES or not token:
            await provider_sessions.forget_token(self.tenant_id, PROVIDER, station.station_id)
            raise GatewayError(reply.ret, reply.msg or codes.describe(reply.ret).meaning_en)
        await provider_sessions.store_token(self.tenant_id, PROVIDER, station.station_id, str(token),
                                            issuer=self.settings.base_url)
        return str(token)

    async def _send_with_retries(self, flow: str, business: dict[str, Any], token: str | None) -> GatewayReply:
        for attempt in range(MAX_SAFE_RETRIES + 1):
            last_attempt = attempt == MAX_SAFE_RETRIES
            try:
                reply = await self._send(flow, business, token)
            except ProviderTransportError as exc:
                if exc.tls_refused:  # the same certificate would be refused again
                    raise GatewayNotReached(f"{flow}: {exc.reason}") from exc
                if exc.failure is TransportFailure.NOT_SENT and not last_attempt:
                    await asyncio.sleep(RETRY_BACKOFF_S * (attempt + 1))
                    continue
                raise GatewayUnavailable(f"{flow}: {exc.reason}") from exc
            if reply.ret in RETRY_NOW_CODES and codes.describe(reply.ret).retry_safe and not last_attempt:
                await asyncio.sleep(RETRY_BACKOFF_S * (attempt + 1))
                continue
            return reply
        raise AssertionError("unreachable")

    async def _send(self, flow: str, business: dict[str, Any], token: str | None) -> GatewayReply:
        form = request_form(app_key=self.settings.app_key, app_secret=self.settings.app_secret,
                            sign_method=self.settings.sign_method, business=business, token=token,
                            moment=datetime.now(UTC))
        response = await self._http.post_form(flow, self.settings.url(flow), form)
        reply = parse_reply(response.status_code, response.content)
        if reply is None:
            self._http.log_outcome(flow, f"unreadable http {response.status_code}")
            raise GatewayUnavailable(f"{flow}: the answer is not the gateway's envelope "
                                     f"(HTTP {response.status_code})")
        return reply


def _read(read: Callable[[GatewayReply], Read], reply: GatewayReply) -> Read:
    """An answer read by `read`; one in a shape the seed does not document is no usable answer."""
    try:
        return read(reply)
    except AnswerUnreadable as exc:
        raise GatewayUnavailable(str(exc)) from exc
