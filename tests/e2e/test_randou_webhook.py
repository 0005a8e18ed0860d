"""Randou's pushes over HTTP to the running API, with the ledger's clock moved (`ledger.domain.clock`):
a retry is never refused for good (a push already recorded is `success` at any age, a new one is accepted
for the accept window), a JSON body is a push like a form, and a signed push out of bounds is a 4xx `fail`
that records nothing. The pushes are the seed's samples (tests/fixtures/seeds/randou/)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ledger.domain import clock
from ledger.persistence.draw_models import DrawStage, ProviderReference, WebhookNonce
from ledger.persistence.models import Account, Event, Reward, Transfer
from tests.lottery_support import CONFIGURE
from tests.randou_support import as_text, seed_credentials, seed_push, signed_form, signed_json_body
from tests.support import GraphQLClient, TenantFixture

APP_ID, SECRET = seed_credentials()
HOUR = 3600
DAY = 24 * HOUR


class Webhook:
    def __init__(self, http: httpx.AsyncClient, tenant: TenantFixture) -> None:
        self.http = http
        self.path = f"/webhooks/randou/{tenant.global_id}"

    async def form(self, params: dict[str, str]) -> tuple[int, str]:
        response = await self.http.post(self.path, data=params)
        return response.status_code, response.text

    async def json(self, body: bytes) -> tuple[int, str]:
        response = await self.http.post(self.path, content=body, headers={"content-type": "application/json"})
        return response.status_code, response.text


async def connect(gql: GraphQLClient, tenant: TenantFixture, **settings: Any) -> None:
    config = {"appId": APP_ID, "appSecret": SECRET, **settings}
    data = await gql(CONFIGURE, {"input": {"provider": "randou", "settings": config}}, token=tenant.admin)
    assert data["configureProvider"]["userErrors"] == [], data


@pytest.fixture
async def webhook(gql: GraphQLClient, tenant: TenantFixture, http: httpx.AsyncClient) -> Webhook:
    await connect(gql, tenant)
    return Webhook(http, tenant)


def now_s() -> int:
    return int(clock.now().timestamp())


async def credits_of(member: str) -> int:
    account = await Account.get_or_none(member_id=member, asset="CREDITS")
    return 0 if account is None else account.credits_posted - account.debits_posted


async def nothing_recorded() -> bool:
    counts = [await model.all().count() for model in (Reward, DrawStage, ProviderReference, WebhookNonce,
                                                      Transfer, Event)]
    return counts == [0] * 6


SUCCESS = (200, "success")


# --- retries ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("later_s", [600, 23 * HOUR, 3 * DAY], ids=["10-min", "23-h", "3-days"])
async def test_a_push_retried_unchanged_is_success_and_recorded_once(webhook: Webhook, later_s: int) -> None:
    """Our `success` was lost: Randou sends the very same push (same timestamp, nonce and sign) again."""
    push = signed_form(seed_push("credits-received"), timestamp=now_s())
    assert await webhook.form(push) == SUCCESS
    events = await Event.all().count()
    clock.advance(later_s)
    assert await webhook.form(push) == SUCCESS
    [reward] = await Reward.all()
    assert (reward.status.value, reward.member_id, reward.provider_refs) == (
        "ISSUED", "u-1", {"serialNo": "I388364710157766657"})
    assert await DrawStage.all().count() == 1 and await WebhookNonce.all().count() == 1
    assert await credits_of("u-1") == 100 and await Event.all().count() == events


async def test_a_retry_23_hours_after_the_first_push_was_lost_is_accepted(webhook: Webhook) -> None:
    """We were down: the first push never arrived, and Randou's retry, signed then, comes 23 h later."""
    push = signed_form(seed_push("credits-received"), timestamp=now_s())
    clock.advance(23 * HOUR)
    assert await webhook.form(push) == SUCCESS
    [reward] = await Reward.all()
    assert reward.status.value == "ISSUED" and await credits_of("u-1") == 100


async def test_a_retry_with_a_fresh_nonce_of_a_recorded_push_changes_nothing(webhook: Webhook) -> None:
    first = signed_form(seed_push("credits-received"), timestamp=now_s(), nonce="first0nonce000000001")
    assert await webhook.form(first) == SUCCESS
    clock.advance(2 * DAY)
    again = signed_form(seed_push("credits-received"), timestamp=now_s(), nonce="second0nonce00000002")
    assert await webhook.form(again) == SUCCESS
    assert await Reward.all().count() == 1 and await credits_of("u-1") == 100
    assert await WebhookNonce.all().count() == 1  # nothing new was recorded, so neither was its nonce


# --- the accept window for new pushes ----------------------------------------------------------------

@pytest.mark.parametrize("window_s", [None, HOUR], ids=["default-a-day", "configured-an-hour"])
async def test_a_new_push_is_accepted_until_the_window_closes(gql: GraphQLClient, tenant: TenantFixture,
                                                             http: httpx.AsyncClient, window_s: int | None) -> None:
    await connect(gql, tenant, **({} if window_s is None else {"acceptWindowSeconds": window_s}))
    webhook, window = Webhook(http, tenant), window_s or DAY
    sent = now_s()
    in_time = signed_form(seed_push("credits-received", serialNo="I000000000000000001"), timestamp=sent,
                          nonce="nonce0in0time0000001")
    too_late = signed_form(seed_push("credits-received", serialNo="I000000000000000002", uid="u-2"),
                           timestamp=sent, nonce="nonce0too0late000002")
    clock.advance(window - 60)
    assert await webhook.form(in_time) == SUCCESS
    clock.advance(120)
    assert await webhook.form(too_late) == (401, "fail")
    assert [r.member_id for r in await Reward.all()] == ["u-1"] and await credits_of("u-2") == 0
    assert await webhook.form(in_time) == SUCCESS  # recorded already: success after the window too


async def test_a_push_dated_ahead_of_our_clock_beyond_the_skew_is_refused(webhook: Webhook) -> None:
    assert await webhook.form(signed_form(seed_push("not-won"), timestamp=now_s() + 3600)) == (401, "fail")
    assert await nothing_recorded()


async def test_a_nonce_reused_by_another_new_push_is_refused(webhook: Webhook) -> None:
    nonce = "shared0nonce00000001"
    first = signed_form(seed_push("credits-received"), timestamp=now_s(), nonce=nonce)
    other = signed_form(seed_push("not-won", serialNo="I000000000000000009", uid="u-9"), timestamp=now_s(),
                        nonce=nonce)
    assert await webhook.form(first) == SUCCESS
    assert await webhook.form(other) == (401, "fail")
    clock.advance(600)
    assert await webhook.form(first) == SUCCESS  # the replay of the recorded push itself is harmless
    assert [r.member_id for r in await Reward.all()] == ["u-1"]


# --- JSON bodies --------------------------------------------------------------------------------------

async def test_a_json_body_push_is_accepted_and_recorded(webhook: Webhook) -> None:
    fields = seed_push("goods-shipped")
    assert await webhook.json(signed_json_body(fields, timestamp=now_s())) == SUCCESS
    [reward] = await Reward.all()
    assert (reward.status.value, reward.asset, reward.amount) == ("ISSUED", "GOODS:CUP500", 1)
    # The same push as a form, later, is the same stage: success, nothing more recorded.
    clock.advance(600)
    assert await webhook.form(signed_form(fields, timestamp=now_s(), nonce="form0retry0000000001")) == SUCCESS
    assert await Reward.all().count() == 1 and await Transfer.all().count() == 1


async def test_a_json_body_may_carry_nested_objects_as_json_text(webhook: Webhook) -> None:
    fields = {name: as_text(value) for name, value in seed_push("credits-received").items()}  # all text
    assert await webhook.json(signed_json_body(fields, timestamp=now_s())) == SUCCESS
    assert await credits_of("u-1") == 100


async def test_a_json_body_that_is_not_a_flat_push_is_refused(webhook: Webhook) -> None:
    for body in (b"[]", b"{not json", b'{"uid": ["u-1"]}'):
        assert await webhook.json(body) == (400, "fail")
    assert await nothing_recorded()


# --- signed, yet out of bounds: a 4xx `fail`, nothing recorded, never a 500 -------------------------

CREDITS = seed_push("credits-received")
GOODS = seed_push("goods-shipped")


def with_prize(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, "prize": {**base["prize"], **changes}}


def with_goods(**changes: Any) -> dict[str, Any]:
    return with_prize(GOODS, goods={**GOODS["prize"]["goods"], **changes})


OUT_OF_BOUNDS = {  # each of these was a 500 or was recorded
    "credits-gain-2^63": with_prize(CREDITS, credits_gain=2**63),
    "credits-gain-2^64": with_prize(CREDITS, credits_gain=2**64),
    "credits-2^63": {**CREDITS, "credits": 2**63},
    "uid-NUL": {**CREDITS, "uid": "u-\x001"},
    "serial-NUL": {**CREDITS, "serialNo": "I3883647101\x0057766657"},
    "serial-21": {**CREDITS, "serialNo": "I" + "3" * 20},
    "mall-7": {**CREDITS, "mall_no": "JF_0001"},
    "product-no-NUL": with_goods(product_no="CUP\x00500"),
    "product-no-21": with_goods(product_no="C" * 21),
}
ALSO_OUT_OF_BOUNDS = {  # refused already by the first parser: kept refused, now in JSON bodies too
    "credits-gain-negative": with_prize(CREDITS, credits_gain=-100),
    "credits-gain-fraction": with_prize(CREDITS, credits_gain=1.5),
    "uid-65": {**CREDITS, "uid": "u" * 65},
    "prize-type-65": with_prize(CREDITS, type="C" * 65),
    "prize-name-257": with_prize(CREDITS, name="奖" * 257),
    "product-name-256": with_goods(product_name="杯" * 256),
}


@pytest.mark.parametrize("fields", OUT_OF_BOUNDS.values(), ids=OUT_OF_BOUNDS.keys())
async def test_a_signed_push_out_of_bounds_is_refused_and_records_nothing(webhook: Webhook,
                                                                          fields: dict[str, Any]) -> None:
    await refused_as_form_and_as_json(webhook, fields)


@pytest.mark.parametrize("fields", ALSO_OUT_OF_BOUNDS.values(), ids=ALSO_OUT_OF_BOUNDS.keys())
async def test_the_other_bounds_hold_too(webhook: Webhook, fields: dict[str, Any]) -> None:
    await refused_as_form_and_as_json(webhook, fields)


async def refused_as_form_and_as_json(webhook: Webhook, fields: dict[str, Any]) -> None:
    status, body = await webhook.form(signed_form(fields, timestamp=now_s()))
    assert 400 <= status < 500 and body == "fail"
    status, body = await webhook.json(signed_json_body(fields, timestamp=now_s(), nonce="json0nonce0000000001"))
    assert 400 <= status < 500 and body == "fail"
    assert await nothing_recorded()


@pytest.mark.parametrize("nonce", ["n" * 129, "n" * 65, "nonce\x00with0NUL"], ids=["129", "65", "NUL"])
async def test_a_signed_push_with_a_nonce_that_cannot_be_stored_is_refused(webhook: Webhook, nonce: str) -> None:
    status, body = await webhook.form(signed_form(CREDITS, timestamp=now_s(), nonce=nonce))
    assert (status, body) == (400, "fail")
    assert await nothing_recorded()
