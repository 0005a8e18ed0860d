"""Finding and creating the named accounts a tenant's transfers need."""

from __future__ import annotations

from tortoise.expressions import Q

from ledger.domain.statuses import CONSTRAINED_KINDS, AccountKind
from ledger.persistence.models import Account

FUNDING_OWNER = "tenant"


async def named_account(
    tenant_id: int, kind: AccountKind, asset: str, owner_key: str, *, member_id: str | None = None
) -> Account:
    """The account for (kind, asset, owner), created on first use.

    Call inside a write transaction: a concurrent creator makes the unique key fail, and the unit of work
    retries, finding the account the other one made.
    """
    account = await Account.get_or_none(tenant_id=tenant_id, kind=kind, asset=asset, owner_key=owner_key)
    if account is None:
        account = await Account.create(
            tenant_id=tenant_id,
            kind=kind,
            asset=asset,
            owner_key=owner_key,
            member_id=member_id,
            debits_must_not_exceed_credits=kind in CONSTRAINED_KINDS,
        )
    return account


async def funding_account(tenant_id: int, asset: str) -> Account:
    return await named_account(tenant_id, AccountKind.FUNDING, asset, FUNDING_OWNER)


async def member_wallet(tenant_id: int, member_id: str, asset: str) -> Account:
    return await named_account(tenant_id, AccountKind.MEMBER_WALLET, asset, member_id, member_id=member_id)


async def lock_with_member_wallet(tenant_id: int, account_id: int, member_id: str, asset: str
                                  ) -> tuple[Account, Account]:
    """Locks an account and the member's wallet of its asset in one statement, in id order as every lock
    is taken, and returns both as read under the locks: (account, wallet). A wallet not there yet is
    created, which needs no lock: no one else sees it before commit (a concurrent creator fails on the
    unique key and the unit of work retries)."""
    rows = await Account.filter(
        Q(id=account_id) | Q(tenant_id=tenant_id, kind=AccountKind.MEMBER_WALLET, asset=asset, owner_key=member_id)
    ).order_by("id").select_for_update()
    account = next(row for row in rows if row.id == account_id)
    wallet = next((row for row in rows if row.id != account_id), None)
    return account, wallet or await member_wallet(tenant_id, member_id, asset)


async def provider_clearing_account(tenant_id: int, provider: str, asset: str) -> Account:
    return await named_account(tenant_id, AccountKind.PROVIDER_CLEARING, asset, provider)
