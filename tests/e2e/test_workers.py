"""Workers as separate processes: many of them fire one schedule and each fire runs once; a run killed
with SIGKILL leaves nothing half-done, and the next run finishes the work."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from ledger.domain.jobs import JobRunStatus
from ledger.domain.statuses import RewardStatus, TransferState
from ledger.persistence.config import is_sqlite
from ledger.persistence.models import Reward, Transfer
from ledger.persistence.scheduler_models import JobRun
from ledger.services import access, campaigns, rewards
from ledger.services.audit import audit

EVERY_JOB_OFF = {"SCHEDULE_SYNC_REWARDS": "off", "SCHEDULE_EXPIRE_HOLDS": "off", "SCHEDULE_AUDIT": "off",
                 "SCHEDULE_PRUNE_WEBHOOK_NONCES": "off"}


def worker_env(database_url: str, **schedules: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "INFO", **EVERY_JOB_OFF, **schedules}


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "api.cli", *args], env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)


async def test_two_workers_on_one_database_run_each_fire_once(database_url: str, tmp_path: Path):
    if is_sqlite(database_url):
        pytest.skip("several workers are for PostgreSQL (TEST_DATABASE_URL); SQLite serves one process")
    env = worker_env(database_url, SCHEDULE_AUDIT="every 1s")
    workers = [start(["worker"], env, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        await asyncio.sleep(20)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=20)

    runs = await JobRun.filter(job="audit").order_by("scheduled_for")
    fires = Counter(run.scheduled_for for run in runs)
    assert len(fires) >= 15, [(w.args, (tmp_path / f"worker-{n}.log").read_text()[-500:]) for n, w in
                              enumerate(workers)]
    assert set(fires.values()) == {1}
    seconds = [fire.timestamp() for fire in sorted(fires)]
    assert all(b - a == 1 for a, b in zip(seconds, seconds[1:], strict=False)), "a fire was skipped"
    assert {run.status for run in runs} <= {JobRunStatus.SUCCEEDED, JobRunStatus.RUNNING}
    assert len({run.instance for run in runs}) == 2  # both took part


async def test_a_run_killed_midway_leaves_nothing_half_done_and_the_next_run_finishes(database_url: str,
                                                                                      tmp_path: Path):
    tenant = await access.create_tenant("Acme")
    campaign = await campaigns.create_campaign(tenant.id, "Spring", "CNY", "c")
    await campaigns.fund_campaign(tenant.id, campaign.id, 1_000_000, "f")
    for n in range(300):
        await rewards.grant_reward(tenant.id, campaign_id=campaign.id, member_id=f"m{n % 7}", amount=10,
                                   idempotency_key=f"h{n}", hold=True, hold_timeout_s=1)
    await asyncio.sleep(1.5)

    killed = start(["run-job", "expire-holds"], worker_env(database_url), tmp_path / "killed.log")
    for _ in range(400):
        if await Transfer.filter(state=TransferState.VOIDED).count() >= 20:
            break
        await asyncio.sleep(0.025)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)

    voided = await Transfer.filter(state=TransferState.VOIDED).count()
    assert 0 < voided < 300, "the kill should land midway"
    assert await Reward.filter(status=RewardStatus.EXPIRED).count() == voided  # each hold all or nothing
    assert (await audit()).ok
    [claim] = await JobRun.filter(job="expire-holds")
    assert claim.status is JobRunStatus.RUNNING  # its lease lapses; the next run of the job closes it then

    finished = subprocess.run([sys.executable, "-m", "api.cli", "run-job", "expire-holds"],  # noqa: ASYNC221
                              env=worker_env(database_url), capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    line = json.loads(finished.stdout)
    assert (line["job"], line["status"], line["counts"]["expired"]) == ("expire-holds", "SUCCEEDED", 300 - voided)
    assert await Reward.filter(status=RewardStatus.EXPIRED).count() == 300
    assert (await audit()).ok
