"""The scheduled jobs around providers: `reconcile` covers the previous Beijing day of every configured
provider (and `reward-ledger reconcile` one day on demand); `refresh-station-tokens` renews a station's
session before it lapses, through the adapter's own login."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from ledger.domain import clock
from ledger.persistence.provider_models import ProviderSession
from ledger.persistence.reconciliation_models import Discrepancy, ReconciliationRun
from scheduler.runner import SchedulerSettings, run_job
from tests.e2e.test_lottery_redemption import log_in
from tests.lottery_support import Sandbox, redeem
from tests.reconciliation_support import Staging, today
from tests.support import GraphQLClient, TenantFixture

SETTINGS = SchedulerSettings(instance="test:1")
DAY_S = 24 * 3600
MONTH_S = 30 * DAY_S


async def _a_day_with_one_difference(gql: GraphQLClient, tenant: TenantFixture, sandbox: Sandbox) -> None:
    await sandbox.ticket("T-JOB-1", "WIN", 600)
    assert (await redeem(gql, tenant.operator, "T-JOB-1", "k1"))["userErrors"] == []
    await Staging(sandbox).add("T-JOB-ELSEWHERE", 1_200, "U7")


async def test_the_nightly_job_reconciles_the_previous_beijing_day_of_every_tenant(gql, connected, sandbox):
    await _a_day_with_one_difference(gql, connected, sandbox)
    day = today()
    clock.advance(DAY_S)  # the job fires the next day

    run = await run_job("reconcile", SETTINGS)

    assert run is not None and run.status.value == "SUCCEEDED", run.error
    assert run.counts == {"day": day.isoformat(), "reconciled": 1, "skipped": 0, "failed": 0, "matched": 1,
                          "discrepancies": 1, "newDiscrepancies": 1}
    [reconciled] = await ReconciliationRun.all()
    assert (reconciled.date, reconciled.provider, reconciled.matched_amount) == (day, "instant-lottery", 600)
    again = await run_job("reconcile", SETTINGS, scheduled_for=clock.now())
    assert again is not None and again.counts["newDiscrepancies"] == 0
    assert await Discrepancy.all().count() == 1


async def test_reconcile_on_the_command_line_prints_one_line_of_json(database_url, gql, connected, sandbox):
    await _a_day_with_one_difference(gql, connected, sandbox)
    env = {**os.environ, "DATABASE_URL": database_url}
    # The sandbox answers from this test's event loop, so the command runs beside it, not blocking it.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", "reconcile", "--provider", "instant-lottery", "--date", today().isoformat(),
        "--tenant", connected.global_id, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)

    assert process.returncode == 0, stderr.decode()
    [line] = stdout.decode().splitlines()
    printed = json.loads(line)
    assert (printed["job"], printed["status"], printed["counts"]["discrepancies"]) == ("reconcile", "SUCCEEDED", 1)


async def test_a_session_close_to_lapsing_is_renewed_and_a_fresh_one_is_left_alone(gql, connected, sandbox):
    await log_in(gql, connected)
    first = await ProviderSession.get(tenant_id=connected.id)

    fresh = await run_job("refresh-station-tokens", SETTINGS)
    assert fresh is not None and fresh.counts == {"renewed": 0, "errors": 0}

    clock.advance(MONTH_S - 3600)  # an hour before the month-long token lapses
    due = await run_job("refresh-station-tokens", SETTINGS)

    assert due is not None and (due.status.value, due.counts) == ("SUCCEEDED", {"renewed": 1, "errors": 0})
    renewed = await ProviderSession.get(tenant_id=connected.id)
    assert renewed.token != first.token and renewed.obtained_at > first.obtained_at
    await sandbox.ticket("T-AFTER-RENEWAL", "WIN", 500)
    assert (await redeem(gql, connected.operator, "T-AFTER-RENEWAL", "k2"))["reward"]["status"] == "ISSUED"
    assert (await ProviderSession.get(tenant_id=connected.id)).token == renewed.token  # no login was needed
