"""The ledger's enums, registered with Strawberry under their own names.

`strawberry.enum` marks the class and returns it unchanged, so the API annotates fields with the domain's
own enums and the ledger stays free of GraphQL imports.
"""

import strawberry

from ledger.domain.access import Role
from ledger.domain.statuses import AccountKind, RewardKind, RewardStatus, TransferState
from ledger.persistence.resolution_models import Resolution
from ledger.services.rewards import SettleAction

for _enum in (Role, RewardStatus, RewardKind, TransferState, AccountKind, SettleAction):
    strawberry.enum(_enum)
strawberry.enum(Resolution, name="RewardResolution",
                description="How a person settles a NEEDS_ATTENTION reward: PAY it, or VOID it.")

__all__ = ["AccountKind", "Resolution", "RewardKind", "RewardStatus", "Role", "SettleAction", "TransferState"]
