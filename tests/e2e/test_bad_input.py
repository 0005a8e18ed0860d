"""Bad input, over HTTP: each refusal is a typed error, never a server error, and nothing is written."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx

from ledger.services.audit import audit
from tests.support import (
    CREATE_API_KEY,
    CREATE_CAMPAIGN,
    GRANT_REWARD,
    ISSUE_MEMBER_TOKEN,
    SeededLedger,
    TenantFixture,
    error_codes,
    ledger_snapshot,
    post_body,
    seed_ledger,
    unknown_id,
)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def send(http: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any] | None = None
               ) -> httpx.Response:
    """Encodes with ASCII escapes, so even text a UTF-8 encoder refuses (lone surrogates) can be sent."""
    return await post_body(http, json.dumps({"query": query, "variables": variables or {}}).encode(), token)


def assert_refused_with_code(response: httpx.Response, code: str = "INVALID_INPUT") -> list[dict[str, Any]]:
    """A top-level error with the code, and no data for the refused field."""
    assert response.status_code == 200, response.text
    body = response.json()
    errors = body.get("errors") or []
    assert errors, body
    assert set(error_codes(errors)) == {code}, body
    assert not any((body.get("data") or {}).values()), body
    return errors


def user_error_codes(response: httpx.Response, operation: str) -> list[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    payload = body["data"][operation]
    assert [v for k, v in payload.items() if k != "userErrors"] == [None] * (len(payload) - 1), payload
    return [e["code"] for e in payload["userErrors"]]


class NothingWritten:
    """`async with NothingWritten():` fails if the block changed the ledger or left it unbalanced."""

    async def __aenter__(self) -> None:
        self.before = await ledger_snapshot()

    async def __aexit__(self, *exc: object) -> None:
        if exc[0] is None:
            assert await ledger_snapshot() == self.before
            report = await audit()
            assert report.ok, report.problems


def grant_input(campaign: str, **overrides: Any) -> dict[str, Any]:
    return {"input": {"campaignId": campaign, "memberId": "m-1", "amount": "100", "idempotencyKey": "bad-1",
                      **overrides}}


# Batches: many cases in one document, as aliases a0, a1, ... (at most 30, the alias limit). GraphQL runs a
# mutation document's fields one after another, so each case is a separate attempt, exactly as if sent alone.
INPUT_TYPES = {"createCampaign": "CreateCampaignInput", "fundCampaign": "FundCampaignInput",
               "grantReward": "GrantRewardInput", "settleReward": "SettleRewardInput",
               "reverseTransfer": "ReverseTransferInput", "issueMemberToken": "IssueMemberTokenInput",
               "createApiKey": "CreateApiKeyInput", "revokeApiKey": "RevokeApiKeyInput"}
PAYLOAD_OBJECTS = {"createCampaign": "campaign { id }", "fundCampaign": "campaign { id } transfer { id }",
                   "grantReward": "reward { id }", "settleReward": "reward { id }",
                   "reverseTransfer": "transfer { id }", "issueMemberToken": "token expiresAt",
                   "createApiKey": "apiKey { id } secret", "revokeApiKey": "apiKey { id }"}
Call = tuple[str, Any]  # a mutation's name and its `input` (anything, for inputs the schema must refuse)


def batch(calls: list[Call]) -> tuple[str, dict[str, Any]]:
    assert len(calls) <= 30
    declarations = ", ".join(f"$v{i}: {INPUT_TYPES[name]}!" for i, (name, _) in enumerate(calls))
    fields = " ".join(f"a{i}: {name}(input: $v{i}) {{ {PAYLOAD_OBJECTS[name]} userErrors {{ field code message }} }}"
                      for i, (name, _) in enumerate(calls))
    return f"mutation({declarations}) {{ {fields} }}", {f"v{i}": value for i, (_, value) in enumerate(calls)}


async def user_errors_of(http: httpx.AsyncClient, token: str, calls: list[Call]) -> list[list[dict[str, Any]]]:
    """Each call's userErrors; every call must have been refused with them, and with nothing else."""
    document, variables = batch(calls)
    response = await send(http, token, document, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    answers = []
    for i, call in enumerate(calls):
        payload = body["data"][f"a{i}"]
        assert all(v is None for k, v in payload.items() if k != "userErrors"), (call, payload)
        answers.append(payload["userErrors"])
    return answers


async def assert_each_refused_with(http: httpx.AsyncClient, token: str, calls: list[Call], code: str,
                                   field: str | None = None) -> None:
    for call, errors in zip(calls, await user_errors_of(http, token, calls), strict=True):
        assert [e["code"] for e in errors] == [code], call
        if field is not None:
            assert errors[0]["field"] == ["input", field], call


async def assert_each_invalid_before_running(http: httpx.AsyncClient, token: str, calls: list[Call]
                                             ) -> list[dict[str, Any]]:
    """The variables of every call are refused while the document is validated: one error each."""
    document, variables = batch(calls)
    errors = assert_refused_with_code(await send(http, token, document, variables))
    refused = sorted(int(e["message"].split("'$v", 1)[1].split("'", 1)[0]) for e in errors)
    assert refused == list(range(len(calls))), errors
    return errors


# Every mutation that takes an idempotency key, with a valid input for a seeded ledger.
def keyed_mutations(seeded: SeededLedger) -> list[Call]:
    return [
        ("createCampaign", {"name": "Autumn", "asset": "CNY"}),
        ("fundCampaign", {"campaignId": seeded.campaign, "amount": "100"}),
        ("grantReward", {"campaignId": seeded.campaign, "memberId": "m-1", "amount": "100"}),
        ("settleReward", {"rewardId": seeded.held_reward, "action": "POST"}),
        ("reverseTransfer", {"transferId": seeded.transfer}),
    ]


# ---------------------------------------------------------------------------------------------------------
# Amounts


async def test_zero_or_negative_amounts_are_invalid_amount_and_write_nothing(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    calls = [call for amount in ("0", "-1", "-0", 0, -5, "-9223372036854775808") for call in (
        ("fundCampaign", {"campaignId": seeded.campaign, "amount": amount, "idempotencyKey": "a"}),
        ("grantReward", grant_input(seeded.campaign, amount=amount)["input"]),
        ("settleReward", {"rewardId": seeded.held_reward, "action": "POST", "amount": amount, "idempotencyKey": "a"}),
    )]
    async with NothingWritten():
        await assert_each_refused_with(http, tenant.admin, calls, "INVALID_AMOUNT", field="amount")


NOT_WHOLE_64_BIT_NUMBERS = ["1.5", "1e3", "abc", "", " 5", "5 ", "5\n", "+5", "1_000", "0x10", "١٢٣", "12.0",
                            "9223372036854775808", "-9223372036854775809", "99999999999999999999",
                            1.5, 1000.0, True, False, [1], {"amount": 1}, 2**63, -(2**63) - 1, 2**64]


async def test_amounts_that_are_not_whole_64_bit_numbers_are_refused_before_anything_runs(
        http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    calls = [("grantReward", grant_input(seeded.campaign, amount=amount)["input"])
             for amount in NOT_WHOLE_64_BIT_NUMBERS]
    async with NothingWritten():
        errors = await assert_each_invalid_before_running(http, tenant.operator, calls)
    assert all("MinorUnits" in e["message"] and ".amount" in e["message"] for e in errors), errors


async def test_amount_literals_that_are_not_whole_64_bit_numbers_are_refused(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    literals = ["1.5", "1e3", "abc", '"1.5"', '"1e3"', '"abc"', "99999999999999999999", '"99999999999999999999"',
                "true", "null", "[1]", "{a: 1}"]
    fields = " ".join(f'a{i}: grantReward(input: {{campaignId: "{seeded.campaign}", memberId: "m-1", '
                      f'amount: {literal}, idempotencyKey: "lit"}}) {{ reward {{ id }} }}'
                      for i, literal in enumerate(literals))
    async with NothingWritten():
        errors = assert_refused_with_code(await send(http, tenant.operator, f"mutation {{ {fields} }}"))
    assert len(errors) == len(literals) and all("MinorUnits" in e["message"] for e in errors), errors


async def test_a_raw_json_number_with_a_fraction_or_exponent_is_refused(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    numbers = [b"1e3", b"1.0", b"1E2", b"100.5"]
    document, _ = batch([("grantReward", None)] * len(numbers))
    variables = b", ".join(b'"v%d": {"campaignId": "%s", "memberId": "m-1", "amount": %s, "idempotencyKey": "raw"}'
                           % (i, seeded.campaign.encode(), number) for i, number in enumerate(numbers))
    body = b'{"query": %s, "variables": {%s}}' % (json.dumps(document).encode(), variables)
    async with NothingWritten():
        errors = assert_refused_with_code(await post_body(http, body, tenant.operator))
    assert len(errors) == len(numbers) and all("MinorUnits" in e["message"] for e in errors), errors


async def test_amounts_are_accepted_as_a_string_of_digits_or_an_int(gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    for key, amount in (("s", "250"), ("i", 250), ("z", "0250")):
        data = await gql(GRANT_REWARD, grant_input(seeded.campaign, amount=amount, idempotencyKey=key),
                         token=tenant.operator)
        assert data["grantReward"]["userErrors"] == []
        assert data["grantReward"]["reward"]["amount"]["amount"] == "250"
    literal = await gql(f'mutation {{ grantReward(input: {{campaignId: "{seeded.campaign}", memberId: "m-1", '
                        f'amount: 7, idempotencyKey: "lit"}}) {{ reward {{ amount {{ amount }} }} }} }}',
                        token=tenant.operator)
    assert literal["grantReward"]["reward"]["amount"]["amount"] == "7"


async def test_the_largest_64_bit_amount_is_parsed_and_refused_only_for_want_of_funds(
        http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    async with NothingWritten():
        response = await send(http, tenant.operator, GRANT_REWARD,
                              grant_input(seeded.campaign, amount="9223372036854775807"))
        assert user_error_codes(response, "grantReward") == ["INSUFFICIENT_FUNDS"]


async def test_posting_more_than_a_hold_is_invalid_amount_and_voiding_with_an_amount_is_invalid_input(
        http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)  # the held reward holds 500
    async with NothingWritten():
        over, void = await user_errors_of(http, tenant.operator, [
            ("settleReward", {"rewardId": seeded.held_reward, "action": "POST", "amount": "501",
                              "idempotencyKey": "s"}),
            ("settleReward", {"rewardId": seeded.held_reward, "action": "VOID", "amount": "100",
                              "idempotencyKey": "s"})])
    assert [e["code"] for e in over] == ["INVALID_AMOUNT"]
    assert [e["code"] for e in void] == ["INVALID_INPUT"]


# ---------------------------------------------------------------------------------------------------------
# Assets


async def test_creating_a_campaign_in_an_unknown_asset_is_invalid_input(http, gql, tenant: TenantFixture):
    calls = [("createCampaign", {"name": "Bad", "asset": asset, "idempotencyKey": "c"})
             for asset in ("USD", "", "cny", "CNY ", "CNY\n", "COUPON", "COUPON:", "COUPON:two words",
                           "COUPON:T1\n", "GOODS:" + "x" * 65, "TICKET:T1", "COUPON:T1:T2")]
    async with NothingWritten():
        await assert_each_refused_with(http, tenant.admin, calls, "INVALID_INPUT", field="asset")
    for key, asset in enumerate(("CREDITS", "COUPON:T1", "GOODS:sku-1.2_b", "GOODS:" + "x" * 64)):
        assert await gql.create_campaign(tenant.admin, asset=asset, key=f"c-{key}")


async def test_an_asset_other_than_the_campaigns_is_asset_mismatch(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)  # a CNY campaign
    calls = [call for asset in ("CREDITS", "USD", "cny", "") for call in (
        ("grantReward", grant_input(seeded.campaign, asset=asset)["input"]),
        ("fundCampaign", {"campaignId": seeded.campaign, "amount": "100", "idempotencyKey": "f", "asset": asset}))]
    async with NothingWritten():
        await assert_each_refused_with(http, tenant.admin, calls, "ASSET_MISMATCH", field="asset")
    granted = await gql.grant(tenant.operator, seeded.campaign, "m-1", 100, "ok", asset="CNY")
    assert granted["userErrors"] == [] and granted["reward"]["amount"]["asset"] == "CNY"


# ---------------------------------------------------------------------------------------------------------
# IDs, cursors and page sizes

MALFORMED_IDS = ["", "garbage", "!!!", "Q2FtcGFpZ24", b64("Campaign:abc"), b64("Campaign:0"), b64("Campaign:-1"),
                 b64("Campaign:"), b64("Campaign:99999999999999999999"), b64("Campaign:9223372036854775808"),
                 b64("Campaign: 1"), b64("Campaign:1\n"), b64("Campaign:١"), "Q2FtcGFpZ246MQ==\n", "x" * 10_000]


def aliased(operation: str, field: str, argument: str, type_name: str, selection: str, values: list[Any]
            ) -> tuple[str, dict[str, Any]]:
    """One document asking `field` once per value, as aliases a0, a1, ...: many cases, one round trip."""
    declarations = ", ".join(f"$v{i}: {type_name}" for i in range(len(values)))
    fields = " ".join(f"a{i}: {field}({argument}: $v{i}) {selection}" for i in range(len(values)))
    return f"{operation}({declarations}) {{ {fields} }}", {f"v{i}": value for i, value in enumerate(values)}


async def test_malformed_ids_in_mutations_answer_like_unknown_ids_and_write_nothing(
        http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    cases = [("fundCampaign", "FundCampaignInput!", "campaign", tenant.admin, "Campaign",
              lambda i: {"campaignId": i, "amount": "1", "idempotencyKey": "m"}),
             ("grantReward", "GrantRewardInput!", "reward", tenant.operator, "Campaign",
              lambda i: {"campaignId": i, "memberId": "m-1", "amount": "1", "idempotencyKey": "m"}),
             ("settleReward", "SettleRewardInput!", "reward", tenant.operator, "Reward",
              lambda i: {"rewardId": i, "action": "VOID", "idempotencyKey": "m"}),
             ("reverseTransfer", "ReverseTransferInput!", "transfer", tenant.operator, "Transfer",
              lambda i: {"transferId": i, "idempotencyKey": "m"}),
             ("revokeApiKey", "RevokeApiKeyInput!", "apiKey", tenant.admin, "ApiKey", lambda i: {"apiKeyId": i})]
    # An ID of the wrong type is malformed too: a reward's ID never names a campaign.
    wrong_type = {"Campaign": seeded.reward, "Reward": seeded.campaign, "Transfer": seeded.reward,
                  "ApiKey": seeded.campaign}
    async with NothingWritten():
        for operation, input_type, payload_object, token, type_name, make_input in cases:
            selection = f"{{ {payload_object} {{ id }} userErrors {{ field code message }} }}"
            bad = [make_input(unknown_id(type_name))] + [make_input(i) for i in [*MALFORMED_IDS, wrong_type[type_name]]]
            document, variables = aliased("mutation", operation, "input", input_type, selection, bad)
            response = await send(http, token, document, variables)
            assert response.status_code == 200, operation
            answers = response.json()["data"]
            unknown = answers.pop("a0")
            assert unknown[payload_object] is None, operation
            assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"], operation
            for alias, answer in answers.items():
                assert answer == unknown, (operation, bad[int(alias[1:])])


async def test_malformed_ids_in_reads_answer_null(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    for field in ("node", "reward", "campaign", "account", "transfer"):
        bad = [*MALFORMED_IDS, b64("Nope:1"), b64(":1"), seeded.event if field != "node" else b64("Event:")]
        document, variables = aliased("query", field, "id", "ID!", "{ id }", bad)
        response = await send(http, tenant.viewer, document, variables)
        assert response.status_code == 200, field
        assert response.json() == {"data": {f"a{i}": None for i in range(len(bad))}}, field


async def test_a_malformed_id_in_a_filter_is_invalid_input(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    for field, filter_name, wrong_type in (("rewards", "campaignId", seeded.reward),
                                           ("transfers", "accountId", seeded.campaign),
                                           ("transfers", "rewardId", seeded.transfer)):
        for bad in ["garbage", b64("Campaign:abc"), b64("Campaign:0"), wrong_type]:
            response = await send(http, tenant.viewer,
                                  f"query($id: ID!) {{ {field}(filter: {{{filter_name}: $id}}) {{ totalCount }} }}",
                                  {"id": bad})
            [error] = assert_refused_with_code(response)
            assert filter_name in error["message"], (field, bad)


MALFORMED_CURSORS = ["!!!", "abc", "", "Y3Vyc29yOjE", b64("cursor:"), b64("cursor:-1"), b64("cursor:abc"),
                     b64("cursor:1.5"), b64("other:5"), b64("Reward:1"), b64("cursor:١"),
                     b64("cursor:99999999999999999999"), b64("cursor:9999999999999999999"),
                     b64("cursor:9223372036854775808"), "x" * 10_000]


async def test_a_malformed_cursor_is_invalid_input(http, tenant: TenantFixture):
    # Every connection decodes `after` the same way: all cases on one, two on each of the others.
    cases = [("rewards", cursor) for cursor in MALFORMED_CURSORS] + [
        (field, cursor) for field in ("campaigns", "accounts", "transfers") for cursor in MALFORMED_CURSORS[-3:-1]]
    for field, cursor in cases:
        response = await send(http, tenant.admin, f"query($after: String) {{ {field}(after: $after) "
                                                  "{ totalCount } }", {"after": cursor})
        [error] = assert_refused_with_code(response)
        assert error["path"] == [field] and error["message"].startswith("after:"), (field, cursor)
    largest = await send(http, tenant.admin, "query($after: String) { rewards(after: $after) { totalCount } }",
                         {"after": b64("cursor:9223372036854775807")})
    assert largest.json() == {"data": {"rewards": {"totalCount": 0}}}


async def test_a_page_size_outside_0_to_100_is_invalid_input(http, tenant: TenantFixture):
    cases = [("rewards", first) for first in (101, -1, 1_000_000, 2**31, -(2**31) - 1)] + [
        (field, first) for field in ("campaigns", "accounts", "transfers", "events") for first in (101, -1)]
    for field, first in cases:
        response = await send(http, tenant.admin, f"query($first: Int) {{ {field}(first: $first) "
                                                  "{ totalCount } }", {"first": first})
        [error] = assert_refused_with_code(response)
        if abs(first) < 2**31:  # beyond that it is not even a GraphQL Int
            assert error["path"] == [field] and error["message"].startswith("first:"), (field, first)
    events = await send(http, tenant.admin, "{ events(after: -1) { totalCount } }")
    assert_refused_with_code(events)
    edges = await send(http, tenant.admin, "{ a: rewards(first: 0) { totalCount } b: rewards(first: 100) "
                                           "{ totalCount } c: events(first: 100, after: 0) { totalCount } }")
    assert edges.json() == {"data": {"a": {"totalCount": 0}, "b": {"totalCount": 0}, "c": {"totalCount": 0}}}


# ---------------------------------------------------------------------------------------------------------
# Idempotency keys


async def test_a_missing_idempotency_key_is_a_validation_error(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    calls = keyed_mutations(seeded) + [(name, {**fields, "idempotencyKey": None})
                                       for name, fields in keyed_mutations(seeded)]
    async with NothingWritten():
        errors = await assert_each_invalid_before_running(http, tenant.admin, calls)
        assert all("idempotencyKey" in e["message"] for e in errors), errors
        literal = (f'mutation {{ grantReward(input: {{campaignId: "{seeded.campaign}", memberId: "m-1", '
                   f'amount: "1"}}) {{ reward {{ id }} }} }}')
        [error] = assert_refused_with_code(await send(http, tenant.operator, literal))
        assert "idempotencyKey" in error["message"]


async def test_a_blank_or_oversized_idempotency_key_is_invalid_input(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    calls = [(name, {**fields, "idempotencyKey": key}) for name, fields in keyed_mutations(seeded)
             for key in ("", " ", "\t\n", "k" * 256)]
    async with NothingWritten():
        await assert_each_refused_with(http, tenant.admin, calls, "INVALID_INPUT", field="idempotencyKey")


async def test_the_same_key_with_a_different_input_is_idempotency_key_reused(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    first = await gql.grant(tenant.operator, seeded.campaign, "m-1", 100, "once")
    assert first["userErrors"] == []
    calls = [("grantReward", grant_input(seeded.campaign, idempotencyKey="once", **changed)["input"])
             for changed in ({"amount": "101"}, {"memberId": "m-2"}, {"hold": True}, {"asset": "CNY"})]
    calls.append(("createCampaign", {"name": "Autumn", "asset": "CNY", "idempotencyKey": "once"}))
    async with NothingWritten():
        await assert_each_refused_with(http, tenant.admin, calls, "IDEMPOTENCY_KEY_REUSED", field="idempotencyKey")


async def test_the_same_key_with_the_same_input_returns_the_same_reward_and_writes_nothing_more(
        gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    first = await gql.grant(tenant.operator, seeded.campaign, "m-1", 100, "once")
    async with NothingWritten():
        again = await gql.grant(tenant.operator, seeded.campaign, "m-1", "100", "once")
        as_int = await gql(GRANT_REWARD, grant_input(seeded.campaign, amount=100, idempotencyKey="once"),
                           token=tenant.operator)
    assert again == first
    assert as_int["grantReward"]["reward"]["id"] == first["reward"]["id"]


async def test_a_refused_write_does_not_use_up_its_key(gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)  # 10 000 funded, 1 500 granted or held
    refused = await gql.grant(tenant.operator, seeded.campaign, "m-1", 9_000, "retry-me")
    assert [e["code"] for e in refused["userErrors"]] == ["INSUFFICIENT_FUNDS"]
    await gql.fund(tenant.admin, seeded.campaign, 1_000, key="top-up")
    retried = await gql.grant(tenant.operator, seeded.campaign, "m-1", 9_000, "retry-me")
    assert retried["userErrors"] == [] and retried["reward"]["amount"]["amount"] == "9000"


# ---------------------------------------------------------------------------------------------------------
# Other fields


async def test_bad_names_member_ids_roles_and_durations_are_invalid_input(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    calls = [
        ("createCampaign", {"name": "", "asset": "CNY", "idempotencyKey": "n"}),
        ("createCampaign", {"name": "   ", "asset": "CNY", "idempotencyKey": "n"}),
        ("createCampaign", {"name": "x" * 201, "asset": "CNY", "idempotencyKey": "n"}),
        ("grantReward", grant_input(seeded.campaign, memberId="")["input"]),
        ("grantReward", grant_input(seeded.campaign, memberId=" m-1")["input"]),
        ("grantReward", grant_input(seeded.campaign, memberId="m" * 65)["input"]),
        ("grantReward", grant_input(seeded.campaign, holdTimeoutSeconds=60)["input"]),
        ("grantReward", grant_input(seeded.campaign, hold=True, holdTimeoutSeconds=0)["input"]),
        ("grantReward", grant_input(seeded.campaign, hold=True, holdTimeoutSeconds=-5)["input"]),
        ("issueMemberToken", {"memberId": "m-1", "ttlSeconds": 59}),
        ("issueMemberToken", {"memberId": "m-1", "ttlSeconds": 31 * 86400}),
        ("issueMemberToken", {"memberId": ""}),
        ("createApiKey", {"role": "MEMBER"}),
    ]
    async with NothingWritten():
        await assert_each_refused_with(http, tenant.admin, calls, "INVALID_INPUT")


async def test_values_outside_the_schema_are_validation_errors(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    calls = [
        ("createApiKey", {"role": "ROOT"}),
        ("settleReward", {"rewardId": seeded.held_reward, "action": "MAYBE", "idempotencyKey": "v"}),
        ("grantReward", grant_input(seeded.campaign, hold="yes")["input"]),
        ("grantReward", grant_input(seeded.campaign, holdTimeoutSeconds=2**31)["input"]),
        ("grantReward", grant_input(seeded.campaign, memberId=5)["input"]),
        ("grantReward", grant_input(seeded.campaign, surprise="field")["input"]),
        ("grantReward", None),
        ("grantReward", [grant_input(seeded.campaign)["input"]]),
    ]
    async with NothingWritten():
        await assert_each_invalid_before_running(http, tenant.admin, calls)


async def test_text_no_database_can_store_is_refused_without_a_server_error(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    async with NothingWritten():
        for text in ("m\x00-1", "m\udfff-1"):
            for document, token, variables in (
                (GRANT_REWARD, tenant.operator, grant_input(seeded.campaign, memberId=text)),
                (GRANT_REWARD, tenant.operator, grant_input(seeded.campaign, idempotencyKey=text)),
                (GRANT_REWARD, tenant.operator, grant_input(seeded.campaign, asset=text)),
                (CREATE_CAMPAIGN, tenant.admin, {"input": {"name": text, "asset": "CNY", "idempotencyKey": "t"}}),
                (CREATE_API_KEY, tenant.admin, {"input": {"role": "VIEWER", "label": text}}),
                (ISSUE_MEMBER_TOKEN, tenant.operator, {"input": {"memberId": text}}),
                ("query($t: String) { rewards(filter: {memberId: $t}) { totalCount } }", tenant.viewer, {"t": text}),
                ("query($t: String) { rewards(filter: {provider: $t}) { totalCount } }", tenant.viewer, {"t": text}),
                ("query($t: String) { accounts(filter: {asset: $t}) { totalCount } }", tenant.viewer, {"t": text}),
                ("query($t: String) { accounts(filter: {memberId: $t}) { totalCount } }", tenant.viewer, {"t": text}),
            ):
                response = await send(http, token, document, variables)
                assert response.status_code == 200, (text, document)
                body = response.json()
                # Refused as a top-level error or as a userError, but as INVALID_INPUT either way.
                codes = error_codes(body.get("errors") or []) or [
                    e["code"] for payload in body["data"].values() for e in payload["userErrors"]]
                assert codes and set(codes) == {"INVALID_INPUT"}, (repr(text), document, body)
        literal = '{ rewards(filter: {memberId: "m\\u0000-1"}) { totalCount } }'
        assert_refused_with_code(await send(http, tenant.viewer, literal))


async def test_a_datetime_filter_outside_what_can_be_stored_is_invalid_input(http, gql, tenant: TenantFixture):
    await seed_ledger(gql, tenant)  # two rewards
    for value in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "yesterday", "2024-13-01T00:00:00Z",
                  1700000000):
        for bound in ("createdAfter", "createdBefore"):
            response = await send(http, tenant.viewer,
                                  f"query($d: DateTime) {{ rewards(filter: {{{bound}: $d}}) {{ totalCount }} }}",
                                  {"d": value})
            assert_refused_with_code(response)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    data = await gql("""query($east: DateTime, $west: DateTime) {
        after: rewards(filter: {createdAfter: "0001-01-01T00:00:00+00:00"}) { totalCount }
        before: rewards(filter: {createdBefore: "9999-12-31T23:59:59+00:00"}) { totalCount }
        later: rewards(filter: {createdAfter: "9999-12-31T00:00:00+00:00"}) { totalCount }
        east: rewards(filter: {createdAfter: $east}) { totalCount }
        west: rewards(filter: {createdBefore: $west}) { totalCount } }""",
                     {"east": an_hour_ago.astimezone(timezone(timedelta(hours=14))).isoformat(),
                      "west": an_hour_ago.astimezone(timezone(timedelta(hours=-12))).isoformat()},
                     token=tenant.viewer)
    # The same instant written with any offset means the same thing.
    assert data == {"after": {"totalCount": 2}, "before": {"totalCount": 2}, "later": {"totalCount": 0},
                    "east": {"totalCount": 2}, "west": {"totalCount": 0}}


# ---------------------------------------------------------------------------------------------------------
# Query limits and garbage


def nested(depth: int) -> str:
    """A query `depth` levels below its first field (which is level 0, as the depth limit counts):
    rewards > nodes > transfers > reward > transfers > ... > id."""
    inner, path = "id", []
    while len(path) < depth - 2:
        path.append("transfers" if len(path) % 2 == 0 else "reward")
    for name in reversed(path):
        inner = f"{name} {{ {inner} }}"
    return f"{{ rewards {{ nodes {{ {inner} }} }} }}"


async def test_an_over_deep_query_is_refused_with_a_clear_error(http, gql, tenant: TenantFixture):
    assert "rewards" in await gql(nested(10), token=tenant.viewer)  # the limit is 10
    [error] = assert_refused_with_code(await send(http, tenant.viewer, nested(11)))
    assert "depth of 10" in error["message"]


async def test_too_many_aliases_are_refused_with_a_clear_error(http, gql, tenant: TenantFixture):
    assert len(await gql("{" + " ".join(f"a{i}: viewer {{ role }}" for i in range(30)) + "}",
                         token=tenant.viewer)) == 30
    query = "{" + " ".join(f"a{i}: viewer {{ role }}" for i in range(31)) + "}"
    [error] = assert_refused_with_code(await send(http, tenant.viewer, query))
    assert "aliases" in error["message"]


async def test_too_many_tokens_are_refused_with_a_clear_error(http, tenant: TenantFixture):
    query = "{ viewer { role " + "role " * 2000 + "} }"
    [error] = assert_refused_with_code(await send(http, tenant.viewer, query))
    assert "tokens" in error["message"]


async def test_a_syntax_error_is_a_clear_invalid_input_error(http, tenant: TenantFixture):
    for query in ("{ viewer { role }", "mutation {", "{ viewer { role } } }", "query($x: ) { viewer { role } }"):
        [error] = assert_refused_with_code(await send(http, tenant.viewer, query))
        assert error["message"].startswith("Syntax Error"), query


GARBAGE_BODIES = {
    "not-json": (b"this is not json", "application/json"),
    "truncated-json": (b'{"query": "{ viewer { role } }"', "application/json"),
    "json-array": (b'[{"query": "{ viewer { role } }"}]', "application/json"),
    "json-empty-array": (b"[]", "application/json"),
    "json-string": (b'"{ viewer { role } }"', "application/json"),
    "json-number": (b"42", "application/json"),
    "json-null": (b"null", "application/json"),
    "json-true": (b"true", "application/json"),
    "empty-object": (b"{}", "application/json"),
    "empty-body": (b"", "application/json"),
    "query-number": (b'{"query": 42}', "application/json"),
    "query-list": (b'{"query": ["{ viewer { role } }"]}', "application/json"),
    "query-object": (b'{"query": {"a": 1}}', "application/json"),
    "variables-list": (b'{"query": "{ viewer { role } }", "variables": [1]}', "application/json"),
    "variables-string": (b'{"query": "{ viewer { role } }", "variables": "x"}', "application/json"),
    "operation-name-list": (b'{"query": "{ viewer { role } }", "operationName": ["x"]}', "application/json"),
    "extensions-number": (b'{"query": "{ viewer { role } }", "extensions": 5}', "application/json"),
    "invalid-utf8": (b'{"query": "\xff\xfe"}', "application/json"),
    "deeply-nested-json": (b'{"query": "{ viewer { role } }", "variables": {"x": ' + b"[" * 100_000
                           + b"]" * 100_000 + b"}}", "application/json"),
    "form": (b"query=%7B+viewer+%7B+role+%7D+%7D", "application/x-www-form-urlencoded"),
    "text": (b"{ viewer { role } }", "text/plain"),
    "graphql": (b"{ viewer { role } }", "application/graphql"),
    "huge-query": (json.dumps({"query": "{ viewer { role } } #" + "x" * 200_000}).encode(), "application/json"),
    "huge-name": (json.dumps({"query": "{ " + "x" * 200_000 + " }"}).encode(), "application/json"),
    "huge-string-literal": (json.dumps({"query": '{ rewards(filter: {memberId: "' + "m" * 200_000
                                        + '"}) { totalCount } }'}).encode(), "application/json"),
}


async def test_garbage_bodies_get_a_client_error_never_a_server_error(http, tenant: TenantFixture):
    async with NothingWritten():
        for case, (content, content_type) in GARBAGE_BODIES.items():
            response = await post_body(http, content, tenant.operator, content_type)
            assert 400 <= response.status_code < 500 or response.status_code == 200, (case, response.status_code)
            assert "INTERNAL_SERVER_ERROR" not in response.text, case
            if response.status_code == 200:  # a GraphQL answer, which may be an error
                assert response.json().get("errors") or response.json().get("data"), case


async def test_huge_strings_in_variables_are_refused_without_a_server_error(http, gql, tenant: TenantFixture):
    seeded = await seed_ledger(gql, tenant)
    huge = "x" * 200_000
    calls = [("grantReward", grant_input(seeded.campaign, memberId=huge)["input"]),
             ("grantReward", grant_input(seeded.campaign, idempotencyKey=huge)["input"]),
             ("createCampaign", {"name": huge, "asset": "CNY", "idempotencyKey": "h"}),
             ("createCampaign", {"name": "Huge", "asset": huge, "idempotencyKey": "h"}),
             ("issueMemberToken", {"memberId": huge})]
    async with NothingWritten():
        await assert_each_refused_with(http, tenant.admin, calls, "INVALID_INPUT")
        await assert_each_refused_with(http, tenant.admin, [
            ("grantReward", grant_input(seeded.campaign, asset=huge)["input"])], "ASSET_MISMATCH")
        for document in ("query($t: String) { rewards(filter: {memberId: $t}) { totalCount } }",
                         "query($t: String) { rewards(filter: {provider: $t}) { totalCount } }",
                         "query($t: String) { accounts(filter: {asset: $t}) { totalCount } }",
                         "query($t: String) { accounts(filter: {memberId: $t}) { totalCount } }"):
            [error] = assert_refused_with_code(await send(http, tenant.viewer, document, {"t": huge}))
            assert "characters" in error["message"], document
        response = await send(http, tenant.viewer, "query($t: ID!) { reward(id: $t) { id } }", {"t": huge})
        assert response.json() == {"data": {"reward": None}}


async def test_a_filter_string_longer_than_its_column_is_invalid_input(http, gql, tenant: TenantFixture):
    for field, filter_name, column in (("rewards", "memberId", 64), ("rewards", "provider", 40),
                                       ("accounts", "memberId", 64), ("accounts", "asset", 80)):
        document = f"query($t: String) {{ {field}(filter: {{{filter_name}: $t}}) {{ totalCount }} }}"
        [error] = assert_refused_with_code(await send(http, tenant.viewer, document, {"t": "x" * (column + 1)}))
        assert error["message"] == f"filter.{filter_name}: at most {column} characters"
        fits = await send(http, tenant.viewer, document, {"t": "x" * column})
        assert fits.json() == {"data": {field: {"totalCount": 0}}}, (field, filter_name)


async def test_an_unauthenticated_garbage_body_is_still_just_401(http):
    response = await post_body(http, b"\x00\x01garbage", None)
    assert response.status_code == 401
    assert error_codes(response.json()["errors"]) == ["UNAUTHENTICATED"]
