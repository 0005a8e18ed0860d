"""Live updates: GraphQL subscriptions over graphql-transport-ws, driven by a third-party client (`gql` with its
websockets transport) over a real socket to the served app. Resuming with `after:` delivers every event once
and in order across the switch from the log to the bus; credentials, tenants and members are kept apart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
import websockets
from gql.transport.exceptions import TransportQueryError

from api.ids import decode_id_of
from ledger.event_feed import REPLAY_PAGE_SIZE
from ledger.events import InProcessEventBus, get_event_bus
from ledger.services import credential_cache, rewards
from tests.live_support import (
    Subscription,
    close_code_of,
    last_sequence,
    live_session,
    transport_for,
    ws_url,
)
from tests.statement_log import counted_statements
from tests.support import ISSUE_MEMBER_TOKEN, SETTLE_REWARD, GraphQLClient, TenantFixture

EVENTS = "subscription($after: Int) { events(after: $after) { id sequence type memberId } }"
REWARD_UPDATES = """subscription($after: Int, $filter: RewardFilter) {
  rewardUpdated(after: $after, filter: $filter) { sequence type reward { id status memberId } } }"""
BALANCES = """subscription($account: ID!, $after: Int) {
  accountBalanceChanged(accountId: $account, after: $after) {
    sequence account { id memberId balance { posted { amount } pending { amount } } } } }"""
JOB_RUNS = "subscription { jobRunFinished { id job status } }"
RUN_JOB = "mutation($job: String!) { runJob(input: {job: $job}) { jobRun { id } userErrors { code } } }"


async def funded_campaign(gql: GraphQLClient, tenant: TenantFixture, amount: int = 1_000_000) -> str:
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, amount)
    return campaign


async def member_token(gql: GraphQLClient, tenant: TenantFixture, member: str) -> str:
    data = await gql(ISSUE_MEMBER_TOKEN, {"input": {"memberId": member}}, token=tenant.operator)
    return data["issueMemberToken"]["token"]


def sequences(results: list[dict], field: str = "events") -> list[int]:
    return [result[field]["sequence"] for result in results]


async def test_a_subscriber_that_missed_50_events_resumes_with_after_and_gets_each_once_in_order(
        server_url: str, gql: GraphQLClient, tenant: TenantFixture):
    campaign = await funded_campaign(gql, tenant)
    start = await last_sequence(gql, tenant.admin)
    async with live_session(server_url, tenant.viewer) as session:
        live = Subscription(session, EVENTS, {"after": start})
        await gql.grant(tenant.operator, campaign, "m-1", 100, "before")
        seen = sequences(await live.take(2))
        await live.stop()
    assert seen == [start + 1, start + 2]

    for n in range(25):  # 50 events while nobody listens
        await gql.grant(tenant.operator, campaign, f"m-{n}", 100, f"missed-{n}")

    async with live_session(server_url, tenant.viewer) as session:
        resumed = Subscription(session, EVENTS, {"after": seen[-1]})
        replayed = sequences(await resumed.take(50))
        await gql.grant(tenant.operator, campaign, "m-live", 100, "live-1")
        await gql.grant(tenant.operator, campaign, "m-live", 100, "live-2")
        live_ones = sequences(await resumed.take(4))
        assert resumed.pending() == []

    assert replayed == list(range(seen[-1] + 1, seen[-1] + 51))
    assert live_ones == list(range(seen[-1] + 51, seen[-1] + 55))


async def test_a_resume_while_writes_land_loses_nothing_and_doubles_nothing_at_the_switch_to_live(
        server_url: str, gql: GraphQLClient, tenant: TenantFixture):
    campaign = await funded_campaign(gql, tenant)
    campaign_id = decode_id_of("Campaign", campaign)
    assert campaign_id is not None
    for n in range(REPLAY_PAGE_SIZE + 5):  # over two replay pages before the subscriber starts (in-process: faster)
        await rewards.grant_reward(tenant.id, campaign_id=campaign_id, member_id=f"m-{n % 7}", amount=10,
                                   idempotency_key=f"seed-{n}")
    writing_started = asyncio.Event()

    async def keep_writing() -> None:
        for n in range(40):
            await gql.grant(tenant.operator, campaign, f"m-{n % 7}", 10, f"during-{n}")
            writing_started.set()

    writer = asyncio.create_task(keep_writing())
    await writing_started.wait()
    async with live_session(server_url, tenant.viewer) as session:
        feed = Subscription(session, EVENTS, {"after": 0})
        await writer
        last = await last_sequence(gql, tenant.admin)
        received = sequences(await feed.take(last))
        await gql.grant(tenant.operator, campaign, "m-after", 10, "after-the-switch")
        after_switch = sequences(await feed.take(2))

    assert received == list(range(1, last + 1))
    assert after_switch == [last + 1, last + 2]


async def test_without_after_a_subscription_starts_live(server_url: str, gql: GraphQLClient,
                                                        tenant: TenantFixture):
    campaign = await funded_campaign(gql, tenant)
    already = await last_sequence(gql, tenant.admin)
    async with live_session(server_url, tenant.viewer) as session:
        feed = Subscription(session, EVENTS)
        # The subscriber starts at the end of the log whenever the server gets to it: write until it hears.
        for attempt in range(20):
            await gql.grant(tenant.operator, campaign, "m-1", 10, f"g-{attempt}")
            try:
                first = await feed.next(timeout_s=1)
                break
            except TimeoutError:
                continue
        else:
            pytest.fail("the live subscription heard nothing")
    assert first["events"]["sequence"] > already


async def test_a_connection_without_a_credential_is_closed_with_4401(server_url: str, tenant: TenantFixture):
    assert await close_code_of(server_url, None, EVENTS) == 4401


async def test_a_connection_with_an_unknown_key_is_closed_with_4401(server_url: str, tenant: TenantFixture):
    assert await close_code_of(server_url, "rl_key_not-a-real-key", EVENTS) == 4401
    assert await close_code_of(server_url, "x" * 5000, EVENTS) == 4401


async def test_a_revoked_key_can_no_longer_connect(server_url: str, gql: GraphQLClient, tenant: TenantFixture):
    from tests.support import REVOKE_API_KEY

    keys = (await gql("{ apiKeys { id role } }", token=tenant.admin))["apiKeys"]
    [viewer_key] = [key["id"] for key in keys if key["role"] == "VIEWER"]
    await gql(REVOKE_API_KEY, {"input": {"apiKeyId": viewer_key}}, token=tenant.admin)
    assert await close_code_of(server_url, tenant.viewer, EVENTS) == 4401


async def test_a_key_revoked_after_it_connected_is_refused_at_once(server_url: str, gql: GraphQLClient,
                                                                   tenant: TenantFixture,
                                                                   monkeypatch: pytest.MonkeyPatch):
    from tests.support import REVOKE_API_KEY

    monkeypatch.setattr(credential_cache, "TTL_S", 60.0)  # only revocation can take the key out of the cache
    async with live_session(server_url, tenant.viewer):  # authenticated, so the key is in the credential cache
        pass
    keys = (await gql("{ apiKeys { id role } }", token=tenant.admin))["apiKeys"]
    [viewer_key] = [key["id"] for key in keys if key["role"] == "VIEWER"]
    await gql(REVOKE_API_KEY, {"input": {"apiKeyId": viewer_key}}, token=tenant.admin)
    assert await close_code_of(server_url, tenant.viewer, EVENTS) == 4401


async def test_a_key_that_just_authenticated_connects_without_looking_it_up_again(
        server_url: str, gql: GraphQLClient, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(credential_cache, "TTL_S", 60.0)  # however slow the machine, the entry is still fresh
    await gql("{ apiKeys { id } }", token=tenant.admin)  # an HTTP request: the key is now in the cache
    with counted_statements() as statements:
        async with live_session(server_url, tenant.admin):
            pass
    assert not any("api_keys" in sql for sql in statements)


async def test_the_upgrade_requests_authorization_header_is_accepted_too(server_url: str, gql: GraphQLClient,
                                                                        tenant: TenantFixture):
    campaign = await funded_campaign(gql, tenant)
    transport = transport_for(server_url, None, headers={"Authorization": f"Bearer {tenant.viewer}"})
    from gql import Client

    async with Client(transport=transport) as session:
        feed = Subscription(session, EVENTS, {"after": 0})
        await gql.grant(tenant.operator, campaign, "m-1", 10, "g")
        assert sequences(await feed.take(5)) == [1, 2, 3, 4, 5]


async def test_the_legacy_graphql_ws_subprotocol_is_refused(server_url: str, tenant: TenantFixture):
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with websockets.connect(ws_url(server_url), subprotocols=["graphql-ws"]) as socket:  # type: ignore[list-item]
            assert socket.subprotocol is None  # the server did not take it up
            await socket.send(json.dumps({"type": "connection_init",
                                          "payload": {"Authorization": f"Bearer {tenant.viewer}"}}))
            await asyncio.wait_for(socket.recv(), 5)  # no connection_ack: only the close
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406
    # and through a client library that would speak it if allowed
    assert await close_code_of(server_url, tenant.viewer, EVENTS, subprotocols=["graphql-ws"]) == 4406


async def test_a_subscription_never_sees_another_tenants_events(server_url: str, gql: GraphQLClient,
                                                                tenant: TenantFixture, other_tenant: TenantFixture):
    ours = await funded_campaign(gql, tenant)
    theirs = await funded_campaign(gql, other_tenant)
    async with live_session(server_url, tenant.viewer) as session:
        feed = Subscription(session, EVENTS, {"after": 0})
        updates = Subscription(session, REWARD_UPDATES, {"after": 0})
        for n in range(3):
            await gql.grant(other_tenant.operator, theirs, "globex-member", 10, f"theirs-{n}")
        await gql.grant(tenant.operator, ours, "acme-member", 10, "ours")  # the fence: after all of theirs
        ours_count = await last_sequence(gql, tenant.admin)
        events = await feed.take(ours_count)
        rewards = await updates.take(2)
        assert feed.pending() == [] and updates.pending() == []
    assert sequences(events) == list(range(1, ours_count + 1))
    assert {e["events"]["memberId"] for e in events} == {None, "acme-member"}
    assert {r["rewardUpdated"]["reward"]["memberId"] for r in rewards} == {"acme-member"}


async def test_a_member_token_gets_only_its_own_members_events(server_url: str, gql: GraphQLClient,
                                                               tenant: TenantFixture):
    campaign = await funded_campaign(gql, tenant)
    token = await member_token(gql, tenant, "alice")
    async with live_session(server_url, token) as session:
        feed = Subscription(session, EVENTS, {"after": 0})
        updates = Subscription(session, REWARD_UPDATES, {"after": 0, "filter": {"memberId": "bob"}})
        for n in range(3):
            await gql.grant(tenant.operator, campaign, "bob", 10, f"bob-{n}")
        await gql.grant(tenant.operator, campaign, "alice", 10, "alice")
        mine = await feed.take(2)  # her reward.created and its transfer.posted
        await gql.grant(tenant.operator, campaign, "alice", 10, "alice-fence")
        fence = await feed.take(2)
        assert feed.pending() == []
        # asking for bob's rewards gets her nothing: the filter narrows her own, never widens them
        assert updates.pending() == []
    assert [e["events"]["type"] for e in mine] == ["reward.created", "transfer.posted"]
    assert {e["events"]["memberId"] for e in mine + fence} == {"alice"}


async def test_reward_updates_follow_a_reward_through_its_statuses_with_the_rewards_filter(
        server_url: str, gql: GraphQLClient, tenant: TenantFixture):
    campaign = await funded_campaign(gql, tenant)
    start = await last_sequence(gql, tenant.admin)
    async with live_session(server_url, tenant.viewer) as session:
        updates = Subscription(session, REWARD_UPDATES, {"after": start, "filter": {"memberId": "m-1"}})
        await gql.grant(tenant.operator, campaign, "m-2", 10, "other-member")
        held = (await gql.grant(tenant.operator, campaign, "m-1", 500, "held", hold=True))["reward"]
        await gql(SETTLE_REWARD, {"input": {"rewardId": held["id"], "action": "POST", "idempotencyKey": "s"}},
                  token=tenant.operator)
        results = [r["rewardUpdated"] for r in await updates.take(4)]
        assert updates.pending() == []
    assert [r["type"] for r in results] == ["reward.created", "transfer.pending", "transfer.posted",
                                           "reward.status_changed"]
    assert results[-1]["reward"]["status"] == "ISSUED"  # each shows the reward as it is when sent
    assert {r["reward"]["id"] for r in results} == {held["id"]}
    assert [r["sequence"] for r in results] == sorted(r["sequence"] for r in results)


async def test_a_member_follows_the_balance_of_their_own_wallet_and_no_one_elses(
        server_url: str, gql: GraphQLClient, tenant: TenantFixture, other_tenant: TenantFixture):
    campaign = await funded_campaign(gql, tenant)
    await gql.grant(tenant.operator, campaign, "alice", 300, "first")
    await gql.grant(tenant.operator, campaign, "bob", 300, "bobs")
    wallets = (await gql('{ accounts(filter: {kind: MEMBER_WALLET}) { nodes { id memberId } } }',
                         token=tenant.admin))["accounts"]["nodes"]
    alices = next(w["id"] for w in wallets if w["memberId"] == "alice")
    bobs = next(w["id"] for w in wallets if w["memberId"] == "bob")
    token = await member_token(gql, tenant, "alice")
    async with live_session(server_url, token) as session:
        balances = Subscription(session, BALANCES, {"account": alices, "after": 0})
        first = (await balances.next())["accountBalanceChanged"]
        await gql.grant(tenant.operator, campaign, "alice", 200, "second")
        second = (await balances.next())["accountBalanceChanged"]
        with pytest.raises(TransportQueryError) as refused:
            await Subscription(session, BALANCES, {"account": bobs}).next()
    assert first["account"]["id"] == alices and first["sequence"] < second["sequence"]
    assert second["account"]["balance"]["posted"]["amount"] == "500"
    assert refused.value.errors and refused.value.errors[0]["extensions"]["code"] == "INVALID_INPUT"
    async with live_session(server_url, other_tenant.admin) as session:
        with pytest.raises(TransportQueryError):  # another tenant's account is no account at all
            await Subscription(session, BALANCES, {"account": alices}).next()


async def test_job_runs_finishing_reach_operators_and_close_weaker_roles_with_4403(
        server_url: str, gql: GraphQLClient, tenant: TenantFixture):
    assert await close_code_of(server_url, tenant.viewer, JOB_RUNS) == 4403
    assert await close_code_of(server_url, await member_token(gql, tenant, "alice"), JOB_RUNS) == 4403
    async with live_session(server_url, tenant.operator) as session:
        runs = Subscription(session, JOB_RUNS)
        # jobRunFinished has no `after:`: run the job until the subscriber (set up server-side) hears one.
        ran: list[str] = []
        for _ in range(10):
            ran.append((await gql(RUN_JOB, {"job": "audit"}, token=tenant.admin))["runJob"]["jobRun"]["id"])
            try:
                heard = (await runs.next(timeout_s=1))["jobRunFinished"]
                break
            except TimeoutError:
                continue
        else:
            pytest.fail("no finished job run was heard")
    assert heard["id"] in ran and heard["job"] == "audit" and heard["status"] == "SUCCEEDED"


async def test_a_subscription_posted_over_http_is_refused(gql: GraphQLClient, tenant: TenantFixture):
    status, errors = await gql.errors(EVENTS, {"after": 0}, token=tenant.viewer)
    assert status == 200 and errors[0]["extensions"]["code"] == "INVALID_INPUT"
    assert "WebSocket" in errors[0]["message"]


async def test_after_must_be_a_sequence_number(server_url: str, tenant: TenantFixture):
    async with live_session(server_url, tenant.viewer) as session:
        with pytest.raises(TransportQueryError) as refused:
            await Subscription(session, EVENTS, {"after": -1}).next()
    assert refused.value.errors and refused.value.errors[0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_disconnected_subscriber_leaves_nothing_behind_on_the_bus(
        server_url: str, tenant: TenantFixture, monkeypatch: pytest.MonkeyPatch):
    bus = get_event_bus()
    assert isinstance(bus, InProcessEventBus)
    changed = asyncio.Event()  # the server subscribes and unsubscribes on its own time: the test hears each
    for name in ("subscribe", "unsubscribe"):
        monkeypatch.setattr(bus, name, _announcing(getattr(bus, name), changed))
    before = bus.subscriber_count

    async def until(count: int) -> None:
        async with asyncio.timeout(5):
            while bus.subscriber_count != count:
                changed.clear()
                await changed.wait()

    async with live_session(server_url, tenant.viewer) as session:
        feeds = [Subscription(session, EVENTS, {"after": 0}) for _ in range(3)]
        await until(before + 3)
        await feeds[0].stop()  # one unsubscribed (complete), the others go with the connection
        await until(before + 2)
    await until(before)


def _announcing(method: Callable, changed: asyncio.Event) -> Callable:
    def announced(*args: object, **kwargs: object) -> object:
        result = method(*args, **kwargs)
        changed.set()
        return result

    return announced
