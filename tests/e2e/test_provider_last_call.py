"""Each provider's last call and how it ended (the console's overview), through a real adapter and sandbox."""

from __future__ import annotations

from providers.instant_lottery import codes
from tests.lottery_support import Sandbox, redeem
from tests.support import GraphQLClient, TenantFixture

LAST_CALL = "{ providerConfigs { provider lastCall { operation outcome code message at } } }"
REFUSING = next(code for code, info in codes.CODES.items() if info.kind is codes.AnswerKind.REFUSED)
IN_DOUBT = next(code for code, info in codes.CODES.items() if info.kind is codes.AnswerKind.MAY_HAVE_HAPPENED)


async def last_call(gql: GraphQLClient, tenant: TenantFixture) -> dict | None:
    [config] = (await gql(LAST_CALL, token=tenant.viewer))["providerConfigs"]
    return config["lastCall"]


async def test_the_last_call_to_a_provider_is_shown_with_its_outcome(gql: GraphQLClient, connected: TenantFixture,
                                                                     sandbox: Sandbox):
    assert await last_call(gql, connected) is None  # configured, never called

    await sandbox.ticket("T-CALL-1", "WIN", 800)
    assert (await redeem(gql, connected.operator, "T-CALL-1", "c1"))["reward"]["status"] == "ISSUED"
    done = await last_call(gql, connected)
    assert (done["operation"], done["outcome"], done["code"]) == ("redeem", "DONE", None), done

    await sandbox.ticket("T-CALL-2", "WIN", 800)
    await sandbox.faults(mode="code", code=REFUSING, commit=False)
    assert (await redeem(gql, connected.operator, "T-CALL-2", "c2"))["reward"]["status"] == "FAILED"
    refused = await last_call(gql, connected)
    assert (refused["outcome"], refused["code"]) == ("REFUSED", REFUSING), refused
    assert refused["at"] >= done["at"]

    await sandbox.ticket("T-CALL-3", "WIN", 800)
    await sandbox.faults(mode="code", code=IN_DOUBT, commit=True)
    assert (await redeem(gql, connected.operator, "T-CALL-3", "c3"))["reward"]["status"] == "UNKNOWN"
    assert (await last_call(gql, connected))["outcome"] == "MAY_HAVE_HAPPENED"


async def test_a_call_that_raises_is_noted_as_an_error(gql: GraphQLClient, connected: TenantFixture,
                                                       sandbox: Sandbox):
    await sandbox.faults(mode="html", count=5)
    await gql.errors("{ lotteryStationCounter { count } }", token=connected.viewer)
    errored = await last_call(gql, connected)
    assert (errored["operation"], errored["outcome"], errored["code"]) == ("counter", "ERROR", "GatewayUnavailable")
