"""The Mutation root. Each mutation takes `input: <Name>Input!` and answers `<Name>Payload` with the object
and `userErrors`; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import TypeVar

import strawberry

from api.context import Info, require_role
from api.errors import UserError
from api.ids import decode_id_of
from api.scalars import MinorUnits
from api.types.enums import Role, SettleAction
from api.types.nodes import ApiKey, Campaign, Reward, Transfer
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.persistence import models
from ledger.services import access, campaigns, rewards, transfers

T = TypeVar("T")


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Runs a ledger command, turning its refusal into userErrors."""
    try:
        return await call, []
    except LedgerError as error:
        return None, [UserError.from_ledger(error)]


def require_id(type_name: str, field: str, global_id: str) -> int:
    db_id = decode_id_of(type_name, global_id)
    if db_id is None:
        # A malformed ID and another tenant's ID read the same: there is no such thing here.
        what = "API key" if type_name == "ApiKey" else type_name.lower()
        raise LedgerError(ErrorCode.NOT_FOUND, f"no such {what}", field=field)
    return db_id


@strawberry.input
class CreateCampaignInput:
    name: str
    asset: str = strawberry.field(description="CNY, CREDITS, COUPON:<template> or GOODS:<product>.")
    idempotency_key: str


@strawberry.type
class CreateCampaignPayload:
    campaign: Campaign | None
    user_errors: list[UserError]


@strawberry.input
class FundCampaignInput:
    campaign_id: strawberry.ID
    amount: MinorUnits
    idempotency_key: str
    asset: str | None = strawberry.field(default=None, description="If given, must be the campaign's asset.")


@strawberry.type
class FundCampaignPayload:
    campaign: Campaign | None
    transfer: Transfer | None
    user_errors: list[UserError]


@strawberry.input
class GrantRewardInput:
    campaign_id: strawberry.ID
    member_id: str
    amount: MinorUnits
    idempotency_key: str
    hold: bool = strawberry.field(default=False, description="Hold the amount (PENDING) until settled.")
    hold_timeout_seconds: int | None = strawberry.field(
        default=None, description="A held grant not settled within this many seconds expires.")
    asset: str | None = strawberry.field(default=None, description="If given, must be the campaign's asset.")


@strawberry.type
class GrantRewardPayload:
    reward: Reward | None
    user_errors: list[UserError]


@strawberry.input
class SettleRewardInput:
    reward_id: strawberry.ID
    action: SettleAction
    idempotency_key: str
    amount: MinorUnits | None = strawberry.field(
        default=None, description="POST only: post this much of the hold (default: all of it).")


@strawberry.type
class SettleRewardPayload:
    reward: Reward | None
    user_errors: list[UserError]


@strawberry.input
class ReverseTransferInput:
    transfer_id: strawberry.ID
    idempotency_key: str


@strawberry.type
class ReverseTransferPayload:
    transfer: Transfer | None
    user_errors: list[UserError]


@strawberry.input
class IssueMemberTokenInput:
    member_id: str
    ttl_seconds: int | None = None


@strawberry.type
class IssueMemberTokenPayload:
    token: str | None
    expires_at: datetime | None
    user_errors: list[UserError]


@strawberry.input
class CreateApiKeyInput:
    role: Role
    label: str = ""


@strawberry.type
class CreateApiKeyPayload:
    api_key: ApiKey | None
    secret: str | None = strawberry.field(description="The key itself; shown this once only.")
    user_errors: list[UserError]


@strawberry.input
class RevokeApiKeyInput:
    api_key_id: strawberry.ID


@strawberry.type
class RevokeApiKeyPayload:
    api_key: ApiKey | None
    user_errors: list[UserError]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admin: a campaign with an empty budget of one asset.")
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> CreateCampaignPayload:
        principal = require_role(info, Role.ADMIN, "create campaigns")
        row, errors = await attempt(
            campaigns.create_campaign(principal.tenant_id, input.name, input.asset, input.idempotency_key))
        return CreateCampaignPayload(campaign=Campaign.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Admin: move value from the tenant's funding account to a campaign budget.")
    async def fund_campaign(self, info: Info, input: FundCampaignInput) -> FundCampaignPayload:
        principal = require_role(info, Role.ADMIN, "fund campaigns")

        async def run() -> campaigns.FundingResult:
            campaign_id = require_id("Campaign", "campaignId", input.campaign_id)
            return await campaigns.fund_campaign(principal.tenant_id, campaign_id, input.amount,
                                                 input.idempotency_key, expected_asset=input.asset)

        result, errors = await attempt(run())
        if result is None:
            return FundCampaignPayload(campaign=None, transfer=None, user_errors=errors)
        return FundCampaignPayload(campaign=Campaign.from_row(result.campaign),
                                   transfer=Transfer.from_row(result.transfer), user_errors=[])

    @strawberry.mutation(description="Operator: grant a member an amount from a campaign budget.")
    async def grant_reward(self, info: Info, input: GrantRewardInput) -> GrantRewardPayload:
        principal = require_role(info, Role.OPERATOR, "grant rewards")

        async def run() -> models.Reward:
            campaign_id = require_id("Campaign", "campaignId", input.campaign_id)
            return await rewards.grant_reward(
                principal.tenant_id, campaign_id=campaign_id, member_id=input.member_id, amount=input.amount,
                idempotency_key=input.idempotency_key, hold=input.hold,
                hold_timeout_s=input.hold_timeout_seconds, expected_asset=input.asset,
            )

        row, errors = await attempt(run())
        return GrantRewardPayload(reward=Reward.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Operator: post (all or part) or void a held reward.")
    async def settle_reward(self, info: Info, input: SettleRewardInput) -> SettleRewardPayload:
        principal = require_role(info, Role.OPERATOR, "settle rewards")

        async def run() -> models.Reward:
            reward_id = require_id("Reward", "rewardId", input.reward_id)
            return await rewards.settle_reward(principal.tenant_id, reward_id, input.action,
                                               input.idempotency_key, amount=input.amount)

        row, errors = await attempt(run())
        return SettleRewardPayload(reward=Reward.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Operator: correct a posted transfer with a linked one the other way.")
    async def reverse_transfer(self, info: Info, input: ReverseTransferInput) -> ReverseTransferPayload:
        principal = require_role(info, Role.OPERATOR, "reverse transfers")

        async def run() -> models.Transfer:
            transfer_id = require_id("Transfer", "transferId", input.transfer_id)
            return await transfers.reverse_transfer(principal.tenant_id, transfer_id, input.idempotency_key)

        row, errors = await attempt(run())
        return ReverseTransferPayload(transfer=Transfer.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Operator: a token a member's app uses to read that member's data only.")
    async def issue_member_token(self, info: Info, input: IssueMemberTokenInput) -> IssueMemberTokenPayload:
        principal = require_role(info, Role.OPERATOR, "issue member tokens")
        issued, errors = await attempt(
            access.issue_member_token(principal.tenant_id, input.member_id, input.ttl_seconds))
        token, expires_at = issued if issued else (None, None)
        return IssueMemberTokenPayload(token=token, expires_at=expires_at, user_errors=errors)

    @strawberry.mutation(description="Admin: a new operator API key for this tenant.")
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> CreateApiKeyPayload:
        principal = require_role(info, Role.ADMIN, "manage API keys")
        created, errors = await attempt(
            access.create_api_key(principal.tenant_id, input.role, input.label))
        if created is None:
            return CreateApiKeyPayload(api_key=None, secret=None, user_errors=errors)
        row, secret = created
        return CreateApiKeyPayload(api_key=ApiKey.from_row(row), secret=secret, user_errors=[])

    @strawberry.mutation(description="Admin: revoke an API key at once. Revoking twice is harmless.")
    async def revoke_api_key(self, info: Info, input: RevokeApiKeyInput) -> RevokeApiKeyPayload:
        principal = require_role(info, Role.ADMIN, "manage API keys")

        async def run() -> models.ApiKey:
            key_id = require_id("ApiKey", "apiKeyId", input.api_key_id)
            return await access.revoke_api_key(principal.tenant_id, key_id)

        row, errors = await attempt(run())
        return RevokeApiKeyPayload(api_key=ApiKey.from_row(row) if row else None, user_errors=errors)
