"""Who may see and settle reconciliation: operators and admins of the tenant read it, admins run and resolve
it, nobody sees another tenant's; a provider without a feed is SKIPPED or FLOW_NOT_SUPPORTED."""

from __future__ import annotations

from ledger.services import access
from tests.lottery_support import CONFIGURE, Sandbox, redeem
from tests.reconciliation_support import DISCREPANCIES, RUNS, Staging, resolve, run_reconciliation, today
from tests.support import GraphQLClient, TenantFixture, error_codes, sandbox_config

RUN_JOB = """mutation($job: String!) { runJob(input: {job: $job}) { jobRun { job status counts error }
  userErrors { code message } } }"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Discrepancy { kind } ... on ReconciliationRun { status } } }"
ONE_RUN = "query($id: ID!) { reconciliationRun(id: $id) { id status } }"


async def _one_discrepancy(gql: GraphQLClient, tenant: TenantFixture, sandbox: Sandbox) -> tuple[str, str]:
    await sandbox.ticket("T-AAA", "WIN", 700)
    assert (await redeem(gql, tenant.operator, "T-AAA", "k-a"))["userErrors"] == []
    await Staging(sandbox).add("T-ELSEWHERE", 900, "U1")
    run = (await run_reconciliation(gql, tenant.admin))["reconciliationRun"]
    [discrepancy] = run["discrepancies"]["nodes"]
    return run["id"], discrepancy["id"]


async def test_operators_read_runs_and_discrepancies_but_only_admins_run_and_resolve(gql, connected, sandbox):
    run_id, discrepancy_id = await _one_discrepancy(gql, connected, sandbox)

    seen = (await gql(DISCREPANCIES, {"filter": {"kind": "MISSING_IN_LEDGER", "status": "OPEN"}},
                      token=connected.operator))["discrepancies"]
    assert [d["id"] for d in seen["nodes"]] == [discrepancy_id]
    runs = (await gql(RUNS, {"filter": {"provider": "instant-lottery", "date": today().isoformat()}},
                      token=connected.operator))["reconciliationRuns"]
    assert [r["id"] for r in runs["nodes"]] == [run_id]
    assert (await gql(NODE, {"id": discrepancy_id}, token=connected.operator))["node"]["kind"] == "MISSING_IN_LEDGER"
    assert (await gql(ONE_RUN, {"id": run_id}, token=connected.operator))["reconciliationRun"]["status"] == \
        "SUCCEEDED"

    for query, variables in ((DISCREPANCIES, None), (RUNS, None), (ONE_RUN, {"id": run_id})):
        _, errors = await gql.errors(query, variables, token=connected.viewer)
        assert error_codes(errors) == ["FORBIDDEN"]
    member = (await access.issue_member_token(connected.id, "m1"))[0]
    _, errors = await gql.errors(DISCREPANCIES, token=member)
    assert error_codes(errors) == ["FORBIDDEN"]
    assert (await gql(NODE, {"id": discrepancy_id}, token=connected.viewer))["node"] is None
    for mutation, variables in (
            ("mutation($d: ID!) { resolveDiscrepancy(input: {discrepancyId: $d, resolution: ACCEPT_LEDGER, "
             "note: \"n\", idempotencyKey: \"k\"}) { userErrors { code } } }", {"d": discrepancy_id}),
            ("mutation { runReconciliation(input: {provider: \"instant-lottery\", date: \"2026-01-01\"}) "
             "{ userErrors { code } } }", None)):
        _, errors = await gql.errors(mutation, variables, token=connected.operator)
        assert error_codes(errors) == ["FORBIDDEN"]


async def test_another_tenants_runs_and_discrepancies_behave_as_unknown(gql, connected, other_tenant, sandbox):
    run_id, discrepancy_id = await _one_discrepancy(gql, connected, sandbox)

    assert (await gql(DISCREPANCIES, token=other_tenant.admin))["discrepancies"]["totalCount"] == 0
    assert (await gql(RUNS, token=other_tenant.admin))["reconciliationRuns"]["totalCount"] == 0
    assert (await gql(NODE, {"id": discrepancy_id}, token=other_tenant.admin))["node"] is None
    assert (await gql(NODE, {"id": run_id}, token=other_tenant.admin))["node"] is None
    assert (await gql(ONE_RUN, {"id": run_id}, token=other_tenant.admin))["reconciliationRun"] is None
    theirs = await resolve(gql, other_tenant.admin, discrepancy_id, "ACCEPT_LEDGER", "k-other")
    assert [(e["code"], e["field"]) for e in theirs["userErrors"]] == [("NOT_FOUND", ["input", "discrepancyId"])]
    unconfigured = await run_reconciliation(gql, other_tenant.admin)
    assert [e["code"] for e in unconfigured["userErrors"]] == ["PROVIDER_NOT_CONFIGURED"]


async def test_a_provider_without_a_feed_is_skipped_by_the_job_and_refused_by_the_mutation(
        gql: GraphQLClient, tenant: TenantFixture):
    settings = await sandbox_config("allinpay")
    configured = await gql(CONFIGURE, {"input": {"provider": "allinpay", "settings": settings}}, token=tenant.admin)
    assert configured["configureProvider"]["userErrors"] == [], configured

    refused = await run_reconciliation(gql, tenant.admin, "allinpay")
    assert refused["reconciliationRun"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("FLOW_NOT_SUPPORTED", ["input", "provider"])]
    assert "provider has no feed" in refused["userErrors"][0]["message"]

    job = (await gql(RUN_JOB, {"job": "reconcile"}, token=tenant.admin))["runJob"]["jobRun"]
    assert (job["status"], job["counts"]["skipped"], job["counts"]["reconciled"]) == ("SKIPPED", 1, 0)
    runs = await gql(RUNS, {"filter": {"provider": "allinpay"}}, token=tenant.operator)
    [run] = runs["reconciliationRuns"]["nodes"]
    assert (run["status"], run["note"], run["matchedCount"]) == ("SKIPPED", "provider has no feed", 0)


async def test_a_day_still_to_come_is_refused(gql, connected):
    refused = await run_reconciliation(gql, connected.admin, day=today().replace(year=today().year + 1))
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("INVALID_INPUT", ["input", "date"])]
