"""runJob and jobRuns: admins run a job over their own tenant's work; operators see the runs that span every
tenant and their own tenant's, never another tenant's."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.runner import SchedulerSettings, run_job
from tests.support import GraphQLClient, TenantFixture, error_codes

RUN_JOB = """mutation($job: String!) { runJob(input: {job: $job}) {
  jobRun { id job status scheduledFor startedAt finishedAt instance counts error }
  userErrors { field code message } } }"""
JOB_RUNS = """query($filter: JobRunFilter) { jobRuns(first: 50, filter: $filter) { totalCount
  nodes { id job status counts } } }"""


async def test_an_admin_runs_a_job_and_gets_the_finished_run(gql: GraphQLClient, tenant: TenantFixture):
    data = (await gql(RUN_JOB, {"job": "audit"}, token=tenant.admin))["runJob"]
    run = data["jobRun"]
    assert data["userErrors"] == []
    assert (run["job"], run["status"], run["error"]) == ("audit", "SUCCEEDED", None)
    assert run["finishedAt"] is not None and run["counts"] == {"accountsChecked": 0, "problems": 0}
    node = await gql("query($id: ID!) { node(id: $id) { ... on JobRun { job status } } }", {"id": run["id"]},
                     token=tenant.operator)
    assert node["node"] == {"job": "audit", "status": "SUCCEEDED"}


async def test_an_unknown_job_is_not_found(gql: GraphQLClient, tenant: TenantFixture):
    data = (await gql(RUN_JOB, {"job": "make-money"}, token=tenant.admin))["runJob"]
    assert data["jobRun"] is None
    assert [(e["code"], e["field"]) for e in data["userErrors"]] == [("NOT_FOUND", ["input", "job"])]


async def test_only_admins_run_jobs_and_viewers_do_not_read_runs(gql: GraphQLClient, tenant: TenantFixture):
    _, errors = await gql.errors(RUN_JOB, {"job": "audit"}, token=tenant.operator)
    assert error_codes(errors) == ["FORBIDDEN"]
    _, errors = await gql.errors(JOB_RUNS, token=tenant.viewer)
    assert error_codes(errors) == ["FORBIDDEN"]


async def test_runs_of_every_tenant_and_of_ones_own_are_visible_but_not_anothers(
        gql: GraphQLClient, tenant: TenantFixture, other_tenant: TenantFixture):
    await run_job("expire-holds", SchedulerSettings(instance="test:1"),
                  scheduled_for=datetime(2026, 1, 1, tzinfo=UTC))  # a scheduled fire, over every tenant
    theirs = (await gql(RUN_JOB, {"job": "audit"}, token=other_tenant.admin))["runJob"]["jobRun"]
    mine = (await gql(RUN_JOB, {"job": "audit"}, token=tenant.admin))["runJob"]["jobRun"]

    seen = (await gql(JOB_RUNS, token=tenant.operator))["jobRuns"]["nodes"]
    assert sorted(node["job"] for node in seen) == ["audit", "expire-holds"]
    assert mine["id"] in {node["id"] for node in seen} and theirs["id"] not in {node["id"] for node in seen}
    hidden = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": theirs["id"]}, token=tenant.admin)
    assert hidden["node"] is None
    filtered = await gql(JOB_RUNS, {"filter": {"job": "audit", "status": "SUCCEEDED"}}, token=tenant.operator)
    assert [node["id"] for node in filtered["jobRuns"]["nodes"]] == [mine["id"]]
