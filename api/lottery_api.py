"""GraphQL for providers in general and the instant-lottery gateway: configuration, redemption, sync,
and the gateway's own counters, prize records and reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.context import Info, principal_of, require_operator_view, require_role
from api.errors import ApiError, ApiErrorCode, UserError
from api.ids import decode_id_of
from api.mutations import attempt
from api.provider_refusals import lottery_refusal, lottery_ticket_refusal
from api.types.money import Money
from api.types.nodes import Reward
from ledger.domain.access import Principal, Role
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.domain.statuses import RewardStatus
from ledger.persistence import models
from ledger.persistence.provider_models import ProviderConfig as ConfigRow
from ledger.ports import NEVER_SENT
from ledger.services import lottery, provider_calls, provider_configs
from ledger.services.provider_calls import CallOutcome
from ledger.services.station_lease import StationBusy
from ledger.services.sync import sync_reward
from providers import registry
from providers.instant_lottery.client import GatewayError, GatewayUnavailable, InstantLotteryClient, ReportKind
from providers.settings import SettingsInvalid

strawberry.enum(ReportKind, name="LotteryReportKind", description="The gateway's four HTML reports (seed §8.7).")


ProviderCallOutcome = strawberry.enum(
    CallOutcome, name="ProviderCallOutcome",
    description="DONE: the provider answered; REFUSED: refused before anything happened; MAY_HAVE_HAPPENED: "
                "the answer was lost or unreadable; ERROR: the call failed (unreachable, unreadable, refused at "
                "the door).")


@strawberry.type(description="The last call made to a provider and how it ended.")
class ProviderCall:
    operation: str = strawberry.field(description="The adapter's operation, e.g. issue, query_status.")
    outcome: CallOutcome
    code: str | None = strawberry.field(description="The provider's code for a refusal, or the error's kind.")
    message: str | None
    at: datetime


@strawberry.type(description="A tenant's settings for one provider; secrets are always masked.")
class ProviderConfig:
    provider: str
    base_url: str | None
    settings: JSON
    updated_at: datetime
    tenant_id: strawberry.Private[int]

    @strawberry.field(description="The last call made to this provider; null before the first.")
    async def last_call(self) -> ProviderCall | None:
        row = (await provider_calls.last_calls(self.tenant_id, self.provider)).get(self.provider)
        if row is None:
            return None
        return ProviderCall(operation=row.operation, outcome=CallOutcome(row.outcome), code=row.code,
                            message=row.message, at=row.called_at)


@strawberry.type(description="A ticket as the gateway describes it.")
class LotteryTicket:
    bar_code: str | None
    game: str | None
    ticket_no: str | None
    prize_level: int | None
    prize_amount: Money | None
    station_id: str | None
    award_time: str | None


@strawberry.type
class LotteryStationCounter:
    station_id: str
    count: int
    amount: Money


@strawberry.input
class ConfigureProviderInput:
    provider: str
    settings: JSON


@strawberry.type
class ConfigureProviderPayload:
    provider_config: ProviderConfig | None
    user_errors: list[UserError]


@strawberry.input
class RedeemLotteryTicketInput:
    bar_code: str
    member_id: str
    user_real_ip: str
    idempotency_key: str
    station_id: str | None = None


@strawberry.type
class RedeemLotteryTicketPayload:
    reward: Reward | None
    ticket: LotteryTicket | None
    user_errors: list[UserError]


@strawberry.input
class SyncRewardInput:
    reward_id: strawberry.ID


@strawberry.type
class SyncRewardPayload:
    reward: Reward | None
    user_errors: list[UserError]


@strawberry.input
class ResetLotteryStationCounterInput:
    station_id: str | None = None


@strawberry.type
class ResetLotteryStationCounterPayload:
    counter: LotteryStationCounter | None
    user_errors: list[UserError]


def _config_type(row: Any, masked: dict[str, Any]) -> ProviderConfig:
    return ProviderConfig(provider=row.provider, base_url=masked.get("baseUrl"), settings=JSON(masked),
                          updated_at=row.updated_at, tenant_id=row.tenant_id)


def ticket_of(reward: models.Reward) -> LotteryTicket:
    details = reward.details
    level = details.get("level")
    return LotteryTicket(
        bar_code=details.get("barCode"), game=details.get("gameName"), ticket_no=details.get("ticketNo"),
        prize_level=int(str(level)) if str(level).isdigit() else None,
        prize_amount=Money.of(reward.amount, reward.asset) if reward.amount else None,
        station_id=details.get("stationId"), award_time=details.get("awardTime"),
    )


async def _gateway(principal: Principal) -> InstantLotteryClient:
    try:
        return await lottery.gateway_for(principal.tenant_id)  # type: ignore[return-value]
    except LedgerError as exc:
        raise ApiError(ApiErrorCode.INVALID_INPUT, exc.message) from None


@asynccontextmanager
async def _gateway_errors() -> AsyncIterator[None]:
    """Reads that call the gateway report its refusals and outages as coded errors."""
    try:
        yield
    except KeyError:
        raise ApiError(ApiErrorCode.INVALID_INPUT, "stationId: no such station in this tenant's settings") from None
    except GatewayError as exc:
        refusal = lottery_refusal(exc.code, exc.message)
        raise ApiError(ApiErrorCode.PROVIDER_REJECTED, refusal.message(), refusal.details()) from None
    except (GatewayUnavailable, StationBusy) as exc:
        raise ApiError(ApiErrorCode.PROVIDER_UNAVAILABLE, f"the gateway did not answer: {exc}") from None


def _require_acting_for(info: Info, member_id: str) -> Principal:
    """Operators act for anyone in their tenant; a member token only for its own member."""
    principal = principal_of(info)
    if principal.is_member:
        if principal.member_id != member_id:
            raise ApiError(ApiErrorCode.FORBIDDEN, "a member token may act only for its own member")
        return principal
    return require_role(info, Role.OPERATOR, "redeem tickets")


@strawberry.input
class ChangeLotteryStationPasswordInput:
    new_password: str
    station_id: str | None = None


@strawberry.type
class ChangeLotteryStationPasswordPayload:
    provider_config: ProviderConfig | None
    user_errors: list[UserError]


@strawberry.type
class LotteryQuery:
    @strawberry.field(description="The tenant's provider settings, secrets masked, a CA bundle (`tlsCaBundle`) "
                      "shown as each certificate's subject and expiry.")
    async def provider_configs(self, info: Info) -> list[ProviderConfig]:
        principal = require_operator_view(info, "provider settings")
        rows = await provider_configs.list_configs(principal.tenant_id)
        return [_config_type(row, registry.module(row.provider).shown_settings(row.settings)) for row in rows
                if row.provider in registry.provider_names()]

    @strawberry.field(description="The gateway's redemption record of a ticket (getPrize); null if none.")
    async def lottery_ticket_prize(self, info: Info, bar_code: str, station_id: str | None = None
                                   ) -> LotteryTicket | None:
        gateway = await _gateway(require_operator_view(info, "ticket records"))
        async with _gateway_errors():
            station = gateway.station(station_id).station_id
            record = await gateway.prize_of(station, bar_code[:64])
        if record is None:
            return None
        return LotteryTicket(bar_code=bar_code, game=None, ticket_no=None, prize_level=record.level,
                             prize_amount=Money.of(record.prize_fen, "CNY"), station_id=record.station_id,
                             award_time=record.award_time)

    @strawberry.field(description="The station's redemption subtotal as the gateway counts it (getCount).")
    async def lottery_station_counter(self, info: Info, station_id: str | None = None) -> LotteryStationCounter:
        gateway = await _gateway(require_operator_view(info, "station counters"))
        async with _gateway_errors():
            station = gateway.station(station_id).station_id
            counter = await gateway.counter(station)
        return LotteryStationCounter(station_id=station, count=counter.tickets,
                                     amount=Money.of(counter.amount_fen, "CNY"))

    @strawberry.field(description="One of the gateway's HTML reports for a day; TRACE follows one barCode.")
    async def lottery_report(self, info: Info, kind: ReportKind, date: date,
                             station_id: str | None = None, bar_code: str | None = None) -> str:
        gateway = await _gateway(require_operator_view(info, "gateway reports"))
        async with _gateway_errors():
            station = gateway.station(station_id).station_id
            return await gateway.report(kind, station, date, bar_code)


@strawberry.type
class LotteryMutation:
    @strawberry.mutation(description="Admin: connect the tenant to a provider (an upsert). Secrets are "
                         "write-only; sending back a masked value keeps the stored one, as sending back a "
                         "CA bundle's summary keeps the bundle. A setting the provider does not know is refused.")
    async def configure_provider(self, info: Info, input: ConfigureProviderInput) -> ConfigureProviderPayload:
        principal = require_role(info, Role.ADMIN, "configure providers")
        try:
            masked = await registry.configure(principal.tenant_id, input.provider, input.settings)  # type: ignore[arg-type]
        except SettingsInvalid as exc:
            error = UserError(field=["input", "settings", *exc.field.split(".")] if exc.field != "provider"
                              else ["input", "provider"], code=ErrorCode.INVALID_INPUT.value, message=exc.message)
            return ConfigureProviderPayload(provider_config=None, user_errors=[error])
        row = await models_config(principal.tenant_id, input.provider)
        return ConfigureProviderPayload(provider_config=_config_type(row, masked), user_errors=[])

    @strawberry.mutation(description="Operator, or a member token for itself: redeem a scanned ticket.")
    async def redeem_lottery_ticket(self, info: Info, input: RedeemLotteryTicketInput) -> RedeemLotteryTicketPayload:
        principal = _require_acting_for(info, input.member_id)
        redemption, errors = await attempt(lottery.redeem_ticket(
            principal.tenant_id, member_id=input.member_id, bar_code=input.bar_code, user_ip=input.user_real_ip,
            station_id=input.station_id, idempotency_key=input.idempotency_key))
        if redemption is None:
            return RedeemLotteryTicketPayload(reward=None, ticket=None, user_errors=errors)
        reward = redemption.reward
        return RedeemLotteryTicketPayload(reward=Reward.from_row(reward), ticket=ticket_of(reward),
                                          user_errors=_outcome_errors(reward))

    @strawberry.mutation(description="Operator: ask the provider about a reward and record its answer.")
    async def sync_reward(self, info: Info, input: SyncRewardInput) -> SyncRewardPayload:
        principal = require_role(info, Role.OPERATOR, "sync rewards")

        async def run() -> models.Reward:
            reward_id = decode_id_of("Reward", input.reward_id)
            if reward_id is None:
                raise LedgerError(ErrorCode.NOT_FOUND, "no such reward", field="rewardId")
            return await sync_reward(principal.tenant_id, reward_id)

        row, errors = await attempt(run())
        return SyncRewardPayload(reward=Reward.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Admin: change a station's password at the gateway (seed §8.3; the "
                         "gateway hands out 123456) and in the stored settings.")
    async def change_lottery_station_password(self, info: Info, input: ChangeLotteryStationPasswordInput
                                              ) -> ChangeLotteryStationPasswordPayload:
        principal = require_role(info, Role.ADMIN, "change station passwords")
        config, errors = await _change_station_password(principal, input.station_id, input.new_password)
        return ChangeLotteryStationPasswordPayload(provider_config=config, user_errors=errors)

    @strawberry.mutation(description="Operator: zero the station's redemption subtotal at the gateway.")
    async def reset_lottery_station_counter(self, info: Info, input: ResetLotteryStationCounterInput
                                            ) -> ResetLotteryStationCounterPayload:
        principal = require_role(info, Role.OPERATOR, "reset station counters")
        gateway = await _gateway(principal)
        try:
            station = gateway.station(input.station_id).station_id
            counter = await gateway.reset_counter(station)
        except KeyError:
            return ResetLotteryStationCounterPayload(counter=None, user_errors=[UserError(
                field=["input", "stationId"], code="NOT_FOUND", message="no such station")])
        except GatewayError as exc:
            return ResetLotteryStationCounterPayload(
                counter=None, user_errors=[lottery_refusal(exc.code, exc.message).user_error()])
        except (GatewayUnavailable, StationBusy):
            return ResetLotteryStationCounterPayload(counter=None, user_errors=[UserError(
                field=None, code=ErrorCode.PROVIDER_UNAVAILABLE.value, message="the gateway did not answer")])
        return ResetLotteryStationCounterPayload(
            counter=LotteryStationCounter(station_id=station, count=counter.tickets,
                                          amount=Money.of(counter.amount_fen, "CNY")), user_errors=[])


async def _change_station_password(principal: Principal, station_id: str | None, new_password: str
                                   ) -> tuple[ProviderConfig | None, list[UserError]]:
    if not 6 <= len(new_password) <= 32 or not new_password.isascii() or not new_password.isprintable():
        return None, [UserError(field=["input", "newPassword"], code=ErrorCode.INVALID_INPUT.value,
                                message="6-32 printable ASCII characters")]
    gateway = await _gateway(principal)
    try:
        station = gateway.station(station_id)
        await gateway.change_password(station.station_id, station.password, new_password)
    except KeyError:
        return None, [UserError(field=["input", "stationId"], code="NOT_FOUND", message="no such station")]
    except GatewayError as exc:
        return None, [lottery_refusal(exc.code, exc.message).user_error()]
    except (GatewayUnavailable, StationBusy):
        return None, [UserError(field=None, code=ErrorCode.PROVIDER_UNAVAILABLE.value,
                                message="the gateway did not answer; the password may or may not have changed")]
    # The gateway has the new password now; the settings follow, so the next login uses it.
    # Sent back masked, as an admin would: the other secrets keep their stored (encrypted) values.
    stored = registry.module(lottery.PROVIDER).mask_settings(
        await provider_configs.stored_settings(principal.tenant_id, lottery.PROVIDER) or {})
    stations = [{**item, "password": new_password} if str(item.get("stationId")) == station.station_id else item
                for item in stored.get("stations", [])]
    masked = await registry.configure(principal.tenant_id, lottery.PROVIDER, {**stored, "stations": stations})
    return _config_type(await models_config(principal.tenant_id, lottery.PROVIDER), masked), []


def _outcome_errors(reward: models.Reward) -> list[UserError]:
    """A gateway refusal is a FAILED reward and a user error naming the gateway's code; a redemption that
    never reached the gateway is FAILED too, but the gateway was unavailable, not refusing."""
    if reward.status is RewardStatus.FAILED and reward.details.get("code") == NEVER_SENT:
        return [UserError.never_sent("the gateway", str(reward.details.get("message", "")))]
    if reward.status is RewardStatus.FAILED:
        refusal = lottery_ticket_refusal(reward.details.get("code", "?"))
        return [refusal.user_error(field=["input", "barCode"], refused_what="the ticket")]
    return []


async def models_config(tenant_id: int, provider: str) -> ConfigRow:
    return await ConfigRow.get(tenant_id=tenant_id, provider=provider)
