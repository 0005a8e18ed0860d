"""Accepting a record the provider has and the ledger never made (MISSING_IN_LEDGER, ACCEPT_PROVIDER): the
ledger makes the reward the provider's record describes, takes the record's link (so no other reward of the
ledger can later claim it and be paid for it again), and pays the member from the provider's side.

Only what the record itself establishes is accepted: a member the tenant knows by (a record naming none,
like the lottery gateway's, which lists tickets without their redeemers, is refused with WRITE_OFF
suggested), an amount the provider stated, and a settled payment (a packet still waiting to be opened may
yet be refunded: it is accepted once claimed).
"""

from __future__ import annotations

from typing import Any

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.reconciliation import HELD_UNTIL_CLAIMED, ValueState, value_state
from ledger.domain.statuses import FINAL_STATUSES, RewardKind, RewardStatus
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.reconciliation_models import Discrepancy, ReconciledReward
from ledger.persistence.unit_of_work import UnitOfWork
from ledger.services import provider_links
from ledger.services.accounts import member_wallet
from ledger.services.reconciliation.references import link_name, rewards_named
from ledger.services.reconciliation.settlement import provider_side
from ledger.services.transfers import create_transfer


async def adopt_record(uow: UnitOfWork, discrepancy: Discrepancy) -> tuple[Reward, Transfer]:
    tenant_id: int = discrepancy.tenant_id  # type: ignore[attr-defined]
    record: dict[str, Any] = discrepancy.evidence.get("provider") or {}
    member_id, kind, status, amount = _accepted_terms(discrepancy, record)
    if await rewards_named(tenant_id, discrepancy.provider, [discrepancy.reference]):
        raise LedgerError(ErrorCode.INVALID_STATE, "the ledger holds this record now: reconcile the day again",
                          field="discrepancyId")
    reward = await Reward.create(
        tenant_id=tenant_id, kind=kind, status=status, provider=discrepancy.provider, member_id=member_id,
        asset=discrepancy.asset, amount=amount, provider_refs={"reference": discrepancy.reference},
        details={"adoptedFrom": {"discrepancyId": discrepancy.id, "providerRecord": record}})
    # Inserted in this write: a reward racing for the same record fails on the key, and so does a twin of this one.
    if not await provider_links.take(tenant_id, discrepancy.provider, link_name(discrepancy.provider,
                                                                                discrepancy.reference), reward.id):
        raise LedgerError(ErrorCode.INVALID_STATE, "another reward holds this record now: reconcile the day again",
                          field="discrepancyId")
    # Listed on the record's day, not the day it was adopted: that day's sweep must not miss it at the provider.
    await ReconciledReward.create(tenant_id=tenant_id, reward_id=reward.id, day=discrepancy.date,
                                  run_id=discrepancy.last_seen_by_id)  # type: ignore[attr-defined]
    uow.emit("reward.created", reward_id=reward.id, member_id=member_id,
             data={"status": status.value, "kind": kind.value, "provider": discrepancy.provider,
                   "amount": str(amount), "asset": reward.asset, "adoptedFrom": {"discrepancyId": discrepancy.id}})
    payer = await provider_side(tenant_id, discrepancy.provider, discrepancy.asset, None, record.get("station"))
    wallet = await member_wallet(tenant_id, member_id, discrepancy.asset)
    transfer = await create_transfer(uow, debit=payer, credit=wallet, amount=amount, reward_id=reward.id,
                                     member_id=member_id)
    return reward, transfer


def _accepted_terms(discrepancy: Discrepancy, record: dict[str, Any]) -> tuple[str, RewardKind, RewardStatus, int]:
    member_id, kind_name = record.get("memberId"), record.get("kind")
    if not member_id or not kind_name:
        raise LedgerError(ErrorCode.INVALID_INPUT, "the provider's record names no member this tenant can identify, "
                          "so no one can be paid: resolve it with WRITE_OFF", field="resolution")
    amount = discrepancy.provider_amount
    if amount is None or amount <= 0:
        raise LedgerError(ErrorCode.INVALID_STATE, "the provider's record states no amount to pay: resolve it with "
                          "WRITE_OFF once known, or ACCEPT_LEDGER", field="discrepancyId")
    kind, status = RewardKind(kind_name), RewardStatus(discrepancy.provider_outcome or RewardStatus.UNKNOWN)
    settled = status in FINAL_STATUSES or (status is RewardStatus.ISSUED and kind not in HELD_UNTIL_CLAIMED)
    if value_state(status) is not ValueState.PAID or not settled:
        raise LedgerError(ErrorCode.INVALID_STATE, f"the provider's record is {discrepancy.provider_status}, not "
                          "settled yet: reconcile the day again once it is", field="discrepancyId")
    return str(member_id), kind, status, amount
