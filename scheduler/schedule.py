"""The schedule: every job, its default trigger and its batch size, in one table.

`SCHEDULE_<JOB>` (the name upper-cased, `-` as `_`) overrides a trigger: `every <N>s|m|h`, a five-field
cron expression with an optional `@<timezone>`, or `off`.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler import jobs, provider_jobs


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: jobs.Job
    trigger: str
    batch_size: int
    lease_s: float = 600  # how long a claimer is trusted to be alive; a run is bounded well within it


SCHEDULE: tuple[JobSpec, ...] = (
    JobSpec("sync-rewards", jobs.sync_rewards, "every 30s", batch_size=200),
    JobSpec("expire-holds", jobs.expire_holds, "every 30s", batch_size=500),
    JobSpec("number-events", jobs.number_events, "every 30s", batch_size=0),
    JobSpec("audit", jobs.audit_ledger, "0 * * * *", batch_size=0),
    JobSpec("prune-webhook-nonces", jobs.prune_webhook_nonces, "17 * * * *", batch_size=5000),
    # seed 003 §8.8: the gateway's records are reconciled at 01:00 Beijing time for the previous day.
    JobSpec("reconcile", provider_jobs.reconcile, "0 1 * * *@Asia/Shanghai", batch_size=0, lease_s=3 * 3600),
    JobSpec("refresh-station-tokens", provider_jobs.refresh_station_tokens, "every 10m", batch_size=50),
)
JOBS: dict[str, JobSpec] = {spec.name: spec for spec in SCHEDULE}


def setting_name(job: str) -> str:
    return "SCHEDULE_" + job.upper().replace("-", "_")
