"""The Subscription root: live updates over graphql-transport-ws (api/live_transport.py).

Every subscription but jobRunFinished takes `after:`, a sequence number of the tenant's event log: it
first replays what the log holds after it, then goes on live, each event once and in order (see
ledger/event_feed.py). Without `after:` it starts live. What an update shows (a reward, an account) is
read when it is sent, so it is the row as it is then.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator

import strawberry
from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.context import AppContext, Info, principal_of
from api.errors import ApiError, ApiErrorCode, invalid_argument
from api.ids import decode_id_of
from api.jobs_api import JobRun, visible_job_runs
from api.live_transport import LiveConnection
from api.queries import RewardFilter, rewards_matching
from api.types.nodes import Account, Event, Reward
from ledger.domain.access import Role
from ledger.event_feed import EventInterest
from ledger.event_rows import committed_events
from ledger.events import JOB_FINISHED
from ledger.services import reads


@strawberry.type(description="A reward an event concerned: the event's sequence and type, the reward as it is now.")
class RewardUpdate:
    sequence: int = strawberry.field(description="The event's sequence number; resume with `after:` it.")
    type: str = strawberry.field(description="The event's type: reward.created, reward.status_changed, "
                                             "transfer.pending, transfer.posted, transfer.voided.")
    reward: Reward


@strawberry.type(description="An account an event moved: the event's sequence, the account as it is now.")
class BalanceUpdate:
    sequence: int = strawberry.field(description="The event's sequence number; resume with `after:` it.")
    account: Account


def _over_http() -> ApiError:
    return ApiError(ApiErrorCode.INVALID_INPUT,
                    "subscriptions run over a WebSocket on /graphql (subprotocol graphql-transport-ws)")


def _live(info: Info) -> LiveConnection:
    live = info.context.live
    if live is None:
        raise _over_http()
    return live


class SubscriptionsOverWebSocketOnly(SchemaExtension):
    """Strawberry would run a subscription POSTed over HTTP as if it were a query, and fail on its stream."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        over_http = isinstance(context.context, AppContext) and context.context.websocket is None
        if over_http and context.operation_type is OperationType.SUBSCRIPTION:
            context.result = ExecutionResult(data=None, errors=[_over_http()])
        yield


def _checked_after(after: int | None) -> int | None:
    if after is not None and after < 0:
        raise invalid_argument("after", "a sequence number is 0 or more")
    return after


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Every event the caller may see, as the events query returns them.")
    async def events(self, info: Info, after: int | None = None) -> AsyncGenerator[Event, None]:
        principal, live = principal_of(info), _live(info)
        after = _checked_after(after)
        # The interest keeps a member token to its own events, as reads.events does for the events query.
        async with live.feed(EventInterest(principal.tenant_id, member_id=principal.member_id)) as feed:
            async for batch in feed.follow(after):
                rows = await committed_events(principal.tenant_id, batch)
                for event in batch:
                    if event.sequence in rows:
                        yield Event.from_row(rows[event.sequence])

    @strawberry.subscription(description="A reward's status or amount changed (or it was created).")
    async def reward_updated(self, info: Info, after: int | None = None, filter: RewardFilter | None = None,
                             ) -> AsyncGenerator[RewardUpdate, None]:
        principal, live = principal_of(info), _live(info)
        after = _checked_after(after)
        # As the rewards query filters; it applies to the reward as it is when the update is sent.
        matching = rewards_matching(principal, filter)
        interest = EventInterest(principal.tenant_id, member_id=principal.member_id, about_rewards=True)
        async with live.feed(interest) as feed:
            async for batch in feed.follow(after):
                rows = {row.id: row for row in await matching.filter(id__in={e.reward_id for e in batch})}
                for event in batch:
                    row = rows.get(event.reward_id)  # type: ignore[arg-type]
                    if row is not None:
                        yield RewardUpdate(sequence=event.sequence, type=event.type, reward=Reward.from_row(row))

    @strawberry.subscription(description="An account's balance changed.")
    async def account_balance_changed(self, info: Info, account_id: strawberry.ID, after: int | None = None,
                                      ) -> AsyncGenerator[BalanceUpdate, None]:
        principal, live = principal_of(info), _live(info)
        after = _checked_after(after)
        db_id = decode_id_of("Account", account_id)
        visible = reads.accounts(principal)
        if db_id is None or not await visible.filter(id=db_id).exists():
            raise invalid_argument("accountId", "no such account")  # another tenant's looks the same
        async with live.feed(EventInterest(principal.tenant_id, account_id=db_id)) as feed:
            async for batch in feed.follow(after):
                account = Account.from_row(await visible.get(id=db_id))
                for event in batch:
                    yield BalanceUpdate(sequence=event.sequence, account=account)

    @strawberry.subscription(description="A scheduled or manual job finished (admins and operators).")
    async def job_run_finished(self, info: Info) -> AsyncGenerator[JobRun, None]:
        principal, live = principal_of(info), _live(info)
        if not principal.has_at_least(Role.OPERATOR):
            await live.refuse("jobRunFinished is for operators and admins")
            return
        visible = visible_job_runs(principal)
        async with live.notices() as notices:
            while True:
                notice = await notices.get()
                if notice.get("type") != JOB_FINISHED or notice.get("run_tenant_id") not in (None, principal.tenant_id):
                    continue
                row = await visible.get_or_none(id=notice["job_run_id"])
                if row is not None:
                    yield JobRun.from_row(row)
