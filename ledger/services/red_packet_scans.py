"""Scan-send: a red packet for whoever scanned the code.

The platform names the member (its uid) only in its answer, so the hold is first taken on an in-flight
clearing account; once the answer names the member, it moves to that member's wallet in one transaction
(a void and a re-hold of the same amount, so it always fits). The open id is personal data and is kept
only as a digest in the idempotency fingerprint.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import RewardKind, RewardStatus, TransferState
from ledger.persistence.models import Account, Reward, Transfer
from ledger.persistence.red_packet_models import RedPacketActivity
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write, run_write
from ledger.ports import Rejected, Unknown
from ledger.services.accounts import member_wallet, provider_clearing_account
from ledger.services.campaigns import find_campaign
from ledger.services.red_packet_gateway import PROVIDER, check_uid, gateway_for
from ledger.services.red_packet_settling import record_state
from ledger.services.transfers import create_transfer, resolve_pending

IN_FLIGHT_OWNER = f"{PROVIDER}:in-flight"
_OPEN_ID = re.compile(r"^[A-Za-z0-9_\-]{1,32}\Z")


async def scan_send_red_packet(tenant_id: int, *, cash_redpack_id: int, open_id: str,
                               idempotency_key: str) -> Reward:
    if not isinstance(open_id, str) or not _OPEN_ID.match(open_id):
        raise LedgerError(ErrorCode.INVALID_INPUT, "openId: 1-32 letters, digits, '_' or '-'", field="openId")
    activity = await RedPacketActivity.get_or_none(tenant_id=tenant_id, cash_redpack_id=cash_redpack_id)
    if activity is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such red-packet activity", field="cashRedpackId")
    gateway = await gateway_for(tenant_id)

    async def record(uow: UnitOfWork) -> tuple[dict, tuple[Reward, bool]]:
        reward = await _record_scan(uow, tenant_id, activity)
        return {"reward_id": reward.id}, (reward, True)

    async def replay(reference: dict) -> tuple[Reward, bool]:
        return await Reward.get(id=reference["reward_id"]), False

    reward, created = await run_idempotent_write(
        tenant_id, operation="scanSendRedPacket", key=idempotency_key,
        request={"cash_redpack_id": cash_redpack_id, "open_id_digest": _digest(open_id)}, work=record, replay=replay)
    if not created:
        return reward
    answer = await gateway.scan_send(cash_redpack_id=cash_redpack_id, open_id=open_id)
    if isinstance(answer, Unknown):
        return await record_state(tenant_id, reward.id, None, RewardStatus.UNKNOWN,
                                   "the scan-send's answer was lost; the recipient is unknown, so a person "
                                   "must find the packet on the platform")
    if isinstance(answer, Rejected):
        return await record_state(tenant_id, reward.id, None, RewardStatus.FAILED,
                                   f"the platform refused: {answer.code} {answer.message}")
    await run_write(tenant_id, lambda uow: _hand_to_member(uow, reward.id, answer))
    return await record_state(tenant_id, reward.id, answer, answer.reward_status, "")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def _record_scan(uow: UnitOfWork, tenant_id: int, activity: RedPacketActivity) -> Reward:
    campaign = await find_campaign(tenant_id, activity.campaign_id)  # type: ignore[attr-defined]
    budget = await Account.get(id=campaign.budget_account_id)  # type: ignore[attr-defined]
    in_flight = await provider_clearing_account(tenant_id, IN_FLIGHT_OWNER, "CNY")
    reward = await Reward.create(
        tenant_id=tenant_id, kind=RewardKind.RED_PACKET, status=RewardStatus.PENDING, provider=PROVIDER,
        campaign_id=campaign.id, member_id="", asset="CNY", amount=activity.max_fen,
        details={"cashRedpackId": activity.cash_redpack_id, "type": activity.type.value, "source": "SCAN",
                 "sentAt": now().isoformat()},
    )
    uow.emit("reward.created", reward_id=reward.id, campaign_id=campaign.id,
             data={"status": reward.status.value, "kind": reward.kind.value, "provider": PROVIDER})
    await create_transfer(uow, debit=budget, credit=in_flight, amount=activity.max_fen, pending=True,
                          reward_id=reward.id)
    return reward


async def _hand_to_member(uow: UnitOfWork, reward_id: int, record: Any) -> None:
    reward = await Reward.get(id=reward_id).prefetch_related("campaign")
    hold = await Transfer.get(reward_id=reward.id, state=TransferState.PENDING).prefetch_related("debit_account")
    await resolve_pending(uow, hold, post_amount=None)
    member_id = check_uid(str(record.uid))
    wallet = await member_wallet(reward.tenant_id, member_id, "CNY")  # type: ignore[attr-defined]
    reward.member_id = member_id
    await reward.save(update_fields=["member_id"])
    await create_transfer(uow, debit=hold.debit_account, credit=wallet, amount=hold.amount, pending=True,
                          reward_id=reward.id, member_id=member_id)
