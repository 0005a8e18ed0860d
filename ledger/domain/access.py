"""Who is asking: every request acts for one principal within one tenant."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "VIEWER"
    OPERATOR = "OPERATOR"
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


# Operator roles are ordered: each can do what the ones before it can.
_OPERATOR_RANK = {Role.VIEWER: 1, Role.OPERATOR: 2, Role.ADMIN: 3}


@dataclass(frozen=True, slots=True)
class Principal:
    tenant_id: int
    role: Role
    member_id: str | None = None  # set for member tokens only
    api_key_id: int | None = None  # set for API keys only: who did what a person decides (resolveReward)

    @property
    def is_member(self) -> bool:
        return self.role is Role.MEMBER

    def has_at_least(self, role: Role) -> bool:
        """Operator roles only: a member token never satisfies an operator requirement."""
        if self.is_member:
            return role is Role.MEMBER
        return _OPERATOR_RANK[self.role] >= _OPERATOR_RANK.get(role, 99)
