"""GraphQL for what only a person can settle: resolveReward pays or voids a NEEDS_ATTENTION reward."""

from __future__ import annotations

import strawberry

from api.context import Info, require_role
from api.errors import UserError
from api.mutations import attempt, require_id
from api.scalars import MinorUnits
from api.types.enums import Resolution
from api.types.nodes import Reward, Transfer
from ledger.domain.access import Role
from ledger.services import resolutions


@strawberry.input
class ResolveRewardInput:
    reward_id: strawberry.ID
    resolution: Resolution
    note: str = strawberry.field(description="Why: what the person found (kept with the reward and its event).")
    idempotency_key: str
    amount: MinorUnits | None = strawberry.field(default=None, description=(
        "PAY only: the amount paid, at most what was held (or the prize stated). Required when the provider "
        "never stated the amount (a claimed RANDOM red packet); otherwise defaults to the stated amount."))


@strawberry.type
class ResolveRewardPayload:
    reward: Reward | None
    transfers: list[Transfer] = strawberry.field(description="The transfers the resolution posted or voided.")
    user_errors: list[UserError]


@strawberry.type
class ResolutionMutation:
    @strawberry.mutation(description="Admin: pay or void a NEEDS_ATTENTION reward, through linked transfers, saying "
                         "why. A second resolution of one reward is INVALID_STATE.")
    async def resolve_reward(self, info: Info, input: ResolveRewardInput) -> ResolveRewardPayload:
        principal = require_role(info, Role.ADMIN, "resolve rewards")

        async def run() -> resolutions.Resolved:
            reward_id = require_id("Reward", "rewardId", input.reward_id)
            return await resolutions.resolve_reward(
                principal.tenant_id, reward_id, input.resolution, note=input.note,
                idempotency_key=input.idempotency_key, api_key_id=principal.api_key_id, amount=input.amount)

        resolved, errors = await attempt(run())
        if resolved is None:
            return ResolveRewardPayload(reward=None, transfers=[], user_errors=errors)
        return ResolveRewardPayload(reward=Reward.from_row(resolved.reward),
                                    transfers=[Transfer.from_row(t) for t in resolved.transfers], user_errors=[])
