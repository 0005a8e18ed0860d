"""GraphQL for the scheduled jobs: their runs, and running one now."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON
from tortoise.expressions import Q

from api.context import Info, require_role
from api.errors import UserError
from api.ids import encode_id
from api.types.connections import Connection, connection_of, cursor_position, page_size
from api.types.enums import Role
from api.types.nodes import Node
from api.types.ordering import CreationOrder, newest_first
from ledger.domain.access import Principal
from ledger.domain.jobs import JobRunStatus
from ledger.persistence.scheduler_models import JobRun as JobRunRow
from ledger.services import reads

strawberry.enum(JobRunStatus, description="How a job's run ended (RUNNING while it runs).")


@strawberry.type(description="One run of a scheduled or manual job.")
class JobRun(Node):
    job: str
    status: JobRunStatus
    scheduled_for: datetime = strawberry.field(description="The fire it ran for (now, for a manual run).")
    started_at: datetime
    finished_at: datetime | None
    instance: str = strawberry.field(description="The process that ran it (host:pid).")
    counts: JSON = strawberry.field(description="What it did, in numbers (a job's own keys).")
    error: str | None

    @classmethod
    def from_row(cls, row: JobRunRow) -> JobRun:
        return cls(id=strawberry.ID(encode_id("JobRun", row.id)), job=row.job, status=row.status,
                   scheduled_for=row.scheduled_for, started_at=row.started_at, finished_at=row.finished_at,
                   instance=row.instance, counts=cast(JSON, row.counts), error=row.error)


@strawberry.input
class JobRunFilter:
    job: str | None = None
    status: JobRunStatus | None = None


def visible_job_runs(principal: Principal):  # type: ignore[no-untyped-def]
    """Runs over every tenant, and this tenant's own manual runs; never another tenant's."""
    return JobRunRow.filter(Q(tenant_id__isnull=True) | Q(tenant_id=principal.tenant_id))


async def job_run_node(principal: Principal, db_id: int) -> JobRun | None:
    if principal.is_member or not principal.has_at_least(Role.OPERATOR):
        return None
    row = await visible_job_runs(principal).get_or_none(id=db_id)
    return JobRun.from_row(row) if row else None


@strawberry.type
class JobQuery:
    @strawberry.field(description="Runs of the scheduled jobs, oldest first unless `orderBy` says DESC "
                                  "(operators and admins).")
    async def job_runs(self, info: Info, first: int | None = None, after: str | None = None,
                       filter: JobRunFilter | None = None, order_by: CreationOrder | None = None
                       ) -> Connection[JobRun]:
        principal = require_role(info, Role.OPERATOR, "read job runs")
        query = visible_job_runs(principal)
        if filter is not None and filter.job is not None:
            query = query.filter(job=filter.job)
        if filter is not None and filter.status is not None:
            query = query.filter(status=filter.status)
        page = await reads.paginate(query, first=page_size(first), after=cursor_position(after),
                                    descending=newest_first(order_by))
        return connection_of(page, JobRun.from_row, lambda row: row.id)


@strawberry.input
class RunJobInput:
    job: str = strawberry.field(description="sync-rewards, expire-holds, number-events, reconcile, "
                                            "audit, refresh-station-tokens or prune-webhook-nonces.")


@strawberry.type
class RunJobPayload:
    job_run: JobRun | None
    user_errors: list[UserError]


@strawberry.type
class JobMutation:
    @strawberry.mutation(description="Admin: run a job now over this tenant's work; returns once the run is done.")
    async def run_job(self, info: Info, input: RunJobInput) -> RunJobPayload:
        from api.scheduling import scheduler_settings
        from scheduler.runner import JOBS, run_job

        principal = require_role(info, Role.ADMIN, "run jobs")
        if input.job not in JOBS:
            return RunJobPayload(job_run=None, user_errors=[UserError(
                field=["input", "job"], code="NOT_FOUND", message=f"no job named that; jobs: {', '.join(JOBS)}")])
        run = await run_job(input.job, scheduler_settings(info.context.settings), tenant_id=principal.tenant_id)
        if run is None:
            return RunJobPayload(job_run=None, user_errors=[UserError(
                field=["input", "job"], code="INVALID_STATE", message="this job is already running for you")])
        return RunJobPayload(job_run=JobRun.from_row(run), user_errors=[])
