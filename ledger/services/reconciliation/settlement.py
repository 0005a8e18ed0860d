"""The money a discrepancy's resolution moves, inside the resolution's write: one new transfer at most,
linked to the reward and (by the caller) to the discrepancy. History is never edited.

- ACCEPT_PROVIDER makes the ledger pay the member what the provider paid: the difference between the two moves
  between the account that pays the reward (reward_payers.py: a station's cash, a campaign's budget) and the
  member's wallet; a hold is posted or voided rather than bypassed; the status and amount follow through
  corrections.py. What the ledger paid is read under the accounts' locks, so a second acceptance finds the
  ledger agreeing and moves nothing.
- WRITE_OFF moves the same difference between that paying account (or, for a record the ledger never had, the
  provider's side: its station's cash or its clearing account) and the tenant's WRITE_OFF account, leaving the
  member's side as the ledger recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import Money
from ledger.domain.reconciliation import HELD_UNTIL_CLAIMED, ValueState, value_state
from ledger.domain.statuses import AccountKind, RewardStatus, TransferState
from ledger.persistence.models import Account, Reward, Transfer
from ledger.persistence.unit_of_work import UnitOfWork
from ledger.services.accounts import member_wallet, named_account, provider_clearing_account
from ledger.services.reconciliation.corrections import correct_reward
from ledger.services.reward_payers import payer_of
from ledger.services.transfers import create_transfer, resolve_pending

WRITE_OFF_OWNER = "tenant"


@dataclass(frozen=True)
class Paid:
    """What the ledger has given the member for a reward: posted (net of reversals) and held."""

    wallet: Account
    posted: int
    hold: Transfer | None
    postings: list[Transfer]  # posted transfers into the wallet not yet reversed


async def paid_to_member(reward: Reward) -> Paid:
    if not reward.member_id:
        raise LedgerError(ErrorCode.INVALID_STATE, "this reward names no member whose payment could be corrected",
                          field="discrepancyId")
    wallet = await member_wallet(reward.tenant_id, reward.member_id, reward.asset)  # type: ignore[attr-defined]
    transfers = await Transfer.filter(Q(debit_account_id=wallet.id) | Q(credit_account_id=wallet.id),
                                      reward_id=reward.id).order_by("id")
    posted = [t for t in transfers if t.state is TransferState.POSTED]
    reversed_ids = {t.reverses_id for t in posted if t.reverses_id}  # type: ignore[attr-defined]
    into = [t for t in posted if t.credit_account_id == wallet.id]  # type: ignore[attr-defined]
    out_of = [t for t in posted if t.debit_account_id == wallet.id]  # type: ignore[attr-defined]
    net = sum(t.posted_amount or 0 for t in into) - sum(t.posted_amount or 0 for t in out_of)
    hold = next((t for t in transfers if t.state is TransferState.PENDING
                 and t.credit_account_id == wallet.id), None)  # type: ignore[attr-defined]
    return Paid(wallet, net, hold, [t for t in into if t.id not in reversed_ids])


async def pay_as_provider(uow: UnitOfWork, reward: Reward, *, status: RewardStatus, amount: int,
                          discrepancy_id: int, reason: str) -> Transfer | None:
    """Brings what the member got for the reward to `amount` if the provider paid it (else to nothing), and
    the reward to the provider's status. INVALID_STATE when the ledger already agrees."""
    paid = await paid_to_member(reward)
    target = amount if value_state(status) is ValueState.PAID else 0
    held = status is RewardStatus.ISSUED and reward.kind in HELD_UNTIL_CLAIMED  # issued, not yet claimed
    transfer = await (_settle_hold(uow, reward, paid, target, held) if paid.hold is not None
                      else _move_difference(uow, reward, paid, target, held))
    new_amount = amount if target else reward.amount
    if transfer is None and status is reward.status and new_amount == reward.amount:
        raise LedgerError(ErrorCode.INVALID_STATE, "the ledger already agrees with the provider: nothing to move",
                          field="discrepancyId")
    await correct_reward(uow, reward, status=status, amount=new_amount, discrepancy_id=discrepancy_id,
                         reason=reason)
    return transfer


async def _settle_hold(uow: UnitOfWork, reward: Reward, paid: Paid, target: int, held: bool) -> Transfer | None:
    hold = paid.hold
    assert hold is not None
    if target == 0:
        return await resolve_pending(uow, hold, post_amount=None, member_id=reward.member_id)
    if held and hold.amount == target:
        return None  # the provider holds it for the member too: the hold stands until the claim
    to_post = target - paid.posted
    if held or not 0 < to_post <= hold.amount:
        raise LedgerError(ErrorCode.INVALID_STATE, f"the provider's {_money(target, reward)} does not fit the "
                          f"{_money(hold.amount, reward)} held: settle the hold first (syncReward), then reconcile "
                          "again", field="discrepancyId")
    return await resolve_pending(uow, hold, post_amount=to_post, member_id=reward.member_id)


async def _move_difference(uow: UnitOfWork, reward: Reward, paid: Paid, target: int, held: bool) -> Transfer | None:
    difference = target - paid.posted
    if difference == 0:
        return None
    payer = await payer_of(reward)
    if difference > 0:
        return await create_transfer(uow, debit=payer, credit=paid.wallet, amount=difference, pending=held,
                                     reward_id=reward.id, member_id=reward.member_id)
    taken_back = -difference
    # Taking back one whole payment is its reversal (linked to it); a part of one is a transfer of its own.
    undone = next((t for t in paid.postings if t.posted_amount == taken_back), None)
    return await create_transfer(uow, debit=paid.wallet, credit=payer, amount=taken_back, reward_id=reward.id,
                                 reverses_id=undone.id if undone else None, member_id=reward.member_id)


async def write_off(uow: UnitOfWork, *, reward: Reward | None, provider_paid: int | None, provider_side: Account,
                    asset: str) -> Transfer:
    """Moves what the provider paid beyond the ledger (or the ledger beyond the provider) between the provider's
    side and WRITE_OFF. `provider_paid` None: the provider's amount is unknown, so nothing can be written off."""
    if provider_paid is None:
        raise LedgerError(ErrorCode.INVALID_STATE, "the provider's amount is unknown, so there is no difference "
                          "to write off", field="discrepancyId")
    ledger_paid = (await paid_to_member(reward)).posted if reward is not None else 0
    difference = provider_paid - ledger_paid
    if difference == 0:
        raise LedgerError(ErrorCode.INVALID_STATE, "the two sides paid the same: nothing to write off",
                          field="discrepancyId")
    written_off = await named_account(provider_side.tenant_id, AccountKind.WRITE_OFF, asset,  # type: ignore[attr-defined]
                                      WRITE_OFF_OWNER)
    reward_id = reward.id if reward is not None else None
    if difference > 0:  # the provider paid out what the ledger never did: a loss on the provider's side
        return await create_transfer(uow, debit=provider_side, credit=written_off, amount=difference,
                                     reward_id=reward_id)
    # the ledger paid what the provider never did: the provider's side keeps it, the tenant bears it
    return await create_transfer(uow, debit=written_off, credit=provider_side, amount=-difference,
                                 reward_id=reward_id)


async def provider_side(tenant_id: int, provider: str, asset: str, reward: Reward | None,
                        station: str | None) -> Account:
    """The account on the provider's side of the difference: the one that pays the reward, or, for a record
    the ledger never had, the cash of the station that paid it, else the provider's clearing account."""
    if reward is not None:
        return await payer_of(reward)
    if station:
        return await named_account(tenant_id, AccountKind.STATION_CASH, asset, f"{provider}:{station}")
    return await provider_clearing_account(tenant_id, provider, asset)


def _money(amount: int, reward: Reward) -> str:
    return Money(amount, reward.asset).formatted()
