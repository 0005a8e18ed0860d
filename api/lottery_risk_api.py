"""GraphQL for the lottery risk controls: the tenant's rules, members' real-name status, the blocklist and
the day's refusal counts. The schema merges `LotteryRiskQuery` and `LotteryRiskMutation` into its roots."""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info, require_role
from api.errors import UserError
from api.mutations import attempt
from api.scalars import MinorUnits
from api.types.enums import Role
from api.types.money import Money
from ledger.persistence import risk_models
from ledger.persistence.risk_models import LotteryBlockKind
from ledger.services import lottery_risk

strawberry.enum(LotteryBlockKind, description="What a lottery blocklist entry matches: a member or an IP address.")

# Input field -> rule it sets. Money fields carry no unit in GraphQL (the Money type says it).
_RULE_OF_INPUT = {
    "enabled": "enabled",
    "require_real_name": "require_real_name",
    "max_ticket_prize": "max_ticket_prize_fen",
    "max_tickets_per_day": "max_tickets_per_day",
    "max_amount_per_day": "max_amount_per_day_fen",
    "max_failures_per_day": "max_failures_per_day",
    "min_interval_seconds": "min_interval_seconds",
    "service_hours": "service_hours",
    "suspension_hours": "suspension_hours",
    "suspensions_before_blocklist": "suspensions_before_blocklist",
}


def _cny(amount_fen: int | None) -> Money | None:
    return None if amount_fen is None else Money.of(amount_fen, "CNY")


@strawberry.type(description="A tenant's risk controls of lottery ticket redemption. A null limit is switched off.")
class LotteryRiskRules:
    enabled: bool = strawberry.field(description="False is the emergency stop: no ticket is redeemed.")
    require_real_name: bool = strawberry.field(description="Only members with a verified real name may redeem.")
    max_ticket_prize: Money | None = strawberry.field(description="The largest prize one ticket may pay out.")
    max_tickets_per_day: int | None = strawberry.field(description="Tickets a member may redeem per Beijing day.")
    max_amount_per_day: Money | None = strawberry.field(
        description="Once a member's prizes of the day reach this, the day's next request is refused.")
    max_failures_per_day: int | None = strawberry.field(
        description="Failed redemptions (not a winner, not a ticket, refused) per day; reaching it suspends.")
    min_interval_seconds: int | None = strawberry.field(description="Least time between two admitted requests.")
    service_hours: str | None = strawberry.field(
        description='"HH:MM-HH:MM" in Beijing time (start inclusive, end exclusive); null: always.')
    suspension_hours: int | None = strawberry.field(
        description="How long reaching the failure limit suspends a member; null: no suspension.")
    suspensions_before_blocklist: int | None = strawberry.field(
        description="The suspension that puts a member on the blocklist (counting all of them); null: never.")

    @classmethod
    def from_row(cls, row: risk_models.LotteryRiskRules) -> LotteryRiskRules:
        return cls(
            enabled=row.enabled, require_real_name=row.require_real_name,
            max_ticket_prize=_cny(row.max_ticket_prize_fen), max_tickets_per_day=row.max_tickets_per_day,
            max_amount_per_day=_cny(row.max_amount_per_day_fen), max_failures_per_day=row.max_failures_per_day,
            min_interval_seconds=row.min_interval_seconds, service_hours=row.service_hours,
            suspension_hours=row.suspension_hours, suspensions_before_blocklist=row.suspensions_before_blocklist,
        )


@strawberry.type(description="How many redemption requests the risk controls refused for one reason.")
class RiskRefusalCount:
    code: str = strawberry.field(description="The refusal's code, e.g. RISK_TOO_FREQUENT.")
    count: int


@strawberry.input
class SetMemberVerificationInput:
    member_id: str
    real_name_verified: bool


@strawberry.type
class SetMemberVerificationPayload:
    member_id: str | None
    real_name_verified: bool | None
    user_errors: list[UserError]


@strawberry.input(description="Omit a field to leave that rule as it is; send null to switch that limit off.")
class SetLotteryRiskRulesInput:
    require_real_name: bool | None = strawberry.UNSET
    max_ticket_prize: MinorUnits | None = strawberry.UNSET
    max_tickets_per_day: int | None = strawberry.UNSET
    max_amount_per_day: MinorUnits | None = strawberry.UNSET
    max_failures_per_day: int | None = strawberry.UNSET
    min_interval_seconds: int | None = strawberry.UNSET
    service_hours: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    suspension_hours: int | None = strawberry.UNSET
    suspensions_before_blocklist: int | None = strawberry.UNSET

    def changes(self) -> dict[str, object]:
        """The rules this input changes; a field sent as null is a change too (that limit is switched off)."""
        given = {name: getattr(self, name) for name in _RULE_OF_INPUT}
        return {_RULE_OF_INPUT[name]: value for name, value in given.items() if value is not strawberry.UNSET}


@strawberry.type
class SetLotteryRiskRulesPayload:
    rules: LotteryRiskRules | None
    user_errors: list[UserError]


@strawberry.input
class SetLotteryBlockInput:
    kind: LotteryBlockKind
    value: str = strawberry.field(description="A member ID, or an IPv4 or IPv6 address.")
    blocked: bool = strawberry.field(description="True puts it on the blocklist; false takes it off.")
    reason: str | None = None


@strawberry.type
class SetLotteryBlockPayload:
    user_errors: list[UserError]


@strawberry.type
class LotteryRiskMutation:
    @strawberry.mutation(description="Operator: record whether a member's real name is verified.")
    async def set_member_verification(self, info: Info, input: SetMemberVerificationInput
                                      ) -> SetMemberVerificationPayload:
        principal = require_role(info, Role.OPERATOR, "set member verification")
        row, errors = await attempt(lottery_risk.set_member_verification(
            principal.tenant_id, input.member_id, input.real_name_verified))
        return SetMemberVerificationPayload(member_id=row.member_id if row else None,
                                            real_name_verified=row.real_name_verified if row else None,
                                            user_errors=errors)

    @strawberry.mutation(description="Admin: change the tenant's lottery risk rules.")
    async def set_lottery_risk_rules(self, info: Info, input: SetLotteryRiskRulesInput
                                     ) -> SetLotteryRiskRulesPayload:
        principal = require_role(info, Role.ADMIN, "set lottery risk rules")
        row, errors = await attempt(lottery_risk.set_rules(principal.tenant_id, **input.changes()))
        return SetLotteryRiskRulesPayload(rules=LotteryRiskRules.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Admin: put a member or an IP address on the lottery blocklist, or take it off.")
    async def set_lottery_block(self, info: Info, input: SetLotteryBlockInput) -> SetLotteryBlockPayload:
        principal = require_role(info, Role.ADMIN, "manage the lottery blocklist")
        _, errors = await attempt(lottery_risk.set_block(
            principal.tenant_id, input.kind.value, input.value, input.blocked, input.reason or ""))
        return SetLotteryBlockPayload(user_errors=errors)


@strawberry.type
class LotteryRiskQuery:
    @strawberry.field(description="The tenant's lottery risk rules (the defaults until an admin changes them).")
    async def lottery_risk_rules(self, info: Info) -> LotteryRiskRules:
        principal = require_role(info, Role.VIEWER, "read lottery risk rules")
        return LotteryRiskRules.from_row(await lottery_risk.get_rules(principal.tenant_id))

    @strawberry.field(description="Refused redemption requests per code on a Beijing day (default: today).")
    async def lottery_risk_refusals(self, info: Info, day: date | None = None) -> list[RiskRefusalCount]:
        principal = require_role(info, Role.VIEWER, "read lottery risk refusals")
        counts = await lottery_risk.refusal_counts(principal.tenant_id, day)
        return [RiskRefusalCount(code=code, count=count) for code, count in counts.items()]
