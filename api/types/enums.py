"""The ledger's enums, exposed to GraphQL under the same names."""

import strawberry

from ledger.domain import access, statuses
from ledger.services import rewards

Role = strawberry.enum(access.Role)
RewardStatus = strawberry.enum(statuses.RewardStatus)
RewardKind = strawberry.enum(statuses.RewardKind)
TransferState = strawberry.enum(statuses.TransferState)
AccountKind = strawberry.enum(statuses.AccountKind)
SettleAction = strawberry.enum(rewards.SettleAction)
