"""A send answered with one of the platform's codes, end to end through GraphQL (issue 10). A code that
may hide packets leaves each reward UNKNOWN with its hold and nothing posted; syncReward then settles it
exactly once by listing: paid once claimed if the packet was made; if none is listed in time, a person
settles it (NEEDS_ATTENTION, the hold kept: silence does not prove that nothing was made).
A code that refuses before anything happened fails the reward at once and releases the hold. Nothing is
ever sent again."""

from __future__ import annotations

import pytest

from ledger.domain import clock
from ledger.services.audit import audit
from providers.red_packet import codes
from providers.red_packet.settings import DEFAULT_UNLISTED_RELEASE_S
from tests.e2e import test_red_packets as red_packet_e2e
from tests.e2e.test_red_packets import budget_available, send, sync, wallet

# The red packet e2e fixtures (a reset sandbox; a tenant connected to it, funded), shared with
# test_red_packets.py.
platform = red_packet_e2e.platform
funded = red_packet_e2e.funded

MAY_HAVE_HAPPENED = sorted(code for code, info in codes.ERRCODES.items()
                           if info.answer_kind is codes.AnswerKind.MAY_HAVE_HAPPENED) + ["99999"]
REFUSED = sorted(code for code, info in codes.ERRCODES.items() if info.answer_kind is codes.AnswerKind.REFUSED)


@pytest.mark.parametrize("commit", [True, False], ids=["packet-made", "nothing-made"])
@pytest.mark.parametrize("code", MAY_HAVE_HAPPENED)
async def test_a_code_that_may_hide_a_packet_stays_unknown_until_sync_settles_it_once(
        gql, tenant, funded, platform, code, commit):
    await platform.post("/_control/faults", {"mode": "code", "code": code, "commit": commit})
    sent = await send(gql, tenant, ["1001"], "k1")
    [reward] = sent["rewards"]
    assert sent["userErrors"] == [] and reward["status"] == "UNKNOWN"
    assert f"errcode {code}" in reward["details"]["reason"]
    assert await budget_available() == 9_900 and await wallet("1001") == 0  # the hold stays, nothing posted
    if commit:
        assert (await sync(gql, tenant, reward["id"]))["status"] in ("PENDING", "ISSUED")  # found by listing
        await platform.post("/_control/clock", {"advanceSeconds": 5})
        await platform.post("/_control/claim", {"uid": "1001"})
        assert [(await sync(gql, tenant, reward["id"]))["status"] for _ in range(2)] == ["CLAIMED", "CLAIMED"]
        assert await wallet("1001") == 100 and await budget_available() == 9_900  # paid once
    else:
        assert (await sync(gql, tenant, reward["id"]))["status"] == "UNKNOWN"  # the platform may still list it
        clock.advance(DEFAULT_UNLISTED_RELEASE_S + 1)
        assert [(await sync(gql, tenant, reward["id"]))["status"] for _ in range(2)] == ["NEEDS_ATTENTION"] * 2
        assert await wallet("1001") == 0 and await budget_available() == 9_900  # held until a person settles it
    assert len(await platform.packets()) == (1 if commit else 0)  # never sent again
    assert (await audit(tenant.id)).ok


async def test_a_packet_listed_late_but_within_the_release_time_is_still_followed(gql, tenant, funded, platform):
    await platform.post("/_control/faults", {"mode": "code", "code": "99999", "commit": True})
    [reward] = (await send(gql, tenant, ["1002"], "k1"))["rewards"]
    clock.advance(DEFAULT_UNLISTED_RELEASE_S + 1)  # long after: the packet is listed, so it is followed
    assert (await sync(gql, tenant, reward["id"]))["status"] in ("PENDING", "ISSUED")
    assert await budget_available() == 9_900


@pytest.mark.parametrize("code", REFUSED)
async def test_a_code_that_refuses_before_anything_happened_fails_the_send_and_releases_the_hold(
        gql, tenant, funded, platform, code):
    await platform.post("/_control/faults", {"mode": "code", "code": code, "count": 1})
    [first, second] = (await send(gql, tenant, ["1001", "1002"], "k1"))["rewards"]
    for reward in (first, second):
        assert reward["status"] == "FAILED" and code in reward["details"]["reason"]
    assert await budget_available() == 10_000 and await platform.packets() == []
    assert (await sync(gql, tenant, first["id"]))["status"] == "FAILED"
    assert (await audit(tenant.id)).ok
