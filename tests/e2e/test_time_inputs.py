"""Every DateTime input is an instant in years 1-9999 once in UTC; others are the client's error, never a
server error (PostgreSQL cannot compare a time in year 0)."""

from __future__ import annotations

import pytest

from tests.support import GraphQLClient, TenantFixture, error_codes

OUT_OF_RANGE = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-13-01T00:00:00Z", "yesterday",
                "2026-01-01T00:00:00" + "0" * 100]


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
@pytest.mark.parametrize("query", [
    "query($t: DateTime!) { redPacketSends(filter: {createdAfter: $t}) { totalCount } }",
    "query($t: DateTime!) { rewards(filter: {createdAfter: $t}) { totalCount } }",
])
async def test_a_time_outside_the_calendar_in_utc_is_invalid_input(gql: GraphQLClient, tenant: TenantFixture,
                                                                    query: str, moment: str):
    status, errors = await gql.errors(query, {"t": moment}, token=tenant.viewer)
    assert status == 200 and error_codes(errors) == ["INVALID_INPUT"], errors


async def test_a_time_with_an_offset_filters_by_the_instant_it_names(gql: GraphQLClient, tenant: TenantFixture):
    campaign = await gql.create_campaign(tenant.admin)
    await gql.fund(tenant.admin, campaign, 1_000)
    await gql.grant(tenant.operator, campaign, "m1", 10, "g-1")
    query = "query($t: DateTime!) { rewards(filter: {createdAfter: $t}) { totalCount } }"
    earlier = (await gql(query, {"t": "2000-01-01T08:00:00+08:00"}, token=tenant.viewer))["rewards"]["totalCount"]
    later = (await gql(query, {"t": "9999-01-01T00:00:00+14:00"}, token=tenant.viewer))["rewards"]["totalCount"]
    assert (earlier, later) == (1, 0)
