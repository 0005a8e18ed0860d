"""A client's mistake is one INFO line with no echo of its input; only our own failures log at ERROR."""

from __future__ import annotations

import logging

import pytest

from tests.support import GRANT_REWARD, GraphQLClient, TenantFixture

MARKER = "not-a-number-7f3a"


async def test_a_malformed_amount_is_one_info_line_without_the_input(gql: GraphQLClient, tenant: TenantFixture,
                                                                     caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    variables = {"input": {"campaignId": "x", "memberId": "m", "amount": MARKER, "idempotencyKey": "k"}}
    status, errors = await gql.errors(GRANT_REWARD, variables, token=tenant.operator)

    assert status == 200 and errors[0]["extensions"]["code"] == "INVALID_INPUT"
    records = [record for record in caplog.records if record.name == "api.errors"]
    assert [record.levelno for record in records] == [logging.INFO]
    assert records[0].exc_info is None
    assert MARKER not in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_weak_role_is_logged_as_the_client_s_error(gql: GraphQLClient, tenant: TenantFixture,
                                                            caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO)
    status, errors = await gql.errors('mutation { createCampaign(input: {name: "n", asset: "CNY", '
                                      'idempotencyKey: "k"}) { campaign { id } } }', token=tenant.viewer)

    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "api.errors"] == [
        (logging.INFO, "client error FORBIDDEN at createCampaign")]
