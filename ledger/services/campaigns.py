"""Campaigns: a named budget of one asset, funded from the tenant's funding account."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.money import parse_asset, require_positive
from ledger.domain.statuses import AccountKind
from ledger.persistence.models import Account, Campaign, Transfer
from ledger.persistence.unit_of_work import UnitOfWork, run_idempotent_write
from ledger.services.accounts import funding_account
from ledger.services.transfers import create_transfer

MAX_NAME_LENGTH = 200


async def create_campaign(tenant_id: int, name: str, asset: str, idempotency_key: str) -> Campaign:
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"name must be 1-{MAX_NAME_LENGTH} characters",
                          field="name")
    asset = parse_asset(asset)

    async def work(uow: UnitOfWork) -> tuple[dict, Campaign]:
        budget = await Account.create(
            tenant_id=tenant_id, kind=AccountKind.CAMPAIGN_BUDGET, asset=asset,
            debits_must_not_exceed_credits=True,
        )
        campaign = await Campaign.create(tenant_id=tenant_id, name=name, asset=asset, budget_account=budget)
        uow.emit("campaign.created", campaign_id=campaign.id, data={"name": name, "asset": asset})
        return {"campaign_id": campaign.id}, campaign

    return await run_idempotent_write(
        tenant_id, operation="createCampaign", key=idempotency_key,
        request={"name": name, "asset": asset}, work=work, replay=_load_campaign,
    )


async def _load_campaign(reference: dict) -> Campaign:
    return await Campaign.get(id=reference["campaign_id"])


async def find_campaign(tenant_id: int, campaign_id: int) -> Campaign:
    campaign = await Campaign.get_or_none(id=campaign_id, tenant_id=tenant_id)
    if campaign is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such campaign", field="campaignId")
    return campaign


def check_expected_asset(campaign: Campaign, expected_asset: str | None) -> None:
    """Lets a client state the asset it means, so a grant never moves coupons it took for yuan."""
    if expected_asset is not None and expected_asset != campaign.asset:
        raise LedgerError(
            ErrorCode.ASSET_MISMATCH, f"the campaign holds {campaign.asset}, not {expected_asset}", field="asset"
        )


@dataclass(frozen=True)
class FundingResult:
    campaign: Campaign
    transfer: Transfer


async def fund_campaign(
    tenant_id: int, campaign_id: int, amount: int, idempotency_key: str, expected_asset: str | None = None
) -> FundingResult:
    require_positive(amount)

    async def work(uow: UnitOfWork) -> tuple[dict, FundingResult]:
        campaign = await find_campaign(tenant_id, campaign_id)
        check_expected_asset(campaign, expected_asset)
        budget = await Account.get(id=campaign.budget_account_id)  # type: ignore[attr-defined]
        source = await funding_account(tenant_id, campaign.asset)
        transfer = await create_transfer(uow, debit=source, credit=budget, amount=amount)
        uow.emit("campaign.funded", campaign_id=campaign.id, transfer_id=transfer.id,
                 data={"amount": str(amount), "asset": campaign.asset})
        return {"campaign_id": campaign.id, "transfer_id": transfer.id}, FundingResult(campaign, transfer)

    async def replay(reference: dict) -> FundingResult:
        return FundingResult(await _load_campaign(reference), await Transfer.get(id=reference["transfer_id"]))

    return await run_idempotent_write(
        tenant_id, operation="fundCampaign", key=idempotency_key,
        request={"campaign_id": campaign_id, "amount": amount, "asset": expected_asset},
        work=work, replay=replay,
    )
