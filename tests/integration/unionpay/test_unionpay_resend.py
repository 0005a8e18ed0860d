"""Settling a draw whose answer may have happened (`query_status`): sent again under the same transNumber
only where the tenant says UnionPay replays it; a resend's refusal counts only when it proves that no
earlier draw exists; every "may have happened" code ends in exactly one draw."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ledger.ports import Accepted, Rejected, Unknown
from providers.unionpay import codes
from providers.unionpay.client import UnionPayClient
from tests.unionpay_support import RED_PACKET, calls, draws, make_client, order, set_fault, set_pool, snapshot

MAY_HAVE_HAPPENED = [codes.TRANS_NUMBER_REUSED, "ZZ999", codes.SUCCESS]  # "00" here carries no awardInfo


async def test_with_replay_off_nothing_is_sent_again(control: httpx.AsyncClient, config: dict[str, Any],
                                                     http: httpx.AsyncClient) -> None:
    await set_pool(control, RED_PACKET)
    no_replay = make_client(config, http, replaySameTransNumber=False)
    await set_fault(control, mode="drop_after_commit")
    draw = order()
    assert isinstance(await no_replay.draw(draw), Unknown)
    before = await calls(control)
    outcome = await no_replay.query_status(snapshot(no_replay, draw))
    assert isinstance(outcome, Unknown) and "replaySameTransNumber" in outcome.reason
    assert await calls(control) == before and len(await draws(control)) == 1


@pytest.mark.parametrize("code", MAY_HAVE_HAPPENED)
@pytest.mark.parametrize("commit", [True, False])
async def test_a_code_that_may_have_happened_settles_with_exactly_one_draw(
        control: httpx.AsyncClient, client: UnionPayClient, code: str, commit: bool) -> None:
    await set_pool(control, RED_PACKET)
    await set_fault(control, mode="code", code=code, commit=commit)
    draw = order()
    assert isinstance(await client.draw(draw), Unknown)
    assert len(await draws(control)) == (1 if commit else 0)
    settled = await client.query_status(snapshot(client, draw))
    # Committed: the resend is answered with the kept draw; not: the resend is the draw, made now.
    assert isinstance(settled, Accepted) and settled.amount == 188
    assert len(await draws(control)) == 1
    assert await client.query_status(snapshot(client, draw)) == settled


async def test_a_resend_refused_at_the_envelope_leaves_a_draw_that_was_made_unknown(
        control: httpx.AsyncClient, client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET)
    await set_fault(control, mode="drop_after_commit")
    draw = order()
    assert isinstance(await client.draw(draw), Unknown)
    await set_fault(control, mode="code", code=codes.ILLEGAL_REQUEST)
    refused = await client.query_status(snapshot(client, draw))
    assert isinstance(refused, Unknown)  # BC0024 on its own would be a final refusal: not for a resend
    settled = await client.query_status(snapshot(client, draw))
    assert isinstance(settled, Accepted) and len(await draws(control)) == 1


async def test_a_resend_that_finds_no_qualification_proves_there_was_no_draw(control: httpx.AsyncClient,
                                                                             client: UnionPayClient) -> None:
    await set_pool(control, RED_PACKET, qualifications=0)
    await set_fault(control, mode="code", code="ZZ999", commit=False)
    draw = order()
    assert isinstance(await client.draw(draw), Unknown)
    outcome = await client.query_status(snapshot(client, draw))
    # The sandbox looks the transNumber up before the pool: a kept draw would have been replayed.
    assert isinstance(outcome, Rejected) and outcome.code == codes.NO_QUALIFICATION
    assert await draws(control) == []
