"""Tables of the scheduler: one row per run of a job, which is also the run's claim."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ledger.domain.jobs import JobRunStatus


# A run of a job. Inserting the row claims the fire: the unique key (job, scope, scheduled_for) lets one
# instance of many run a given fire. While RUNNING, `lease_expires_at` says until when the claimer is
# trusted to be alive; a RUNNING row past it is a crashed run, closed as FAILED by the job's next run.
class JobRun(Model):
    id = fields.BigIntField(primary_key=True)
    job = fields.CharField(max_length=40)
    scope = fields.CharField(max_length=40)
    tenant: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "ledger.Tenant", related_name="job_runs", null=True, on_delete=fields.RESTRICT
    )
    scheduled_for = fields.DatetimeField()
    instance = fields.CharField(max_length=120)
    status = fields.CharEnumField(JobRunStatus, max_length=16)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    lease_expires_at = fields.DatetimeField()
    counts: dict = fields.JSONField(default=dict)
    error = fields.TextField(null=True)

    class Meta:
        table = "job_runs"
        unique_together = (("job", "scope", "scheduled_for"),)
        indexes = (("job", "status"), ("tenant_id", "started_at"))
