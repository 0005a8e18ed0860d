"""The provider write: redeemLotteryTicket through the instant-lottery adapter, against its sandbox in a
process of its own on loopback, and where a redemption's time goes: the ledger (with the API around it),
the adapter (signing, HTTP, the station's queue, parsing) and the sandbox (answering)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from benchmarks.harness import Measurement, Settings, check_parity, run_from, run_module
from benchmarks.processes import serving
from benchmarks.scenarios import Scenario, Step
from benchmarks.seed import Seeded

REDEEM = """mutation($input: RedeemLotteryTicketInput!) { redeemLotteryTicket(input: $input) {
  reward { id status amount { amount formatted } } ticket { ticketNo game } userErrors { code message } } }"""
_CONFIGURE = """mutation($input: ConfigureProviderInput!) { configureProvider(input: $input) {
  userErrors { code message } } }"""
_RISK_RULES = """mutation($input: SetLotteryRiskRulesInput!) { setLotteryRiskRules(input: $input) {
  userErrors { code message } } }"""
_OPEN_RULES = {"requireRealName": False, "serviceHours": "00:00-24:00", "minIntervalSeconds": None,
               "maxTicketsPerDay": None, "maxAmountPerDay": None, "maxFailuresPerDay": None}
MAX_OPERATIONS_PER_RUN = 400  # tickets made for each run: the gateway serialises its station anyway

SCENARIO = Scenario(
    "provider write: redeemLotteryTicket", "a winning ticket redeemed through the adapter and the lottery "
    "sandbox (one station, which the gateway serialises), concurrency 4", None,
    lambda s: [Step("/baseline/redeem-lottery-ticket", REDEEM, {"input": {
        "barCode": "T@@N@@", "memberId": "m@@M@@", "userRealIp": "10.1.1.1", "idempotencyKey": "redeem-@@N@@"}})],
    lambda s: s.writer_key, writes=True, concurrency=4)


async def _connect(server: httpx.AsyncClient, sandbox: httpx.AsyncClient, seeded: Seeded) -> None:
    config = {**(await sandbox.get("/_control/config")).json(), "readTimeoutSeconds": 10}
    headers = {"authorization": f"Bearer {seeded.writer_admin_key}"}
    for query, variables in ((_CONFIGURE, {"provider": "instant-lottery", "settings": config}),
                             (_RISK_RULES, _OPEN_RULES)):
        answer = (await server.post("/graphql", json={"query": query, "variables": {"input": variables}},
                                    headers=headers)).json()
        assert "errors" not in answer and not next(iter(answer["data"].values()))["userErrors"], answer
    (await sandbox.post("/_control/rules", json={
        "serviceHours": "00:00-24:00", "minIntervalSeconds": 0, "maxFailuresPerDay": 10**6,
        "maxTicketsPerDay": 10**6, "maxAmountPerDayFen": 10**15})).raise_for_status()


async def _tickets(sandbox: httpx.AsyncClient, bar_codes: list[str]) -> None:
    async def make(bar_code: str) -> None:
        (await sandbox.post("/_control/tickets", json={"barCode": bar_code, "outcome": "WIN",
                                                       "prizeAmountFen": 500})).raise_for_status()

    for start in range(0, len(bar_codes), 16):
        await asyncio.gather(*(make(code) for code in bar_codes[start:start + 16]))


async def measure_provider(database: str, port: int, server_pid: int, seeded: Seeded, settings: Settings
                           ) -> Measurement:
    measurement = Measurement(SCENARIO.name, SCENARIO.what, database, SCENARIO.target)
    variants = {"graphql": SCENARIO.spec(seeded, True), "baseline": SCENARIO.spec(seeded, False)}
    spent: dict[str, dict[str, float]] = {name: {"total": 0.0, "adapter": 0.0, "sandbox": 0.0} for name in variants}
    with serving("benchmarks.sandbox_app", {}, ready_path="/_control/config") as (sandbox_port, _):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as server, \
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{sandbox_port}", timeout=60) as sandbox:
            await _connect(server, sandbox, seeded)
            parity = f"parity-{uuid.uuid4().hex[:8]}"
            await _tickets(sandbox, [f"T{parity}"])
            await asyncio.to_thread(check_parity, port, SCENARIO, seeded, parity)
            for round_number in range(-1, settings.rounds):
                order = list(variants) if round_number % 2 == 0 else list(reversed(variants))
                for name in order:
                    run_id = f"{uuid.uuid4().hex[:10]}-"
                    await _tickets(sandbox, [f"T{run_id}{n}" for n in range(MAX_OPERATIONS_PER_RUN)])
                    await server.post("/baseline/_adapter-timings")
                    await sandbox.post("/_bench/timings")
                    spec = {"port": port, "concurrency": SCENARIO.concurrency, "steps": variants[name],
                            "seconds": settings.warmup_seconds if round_number < 0 else settings.seconds,
                            "max_operations": MAX_OPERATIONS_PER_RUN, "run_id": run_id}
                    result, peak = await run_module("benchmarks.load", spec, server_pid)
                    run = run_from(result, peak, f"{SCENARIO.name} / {name}")
                    if round_number < 0:
                        continue
                    measurement.variant(name).runs.append(run)
                    spent[name]["total"] += sum(result["latencies_ms"]) / 1000
                    spent[name]["adapter"] += (await server.get("/baseline/_adapter-timings")).json()["seconds"]
                    spent[name]["sandbox"] += (await sandbox.get("/_bench/timings")).json()["seconds"]
                    print(f"  {database:<10} {SCENARIO.name:<45} {name:<9} {run.throughput:8.1f}/s "
                          f"p50 {run.p50_ms:6.1f} ms  p99 {run.p99_ms:6.1f} ms", flush=True)
    for name, times in spent.items():
        measurement.notes.append(_shares(name, times))
    return measurement


def _shares(variant: str, times: dict[str, Any]) -> str:
    total = times["total"] or 1.0
    sandbox = times["sandbox"] / total
    adapter = max(times["adapter"] - times["sandbox"], 0.0) / total
    return (f"{variant}: share of a redemption's time: ledger and API {1 - sandbox - adapter:.0%}, adapter "
            f"(signing, HTTP, the station's queue, parsing) {adapter:.0%}, sandbox {sandbox:.0%}")
