"""Tables. Every row carries its tenant, and every unique key starts with it, so PostgreSQL can later be
distributed by tenant without a redesign. Amounts are BIGINT minor units.

Rows that history needs are never updated in place, with two deliberate exceptions that are written once:
a pending transfer's resolution (state, posted amount, resolved time) and an account's running totals,
which the audit re-derives from the transfers. A reward's status changes, and each change is an event.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ledger.domain.statuses import AccountKind, RewardKind, RewardStatus, TransferState


class Tenant(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=200)
    # The last event sequence number handed out; bumped under a row lock so sequences have no gaps.
    last_event_sequence = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenants"


class ApiKey(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="api_keys", on_delete=fields.RESTRICT
    )
    role = fields.CharField(max_length=16)
    # Only a SHA-256 of the key is kept: a leaked table grants nothing.
    key_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=16)
    label = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_keys"


class MemberToken(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="member_tokens", on_delete=fields.RESTRICT
    )
    member_id = fields.CharField(max_length=64)
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_tokens"


class Account(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="accounts", on_delete=fields.RESTRICT
    )
    asset = fields.CharField(max_length=80)
    kind = fields.CharEnumField(AccountKind, max_length=32)
    # What makes a named account unique within (tenant, kind, asset): the member for a wallet, the
    # provider or station for clearing accounts, "tenant" for funding. Budgets have none (NULLs are
    # distinct), since each campaign links its own.
    owner_key = fields.CharField(max_length=128, null=True)
    member_id = fields.CharField(max_length=64, null=True)
    debits_must_not_exceed_credits = fields.BooleanField(default=False)
    debits_posted = fields.BigIntField(default=0)
    credits_posted = fields.BigIntField(default=0)
    debits_pending = fields.BigIntField(default=0)
    credits_pending = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "accounts"
        unique_together = (("tenant", "kind", "asset", "owner_key"),)
        indexes = (("tenant_id", "member_id"),)


class Campaign(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="campaigns", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    asset = fields.CharField(max_length=80)
    budget_account: fields.OneToOneRelation[Account] = fields.OneToOneField(
        "ledger.Account", related_name="campaign", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "campaigns"


class Reward(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="rewards", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(RewardKind, max_length=32)
    status = fields.CharEnumField(RewardStatus, max_length=32)
    # None for an operator's grant; otherwise the provider adapter's name.
    provider = fields.CharField(max_length=40, null=True)
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "ledger.Campaign", related_name="rewards", null=True, on_delete=fields.RESTRICT
    )
    member_id = fields.CharField(max_length=64)
    asset = fields.CharField(max_length=80)
    amount = fields.BigIntField()
    provider_refs: dict = fields.JSONField(default=dict)
    details: dict = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # The status-sync job's bookkeeping: how often it asked the provider, when it asks next (null: once the
    # provider's grace period after the last change has passed), and why it handed the reward to a person.
    sync_attempts = fields.IntField(default=0)
    next_sync_at = fields.DatetimeField(null=True)
    attention_reason = fields.TextField(null=True)

    class Meta:
        table = "rewards"
        indexes = (("tenant_id", "member_id"), ("tenant_id", "status"), ("tenant_id", "campaign_id"))


class Transfer(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="transfers", on_delete=fields.RESTRICT
    )
    debit_account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ledger.Account", related_name="debit_transfers", on_delete=fields.RESTRICT
    )
    credit_account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "ledger.Account", related_name="credit_transfers", on_delete=fields.RESTRICT
    )
    asset = fields.CharField(max_length=80)
    amount = fields.BigIntField()
    state = fields.CharEnumField(TransferState, max_length=16)
    # Set once, when a pending transfer is resolved: what was posted (≤ amount; 0 when voided).
    posted_amount = fields.BigIntField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    # A correction points at what it corrects; one correction per transfer at most.
    reverses: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "ledger.Transfer", related_name="reversals", null=True, unique=True, on_delete=fields.RESTRICT
    )
    reward: fields.ForeignKeyNullableRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="transfers", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "transfers"
        indexes = (("tenant_id", "state", "expires_at"),)


class Event(Model):
    """Append-only. `sequence` is gap-free per tenant: clients resume a feed with `after: <sequence>`."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="events", on_delete=fields.RESTRICT
    )
    # Null from the write's commit until the tenant's sequencer numbers the event (ledger/event_sequencer.py):
    # nothing reads an event before then.
    sequence = fields.BigIntField(null=True)
    type = fields.CharField(max_length=64)
    reward: fields.ForeignKeyNullableRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    transfer: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "ledger.Transfer", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    campaign_id = fields.BigIntField(null=True)
    member_id = fields.CharField(max_length=64, null=True)
    data: dict = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "events"
        unique_together = (("tenant", "sequence"),)
        # The second serves a reward's timeline (Reward.events).
        indexes = (("tenant_id", "member_id", "sequence"), ("tenant_id", "reward_id", "sequence"))


class IdempotencyRecord(Model):
    """What a write with a key produced, so the same key returns the same result, even after a restart."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="idempotency_records", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=255)
    operation = fields.CharField(max_length=64)
    request_hash = fields.CharField(max_length=64)
    result: dict = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_records"
        unique_together = (("tenant", "key"),)
