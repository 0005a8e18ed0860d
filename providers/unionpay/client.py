"""The UnionPay adapter: signed, encrypted qual.reduce draws, and settling a lost answer by sending the
same draw again, where the tenant's settings say UnionPay replays it.

The draw's `transNumber` is its idempotency key. Whether UnionPay answers the same transNumber with the same
content with the original result, drawing nothing more, no source says (PROTOCOLS.md §0): the tenant's
`replaySameTransNumber` says it, off by default. On, `query_status` re-sends the stored draw; off, it
sends nothing (a second draw could use a second qualification). The ledger keeps that draw with the
qualification value and certId sealed (3DES under the tenant's symmetricKey, `seal`/`unseal`), never in
clear. qual.reduce carries no backendToken.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import asdict, dataclass, fields
from typing import Any

import httpx

from ledger.ports import NeverSent, Outcome, RewardSnapshot, Unknown
from providers.http import ProviderHttp, ProviderTransportError, TransportFailure
from providers.unionpay.crypto import decrypt_field, encrypt_field
from providers.unionpay.outcomes import draw_outcome
from providers.unionpay.settings import PROVIDER, UnionPaySettings
from providers.unionpay.wire import QUAL_REDUCE, QUAL_TYPES, parse_response, qual_reduce_body

MAX_NOT_SENT_RETRIES = 2
RETRY_BACKOFF_S = 0.2
DRAW_FLOW = QUAL_REDUCE
RESEND_FLOW = f"{QUAL_REDUCE}.resend"
_SEALED_FIELDS = ("qual_value", "cert_id")


@dataclass(frozen=True)
class DrawOrder:
    trans_number: str
    activity_number: str
    qual_num: str
    qual_type: str  # "OPEN_ID" | "MOBILE" | "CARD_NO"
    qual_value: str
    member_id: str
    order_amount_fen: int | None = None
    cert_id: str | None = None
    ic_terminal: str | None = None
    qr_code: str | None = None

    def business_fields(self) -> dict[str, str]:
        """The nine business parameters in plaintext, under the seed's names ("" when unset)."""
        qual_type = QUAL_TYPES.get(self.qual_type.strip().upper())
        if qual_type is None:
            raise ValueError(f"qual_type must be one of {', '.join(QUAL_TYPES)}")
        return {
            "activityNumber": self.activity_number,
            "orderAmount": "" if self.order_amount_fen is None else str(self.order_amount_fen),
            "qualNum": self.qual_num,
            "qualType": qual_type,
            "qualValue": self.qual_value,
            "certId": self.cert_id or "",
            "icTerminal": self.ic_terminal or "",
            "qrCode": self.qr_code or "",
            "transNumber": self.trans_number,
        }

    def __repr__(self) -> str:
        # The qualification value (a mobile, a card number) and the ID number stay out of logs and tracebacks.
        return (f"DrawOrder(trans_number={self.trans_number!r}, activity_number={self.activity_number!r}, "
                f"qual_num={self.qual_num!r}, qual_type={self.qual_type!r}, member_id={self.member_id!r})")


class _JsonHttp(ProviderHttp):
    """The shared HTTP policy (timeouts, transport classification, logs) for a JSON body."""

    async def post_json(self, flow: str, url: str, body: dict[str, Any]) -> httpx.Response:
        return await self.post(flow, url, json=body)


class UnionPayClient:
    name = PROVIDER

    def __init__(self, tenant_id: int, settings: UnionPaySettings, http: httpx.AsyncClient) -> None:
        self.tenant_id = tenant_id
        self.settings = settings
        self._http = _JsonHttp(PROVIDER, http, settings.timeouts)

    @property
    def replays_same_trans_number(self) -> bool:
        """Whether a lost draw may be settled by sending it again (the tenant's `replaySameTransNumber`)."""
        return self.settings.replay_same_trans_number

    def seal(self, value: str) -> str:
        """`value` encrypted with the tenant's symmetricKey (3DES), for the ledger to keep."""
        return encrypt_field(value, self.settings.symmetric_key)

    def unseal(self, sealed: str) -> str:
        """The inverse of `seal`; ValueError if it was sealed under another key."""
        return decrypt_field(sealed, self.settings.symmetric_key)

    def sealed_request(self, order: DrawOrder) -> dict[str, Any]:
        """The draw as the ledger should store it (`details["sealedRequest"]`) for `query_status`."""
        stored = asdict(order)
        for name in _SEALED_FIELDS:
            if stored[name] is not None:
                stored[name] = self.seal(stored[name])
        return stored

    async def draw(self, order: DrawOrder) -> Outcome:
        """Draws once for the order's qualification. Store `sealed_request(order)` with the reward first:
        `query_status` needs it to settle an Unknown outcome."""
        return await self._send(DRAW_FLOW, order)

    async def issue(self, order: Any) -> Outcome:
        """The port's `issue` flow: `draw`."""
        return await self.draw(order)

    async def query_status(self, reward: RewardSnapshot) -> Outcome:
        """Settles a reward by sending its draw again under the same transNumber: UnionPay (the sandbox)
        answers a repeat with the original result, or draws now if the first send never arrived. Only when
        the tenant says UnionPay replays: otherwise nothing is sent and the answer stays Unknown."""
        if not self.replays_same_trans_number:
            return Unknown("replaySameTransNumber is off: sending the draw again could draw a second time")
        order = self._stored_order(reward.details.get("sealedRequest"))
        if order is None:
            return Unknown("the reward has no readable sealed qual.reduce request to re-send")
        return await self._send(RESEND_FLOW, order)

    async def _send(self, flow: str, order: DrawOrder) -> Outcome:
        try:
            business = order.business_fields()
        except ValueError as error:
            return Unknown(f"{flow}: the order cannot be sent ({error})")
        url = f"{self.settings.base_url}/{QUAL_REDUCE}"
        for attempt in range(MAX_NOT_SENT_RETRIES + 1):
            # Signed afresh each attempt: the timestamp must stay inside UnionPay's window.
            body = qual_reduce_body(self.settings, business, secrets.token_hex(8), int(time.time()))
            try:
                response = await self._http.post_json(flow, url, body)
            except ProviderTransportError as exc:
                # A refused TLS certificate would be refused again: a first draw that never left drew
                # nothing and ends there; a resend that never left says nothing of the first.
                if exc.tls_refused and flow == DRAW_FLOW:
                    return NeverSent.because(f"{flow}: {exc.reason}")
                if exc.failure is TransportFailure.NOT_SENT and not exc.tls_refused and attempt < MAX_NOT_SENT_RETRIES:
                    await asyncio.sleep(RETRY_BACKOFF_S * (attempt + 1))
                    continue
                return Unknown(f"{flow}: {exc.failure.value} ({exc.reason})")
            answer = parse_response(response.status_code, response.content, self.settings)
            if answer is None:
                self._http.log_outcome(flow, f"unverifiable http {response.status_code}")
                return Unknown(f"{flow}: no verifiable UnionPay answer (HTTP {response.status_code})")
            # Only the code: msg may quote request content.
            self._http.log_outcome(flow, f"resp {answer.resp}")
            return draw_outcome(answer, order.trans_number, resend=flow == RESEND_FLOW)
        raise AssertionError("unreachable")

    def _stored_order(self, value: Any) -> DrawOrder | None:
        if not isinstance(value, dict):
            return None
        names = {item.name for item in fields(DrawOrder)}
        if not set(value) <= names:
            return None
        data = dict(value)
        try:
            for name in _SEALED_FIELDS:
                if data.get(name) is not None:
                    data[name] = self.unseal(data[name])
            order = DrawOrder(**data)
        except (TypeError, ValueError):
            return None
        required = (order.trans_number, order.activity_number, order.qual_num, order.qual_type, order.qual_value)
        if not all(isinstance(item, str) and item for item in required):
            return None
        return order
