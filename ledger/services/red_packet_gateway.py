"""What the red packet services need from the platform's adapter, and the ledger's checks on its ids.

The ledger imports no provider: the adapter (providers/red_packet/client.py) is reached through the port's
factory and used through this protocol. Its answers are duck-typed: a send answers counts with an optional
`refusal` (a ledger.ports.Rejected) or an Unknown; a packet record has `id`, `uid`, `status`,
`reward_status`, `amount_fen` (None when the platform's answer does not tell it) and `fail_code`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Protocol

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.ports import ProviderNotConfigured, provider_for

PROVIDER = "red-packet"
SOURCES = {"SCAN": 1, "MANUAL": 2, "DRAW": 3, "PURCHASE_GIFT": 4, "GAME": 5, "OPEN": 6}
# Listing looks a little before the send, since the platform stamps records with its own clock.
CLOCK_SLACK = timedelta(minutes=5)
_UID = re.compile(r"^[1-9][0-9]{0,10}\Z")  # the platform's uid is an Integer(11)


class RedPacketGateway(Protocol):
    # After a send whose answer may hide packets, how long the platform may take to list them.
    unlisted_release: timedelta

    async def send(self, *, cash_redpack_id: int, uids: list[str], source: str | None = None) -> Any: ...

    async def find_records(self, *, uid: str, cash_redpack_id: int, since: datetime) -> list[Any]: ...

    async def update_claim_status(self, record_id: str) -> Any: ...

    async def resend(self, record_id: str) -> Any: ...

    async def scan_send(self, *, cash_redpack_id: int, open_id: str) -> Any: ...

    async def send_to_groups(self, *, cash_redpack_id: int, group_ids: list[str], source: str | None = None
                             ) -> Any: ...

    async def list_group_sends(self, *, cash_redpack_id: int | None = None, since: datetime | None = None) -> Any: ...

    async def list_sends(self, *, cash_redpack_id: int | None = None, group_id: int | None = None,
                         since: datetime | None = None, page: int = 1, page_size: int = 100) -> Any: ...


async def gateway_for(tenant_id: int) -> RedPacketGateway:
    try:
        return await provider_for(tenant_id, PROVIDER)  # type: ignore[no-any-return]
    except ProviderNotConfigured as exc:
        raise LedgerError(ErrorCode.PROVIDER_NOT_CONFIGURED,
                          "the red-packet platform is not configured for this tenant") from exc


def check_uid(member_id: str) -> str:
    if not isinstance(member_id, str) or not _UID.match(member_id):
        raise LedgerError(ErrorCode.INVALID_INPUT, "for red packets a memberId is the platform's numeric uid",
                          field="memberIds")
    return member_id
