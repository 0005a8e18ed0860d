"""Finding and creating the named accounts a tenant's transfers need."""

from __future__ import annotations

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


async def provider_clearing_account(tenant_id: int, provider: str, asset: str) -> Account:
    return await named_account(tenant_id, AccountKind.PROVIDER_CLEARING, asset, provider)
