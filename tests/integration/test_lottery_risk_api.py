"""The lottery risk controls' GraphQL: who may read and change them, and how input is checked.

The schema is the app's own (`build_schema`, with its error policy) with the lottery risk parts merged in,
as the schema module will once they are registered there.
"""

from __future__ import annotations

from typing import Any

import pytest
import strawberry

from api import schema as schema_module
from api.context import AppContext
from api.lottery_risk_api import LotteryRiskMutation, LotteryRiskQuery
from ledger.domain import clock
from ledger.domain.access import Principal, Role
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.persistence.risk_models import LotteryBlock, LotteryRiskRules, MemberVerification
from ledger.services import access
from ledger.services import lottery_risk as risk

MONEY = "{ amount asset formatted }"
RULES = f"""enabled requireRealName maxTicketPrize {MONEY} maxTicketsPerDay maxAmountPerDay {MONEY}
  maxFailuresPerDay minIntervalSeconds serviceHours suspensionHours suspensionsBeforeBlocklist"""
USER_ERRORS = "userErrors { field code message }"
SET_RULES = f"""mutation($input: SetLotteryRiskRulesInput!) {{
  setLotteryRiskRules(input: $input) {{ rules {{ {RULES} }} {USER_ERRORS} }} }}"""
SET_VERIFICATION = f"""mutation($input: SetMemberVerificationInput!) {{
  setMemberVerification(input: $input) {{ memberId realNameVerified {USER_ERRORS} }} }}"""
SET_BLOCK = f"""mutation($input: SetLotteryBlockInput!) {{ setLotteryBlock(input: $input) {{ {USER_ERRORS} }} }}"""
READ_RULES = f"{{ lotteryRiskRules {{ {RULES} }} }}"
READ_REFUSALS = "query($day: Date) { lotteryRiskRefusals(day: $day) { code count } }"


def schema_with_lottery_risk() -> strawberry.Schema:
    def with_part(parts: tuple[type, ...], part: type) -> tuple[type, ...]:
        return parts if part in parts else (*parts, part)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema_module, "QUERY_PARTS", with_part(schema_module.QUERY_PARTS, LotteryRiskQuery))
        patch.setattr(schema_module, "MUTATION_PARTS", with_part(schema_module.MUTATION_PARTS, LotteryRiskMutation))
        return schema_module.build_schema()


SCHEMA = schema_with_lottery_risk()


@pytest.fixture
async def tenant_id() -> int:
    return (await access.create_tenant("Acme")).id


async def run(tenant_id: int, role: Role, document: str, variables: dict[str, Any] | None = None
              ) -> tuple[dict[str, Any] | None, list[str]]:
    """Executes as a principal of `role`; returns data and the top-level errors' codes."""
    principal = Principal(tenant_id=tenant_id, role=role, member_id="m-1" if role is Role.MEMBER else None)
    result = await SCHEMA.execute(document, variable_values=variables, context_value=AppContext(principal=principal))
    codes = [(error.extensions or {}).get("code", "") for error in result.errors or []]
    return result.data, codes


async def test_the_rules_read_as_the_defaults_until_an_admin_changes_them(tenant_id: int):
    data, errors = await run(tenant_id, Role.VIEWER, READ_RULES)

    assert errors == []
    assert data == {"lotteryRiskRules": {
        "enabled": True, "requireRealName": True,
        "maxTicketPrize": {"amount": "1000000", "asset": "CNY", "formatted": "¥10,000.00"},
        "maxTicketsPerDay": 20,
        "maxAmountPerDay": {"amount": "1000000", "asset": "CNY", "formatted": "¥10,000.00"},
        "maxFailuresPerDay": 10, "minIntervalSeconds": 15, "serviceHours": "01:00-23:00",
        "suspensionHours": 24, "suspensionsBeforeBlocklist": 3}}


async def test_an_omitted_field_keeps_its_rule_and_a_null_one_switches_it_off(tenant_id: int):
    data, errors = await run(tenant_id, Role.ADMIN, SET_RULES, {"input": {
        "maxTicketPrize": "50000", "maxTicketsPerDay": None, "maxAmountPerDay": None, "serviceHours": "00:00-24:00"}})

    assert errors == []
    payload = data["setLotteryRiskRules"] if data else {}
    assert payload["userErrors"] == []
    rules = payload["rules"]
    assert (rules["maxTicketPrize"]["amount"], rules["maxTicketsPerDay"], rules["maxAmountPerDay"]) == \
        ("50000", None, None)
    assert (rules["serviceHours"], rules["minIntervalSeconds"], rules["requireRealName"]) == \
        ("00:00-24:00", 15, True)
    stored = await LotteryRiskRules.get(tenant_id=tenant_id)
    assert (stored.max_ticket_prize_fen, stored.max_tickets_per_day, stored.min_interval_seconds) == (50_000, None, 15)


@pytest.mark.parametrize(("field", "value"), [
    ("serviceHours", "23:00-01:00"), ("maxTicketPrize", "-1"), ("maxTicketsPerDay", -5),
    ("requireRealName", None), ("enabled", None), ("suspensionsBeforeBlocklist", 0),
])
async def test_invalid_rules_are_user_errors_naming_the_input_field(tenant_id: int, field: str, value: Any):
    data, errors = await run(tenant_id, Role.ADMIN, SET_RULES, {"input": {"minIntervalSeconds": 60, field: value}})

    assert errors == []
    payload = data["setLotteryRiskRules"] if data else {}
    assert payload["rules"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", field], "INVALID_INPUT")]
    assert await LotteryRiskRules.all().count() == 0


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VIEWER, Role.MEMBER])
async def test_only_admins_change_the_rules(tenant_id: int, role: Role):
    data, errors = await run(tenant_id, role, SET_RULES, {"input": {"enabled": False}})

    assert errors == ["FORBIDDEN"]
    assert data is None
    assert (await risk.get_rules(tenant_id)).enabled is True


async def test_members_may_not_read_the_rules_or_the_refusals(tenant_id: int):
    for document in (READ_RULES, READ_REFUSALS):
        data, errors = await run(tenant_id, Role.MEMBER, document)
        assert (data, errors) == (None, ["FORBIDDEN"])


async def test_operators_set_member_verification_and_viewers_may_not(tenant_id: int):
    variables = {"input": {"memberId": "m-7", "realNameVerified": True}}
    _, errors = await run(tenant_id, Role.VIEWER, SET_VERIFICATION, variables)
    assert errors == ["FORBIDDEN"]
    assert await MemberVerification.all().count() == 0

    data, errors = await run(tenant_id, Role.OPERATOR, SET_VERIFICATION, variables)
    assert (data, errors) == ({"setMemberVerification": {"memberId": "m-7", "realNameVerified": True,
                                                          "userErrors": []}}, [])
    assert await MemberVerification.exists(tenant_id=tenant_id, member_id="m-7", real_name_verified=True)


async def test_a_bad_member_id_is_a_user_error(tenant_id: int):
    data, errors = await run(tenant_id, Role.OPERATOR, SET_VERIFICATION,
                             {"input": {"memberId": "x" * 65, "realNameVerified": True}})

    assert errors == []
    payload = data["setMemberVerification"] if data else {}
    assert (payload["memberId"], [(e["field"], e["code"]) for e in payload["userErrors"]]) == \
        (None, [(["input", "memberId"], "INVALID_INPUT")])


async def test_an_admin_block_refuses_the_member_and_lifting_it_admits_again(tenant_id: int):
    await risk.set_rules(tenant_id, require_real_name=False, service_hours=None, min_interval_seconds=None)
    block = {"kind": "MEMBER", "value": "m-9", "blocked": True, "reason": "chargebacks"}
    _, errors = await run(tenant_id, Role.OPERATOR, SET_BLOCK, {"input": block})
    assert errors == ["FORBIDDEN"]

    data, errors = await run(tenant_id, Role.ADMIN, SET_BLOCK, {"input": block})
    assert (data, errors) == ({"setLotteryBlock": {"userErrors": []}}, [])
    with pytest.raises(LedgerError) as refused:
        await risk.admit(tenant_id, "m-9", "198.51.100.1")
    assert refused.value.code is ErrorCode.RISK_MEMBER_BLOCKED

    await run(tenant_id, Role.ADMIN, SET_BLOCK, {"input": {**block, "blocked": False}})
    await risk.admit(tenant_id, "m-9", "198.51.100.1")


async def test_blocking_something_that_is_no_ip_address_is_a_user_error(tenant_id: int):
    data, errors = await run(tenant_id, Role.ADMIN, SET_BLOCK,
                             {"input": {"kind": "IP", "value": "localhost", "blocked": True}})

    assert errors == []
    assert data == {"setLotteryBlock": {"userErrors": [
        {"field": ["input", "value"], "code": "INVALID_INPUT", "message": "value must be an IPv4 or IPv6 address"}]}}
    assert await LotteryBlock.all().count() == 0


async def test_viewers_read_the_days_refusal_counts(tenant_id: int):
    await risk.set_rules(tenant_id, service_hours=None)
    for _ in range(2):
        with pytest.raises(LedgerError):
            await risk.admit(tenant_id, "unverified", "198.51.100.1")
    today = clock.now().astimezone(risk.BEIJING).date()

    data, errors = await run(tenant_id, Role.VIEWER, READ_REFUSALS, {"day": today.isoformat()})
    assert (data, errors) == ({"lotteryRiskRefusals": [{"code": "RISK_REAL_NAME_REQUIRED", "count": 2}]}, [])
    data, _ = await run(tenant_id, Role.VIEWER, READ_REFUSALS, {"day": "2001-01-01"})
    assert data == {"lotteryRiskRefusals": []}


async def test_the_schema_has_the_contracts_names():
    sdl = SCHEMA.as_str()
    for name in ("requireRealName: Boolean", "maxTicketsPerDay: Int", "maxAmountPerDay: MinorUnits",
                 "maxFailuresPerDay: Int", "minIntervalSeconds: Int", "serviceHours: String", "enabled: Boolean",
                 "setMemberVerification(input: SetMemberVerificationInput!): SetMemberVerificationPayload!",
                 "setLotteryRiskRules(input: SetLotteryRiskRulesInput!): SetLotteryRiskRulesPayload!",
                 "lotteryRiskRules: LotteryRiskRules!", "lotteryRiskRefusals(day: Date = null): [RiskRefusalCount!]!"):
        assert name in sdl
