"""Tables of the lottery risk controls: each tenant's rules, what is known of each member, and what was refused.

A null limit is a limit switched off. Days are Beijing dates (UTC+08:00), the provider's day, so a member's
daily counters roll over at midnight in Beijing, not in UTC.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from ledger.persistence.models import Tenant

# The seed's defaults (§6 风险控制): 10,000 yuan per ticket and per day, 20 tickets and 10 failures a day,
# 15 s between requests, service from 01:00 to 23:00 so that no payout settles across midnight.
DEFAULT_MAX_TICKET_PRIZE_FEN = 1_000_000
DEFAULT_MAX_TICKETS_PER_DAY = 20
DEFAULT_MAX_AMOUNT_PER_DAY_FEN = 1_000_000
DEFAULT_MAX_FAILURES_PER_DAY = 10
DEFAULT_SUSPENSION_HOURS = 24
DEFAULT_SUSPENSIONS_BEFORE_BLOCKLIST = 3
DEFAULT_MIN_INTERVAL_SECONDS = 15
DEFAULT_SERVICE_HOURS = "01:00-23:00"


class LotteryBlockKind(StrEnum):
    MEMBER = "MEMBER"
    IP = "IP"


# Class docstrings become table comments: a semicolon in one breaks Tortoise's SQLite migrations.


class LotteryRiskRules(Model):
    """One row per tenant. A tenant without a row has the defaults."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="lottery_risk_rules", unique=True, on_delete=fields.RESTRICT
    )
    # False is the emergency stop: no ticket is redeemed at all.
    enabled = fields.BooleanField(default=True)
    require_real_name = fields.BooleanField(default=True)
    max_ticket_prize_fen = fields.BigIntField(null=True, default=DEFAULT_MAX_TICKET_PRIZE_FEN)
    max_tickets_per_day = fields.IntField(null=True, default=DEFAULT_MAX_TICKETS_PER_DAY)
    max_amount_per_day_fen = fields.BigIntField(null=True, default=DEFAULT_MAX_AMOUNT_PER_DAY_FEN)
    max_failures_per_day = fields.IntField(null=True, default=DEFAULT_MAX_FAILURES_PER_DAY)
    # Null: reaching the failure limit refuses the rest of the day but suspends no one.
    suspension_hours = fields.IntField(null=True, default=DEFAULT_SUSPENSION_HOURS)
    # Null: suspensions never lead to the blocklist.
    suspensions_before_blocklist = fields.IntField(null=True, default=DEFAULT_SUSPENSIONS_BEFORE_BLOCKLIST)
    min_interval_seconds = fields.IntField(null=True, default=DEFAULT_MIN_INTERVAL_SECONDS)
    # "HH:MM-HH:MM" in Beijing time, start inclusive, end exclusive; null means always.
    service_hours = fields.CharField(max_length=11, null=True, default=DEFAULT_SERVICE_HOURS)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "lottery_risk_rules"


class MemberVerification(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="member_verifications", on_delete=fields.RESTRICT
    )
    member_id = fields.CharField(max_length=64)
    real_name_verified = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member_verifications"
        unique_together = (("tenant", "member_id"),)


class MemberLotteryDay(Model):
    """A member's counters for one Beijing day. Its row lock is what serialises that member's admissions."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="member_lottery_days", on_delete=fields.RESTRICT
    )
    member_id = fields.CharField(max_length=64)
    day = fields.DateField()
    tickets = fields.IntField(default=0)
    amount_fen = fields.BigIntField(default=0)
    failures = fields.IntField(default=0)
    # The last admitted request, carried over from the day before so the interval holds across midnight.
    last_request_at = fields.DatetimeField(null=True)

    class Meta:
        table = "member_lottery_days"
        unique_together = (("tenant", "member_id", "day"),)


class MemberSuspension(Model):
    """Kept after it ends: the number of a member's suspensions decides the blocklist."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="member_suspensions", on_delete=fields.RESTRICT
    )
    member_id = fields.CharField(max_length=64)
    until = fields.DatetimeField()
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_suspensions"
        indexes = (("tenant_id", "member_id", "until"),)


class LotteryBlock(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="lottery_blocks", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(LotteryBlockKind, max_length=16)
    # A member ID, or an IP address in its canonical (compressed) form.
    value = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "lottery_blocks"
        unique_together = (("tenant", "kind", "value"),)


class RiskRefusalCount(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="risk_refusal_counts", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=64)
    day = fields.DateField()
    count = fields.BigIntField(default=0)

    class Meta:
        table = "risk_refusal_counts"
        unique_together = (("tenant", "code", "day"),)
