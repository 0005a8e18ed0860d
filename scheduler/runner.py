"""Running jobs: one run of one job (claimed, recorded), and the APScheduler that fires them.

Each fire is claimed in the database before it runs (ledger.services.job_runs), so any number of
instances may run this scheduler against one database and every fire runs once.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from ledger.domain.clock import now
from ledger.domain.jobs import JobRunStatus
from ledger.events import publish_job_finished
from ledger.persistence.scheduler_models import JobRun
from ledger.services import job_runs
from scheduler.jobs import JobContext, JobResult
from scheduler.schedule import JOBS, SCHEDULE, JobSpec, setting_name
from scheduler.triggers import parse_trigger

log = logging.getLogger(__name__)


class UnknownJob(LookupError):
    pass


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class SchedulerSettings:
    """What the composition root passes in: trigger overrides by job name, and the jobs' knobs."""
    triggers: Mapping[str, str] = field(default_factory=dict)  # job name -> trigger spec
    sync_first_delay_s: float | None = None
    nonce_retention_s: Callable[[int], Awaitable[float]] | None = None
    instance: str = field(default_factory=instance_name)

    def trigger_of(self, spec: JobSpec) -> str:
        return self.triggers.get(spec.name, spec.trigger)


def job_spec(name: str) -> JobSpec:
    spec = JOBS.get(name)
    if spec is None:
        raise UnknownJob(f"no job named {name!r}; jobs: {', '.join(JOBS)}")
    return spec


async def run_job(name: str, settings: SchedulerSettings, *, tenant_id: int | None = None,
                  scheduled_for: datetime | None = None) -> JobRun | None:
    """Runs one fire of a job: claims it, runs it, records the end. None when another instance holds
    the claim for this fire. Without `scheduled_for` (a manual run) the fire is now."""
    spec = job_spec(name)
    await job_runs.close_lapsed_claims(name)
    run = await job_runs.claim(name, tenant_id, scheduled_for or now(), settings.instance, spec.lease_s)
    if run is None:
        return None
    context = JobContext(tenant_id=tenant_id, batch_size=spec.batch_size,
                         sync_first_delay_s=settings.sync_first_delay_s,
                         nonce_retention_s=settings.nonce_retention_s)
    try:
        result = await spec.run(context)
    except Exception as exc:  # noqa: BLE001 - a failing job is recorded, never lost in a log
        log.exception("job %s failed", name)
        result = JobResult(JobRunStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
    finished = await job_runs.finish(run, result.status, result.counts, result.error)
    await publish_job_finished(finished.id, finished.tenant_id)  # type: ignore[attr-defined]
    level = logging.ERROR if finished.status is JobRunStatus.FAILED else logging.INFO
    log.log(level, "job %s %s %s", name, finished.status.value, finished.counts)
    return finished


def build_scheduler(settings: SchedulerSettings,
                    on_finished: Callable[[JobRun], Awaitable[None]] | None = None) -> AsyncIOScheduler:
    """An AsyncIOScheduler with every job of the schedule that is not `off`."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    # APScheduler does not tell a job which fire it is; the submission event does, just before the
    # job's coroutine first runs. The fire time names the claim, so every instance names it the same.
    fire_times: dict[str, datetime] = {}

    def remember_fire_time(event: JobSubmissionEvent) -> None:
        fire_times[event.job_id] = event.scheduled_run_times[-1]

    scheduler.add_listener(remember_fire_time, EVENT_JOB_SUBMITTED)
    for spec in SCHEDULE:
        trigger = parse_trigger(settings.trigger_of(spec))
        if trigger is None:
            log.info("job %s is off (%s=off)", spec.name, setting_name(spec.name))
            continue

        async def fire(name: str = spec.name) -> None:
            run = await run_job(name, settings, scheduled_for=fire_times.pop(name, None))
            if run is not None and on_finished is not None:
                await on_finished(run)

        scheduler.add_job(fire, trigger, id=spec.name, name=spec.name, max_instances=1, coalesce=True,
                          misfire_grace_time=30)
    return scheduler
