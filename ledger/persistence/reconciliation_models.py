"""Tables of reconciliation: each run over a provider's day, each discrepancy it found, and which day's feed
last listed each reward."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ledger.domain.jobs import JobRunStatus
from ledger.domain.reconciliation import DiscrepancyKind, DiscrepancyResolution, DiscrepancyStatus
from ledger.persistence.models import ApiKey, Reward, Tenant, Transfer

# Tortoise turns a model's docstring into a table comment (and SQLite migrations break on some), so these
# models are described by comments.


# One run over one provider's day. A day may be run again: every run is kept, with what it matched
# (count and amount) and how many discrepancies it saw; the discrepancies themselves are kept once each.
class ReconciliationRun(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="reconciliation_runs", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    date = fields.DateField()
    status = fields.CharEnumField(JobRunStatus, max_length=16)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    asset = fields.CharField(max_length=80, default="CNY")
    matched_count = fields.BigIntField(default=0)
    matched_amount = fields.BigIntField(default=0)
    discrepancy_count = fields.BigIntField(default=0)
    counts: dict = fields.JSONField(default=dict)
    note = fields.TextField(null=True)  # why a run was skipped or failed

    class Meta:
        table = "reconciliation_runs"
        indexes = (("tenant_id", "provider", "date"),)


# A difference between a provider's record and the ledger, with both sides' evidence. Unique per (tenant,
# provider, reference, kind), so running a day again never duplicates one. Resolved once, by a person
# (who and why kept), through a new transfer linked here; history is never edited.
class Discrepancy(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="discrepancies", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=40)
    date = fields.DateField()
    reference = fields.CharField(max_length=128)
    kind = fields.CharEnumField(DiscrepancyKind, max_length=24)
    status = fields.CharEnumField(DiscrepancyStatus, max_length=12)
    reward: fields.ForeignKeyNullableRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="discrepancies", null=True, on_delete=fields.RESTRICT
    )
    asset = fields.CharField(max_length=80)
    ledger_amount = fields.BigIntField(null=True)
    provider_amount = fields.BigIntField(null=True)
    ledger_status = fields.CharField(max_length=32, null=True)
    provider_status = fields.CharField(max_length=64, null=True)
    provider_outcome = fields.CharField(max_length=32, null=True)  # the provider's status in the ledger's words
    evidence: dict = fields.JSONField(default=dict)
    found_by: fields.ForeignKeyRelation[ReconciliationRun] = fields.ForeignKeyField(
        "ledger.ReconciliationRun", related_name="found", on_delete=fields.RESTRICT
    )
    last_seen_by: fields.ForeignKeyRelation[ReconciliationRun] = fields.ForeignKeyField(
        "ledger.ReconciliationRun", related_name="seen", on_delete=fields.RESTRICT
    )
    resolution = fields.CharEnumField(DiscrepancyResolution, max_length=16, null=True)
    note = fields.TextField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.CharField(max_length=64, null=True)  # "apiKey:<id>", "role:<role>" or "reconciliation"
    api_key: fields.ForeignKeyNullableRelation[ApiKey] = fields.ForeignKeyField(
        "ledger.ApiKey", related_name="discrepancy_resolutions", null=True, on_delete=fields.RESTRICT
    )
    transfer: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "ledger.Transfer", related_name="discrepancies", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "discrepancies"
        unique_together = (("tenant", "provider", "reference", "kind"),)
        indexes = (("tenant_id", "status"), ("tenant_id", "provider", "date"))


# Which provider day's feed last listed a reward, and which run saw it there. A run looks for the day's
# paid rewards its feed never listed by paging the rewards and these marks together, never holding either
# in memory; a mark from another day (a packet split after midnight) keeps a reward out of this day's sweep.
class ReconciledReward(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "ledger.Tenant", related_name="reconciled_rewards", on_delete=fields.RESTRICT
    )
    reward: fields.ForeignKeyRelation[Reward] = fields.ForeignKeyField(
        "ledger.Reward", related_name="reconciled", on_delete=fields.RESTRICT
    )
    day = fields.DateField()
    run: fields.ForeignKeyRelation[ReconciliationRun] = fields.ForeignKeyField(
        "ledger.ReconciliationRun", related_name="marks", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "reconciled_rewards"
        unique_together = (("tenant", "reward"),)
