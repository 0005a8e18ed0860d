"""Red packets sent to the platform's groups: held for the group on an in-flight account, then split into
member packets, but only where the platform ties a group send to its packets. The seed's group list names
neither the send nor its group, so against the seed's shapes a group send needs a person."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.domain import clock
from ledger.services.audit import audit
from providers.red_packet import sandbox_lists
from providers.red_packet.settings import DEFAULT_UNLISTED_RELEASE_S
from tests.e2e import test_red_packets as red_packet_e2e
from tests.e2e.test_red_packets import budget_available, sync
from tests.support import USER_ERRORS

# The red packet e2e fixtures (a reset sandbox; a tenant connected to it, funded), shared with
# test_red_packets.py.
platform = red_packet_e2e.platform
funded = red_packet_e2e.funded

GROUPS = f"""mutation($input: SendRedPacketToGroupsInput!) {{ sendRedPacketToGroups(input: $input) {{
  rewards {{ id status memberId amount {{ amount }} details }} {USER_ERRORS} }} }}"""


@pytest.fixture
def platform_naming_group_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform whose group rows also carry the send's `id` and its `wx_group_id`: more than the seed shows."""
    seed_row = sandbox_lists.group_send_row

    def named_row(state: Any, group_send: Any) -> dict[str, Any]:
        return {**seed_row(state, group_send), "id": str(group_send.id), "wx_group_id": str(group_send.wx_group_id)}

    monkeypatch.setattr(sandbox_lists, "group_send_row", named_row)


async def send_to_group(gql, tenant, group_id: str, key: str, cap: int = 5) -> dict[str, Any]:
    data = await gql(GROUPS, {"input": {"cashRedpackId": 7, "groupIds": [group_id], "idempotencyKey": key,
                                        "maxMembersPerGroup": cap}}, token=tenant.operator)
    return dict(data["sendRedPacketToGroups"])


async def test_against_the_seeds_group_list_a_group_send_needs_attention_with_its_hold_kept(
        gql, tenant, funded, platform):
    await platform.post("/_control/groups", {"groupId": 41, "name": "VIP", "uids": ["5001", "5002", "5003"]})
    sent = await send_to_group(gql, tenant, "41", "g1")
    [group] = sent["rewards"]
    assert sent["userErrors"] == [] and group["status"] == "NEEDS_ATTENTION"
    assert "cannot be tied to its packets" in group["details"]["reason"]
    assert await budget_available() == 9_500  # the cap (5 × 100) stays held: nothing split on a guess
    assert len(await platform.packets()) == 3
    assert (await sync(gql, tenant, group["id"]))["status"] == "NEEDS_ATTENTION"
    assert (await audit(tenant.id)).ok


async def test_a_group_send_is_held_for_the_group_then_split_into_member_packets(
        gql, tenant, funded, platform, platform_naming_group_sends):
    await platform.post("/_control/groups", {"groupId": 41, "name": "VIP", "uids": ["5001", "5002", "5003"]})
    sent = await send_to_group(gql, tenant, "41", "g1")
    assert sent["userErrors"] == []
    [group] = sent["rewards"]
    assert group["status"] == "VOIDED" and group["details"]["members"] == 3
    assert await budget_available() == 9_700  # 3 × 100 held on the members' wallets; the cap released
    members = await gql("{ redPacketSends { totalCount nodes { memberId status } } }", token=tenant.viewer)
    assert sorted(n["memberId"] for n in members["redPacketSends"]["nodes"]) == ["5001", "5002", "5003"]
    groups = await gql("{ redPacketGroupSends { totalCount } }", token=tenant.viewer)
    assert groups["redPacketGroupSends"]["totalCount"] == 1
    assert len(await platform.packets()) == 3
    assert (await audit(tenant.id)).ok


async def test_a_refused_group_send_fails_and_releases_the_groups_hold(gql, tenant, funded, platform):
    await platform.post("/_control/faults", {"mode": "code", "code": "50001"})
    [group] = (await send_to_group(gql, tenant, "1", "g1"))["rewards"]
    assert group["status"] == "FAILED" and "50001" in group["details"]["reason"]
    assert await budget_available() == 10_000 and await platform.packets() == []


@pytest.mark.parametrize("commit", [True, False])
async def test_a_group_send_whose_answer_may_hide_packets_stays_unknown_until_sync(
        gql, tenant, funded, platform, platform_naming_group_sends, commit):
    await platform.post("/_control/faults", {"mode": "code", "code": "40100", "commit": commit})
    [group] = (await send_to_group(gql, tenant, "1", "g1"))["rewards"]  # group 1: the sandbox's three members
    assert group["status"] == "UNKNOWN" and await budget_available() == 9_500
    if commit:
        assert (await sync(gql, tenant, group["id"]))["status"] == "VOIDED"  # split into the three packets
        assert await budget_available() == 9_700
    else:
        assert (await sync(gql, tenant, group["id"]))["status"] == "UNKNOWN"
        clock.advance(DEFAULT_UNLISTED_RELEASE_S + 1)
        assert (await sync(gql, tenant, group["id"]))["status"] == "NEEDS_ATTENTION"  # a person settles it
        assert await budget_available() == 9_500  # the hold is kept until then
    assert len(await platform.packets()) == (3 if commit else 0)
    assert (await audit(tenant.id)).ok


async def test_a_group_send_the_budget_cannot_cap_is_refused_before_any_call(gql, tenant, funded, platform):
    await platform.post("/_control/groups", {"groupId": 42, "name": "All", "uids": ["6001"]})
    sent = await send_to_group(gql, tenant, "42", "g2", cap=101)
    assert [e["code"] for e in sent["userErrors"]] == ["INSUFFICIENT_FUNDS"]
    assert await platform.packets() == [] and await budget_available() == 10_000
