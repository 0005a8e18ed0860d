"""The seed's printed requests and samples (tests/fixtures/seeds/red-packet/) against the adapter: every
request sends only the parameters the seed's tables list (plus the documented extras) and all it requires,
in the types they give, and PROTOCOLS §4's quotes agree with the samples. Without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from providers.red_packet.settings import parse_settings
from providers.red_packet.wire_requests import (
    MAX_PAGE_SIZE,
    SEND,
    SendsFilter,
    group_send_body,
    list_group_sends_body,
    list_sends_body,
    resend_body,
    scan_send_body,
    send_body,
    update_status_body,
    with_app_sign,
)
from tests.red_packet_seed import ENDPOINTS, protocols_quote, seed_answer, seed_params

NOON = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
SEED_LIST = seed_answer("list-sends")
SEED_GROUP_LIST = seed_answer("list-group-sends")
SEED_COUNTS = seed_answer("send")
SEED_SCAN = seed_answer("scan-send")


# ---- requests against the seed's parameter tables ----

# Sent though the seed's personal list does not name them (wire_requests.py says why); the client checks rows.
UNLISTED_LIST_FILTERS = {"uid", "id"}


def _every_request() -> dict[str, list[dict[str, Any]]]:
    full = SendsFilter(uid="1001", record_id="9", cash_redpack_id=7, group_id=3, status=2, packet_type=1, source=3,
                       keyword="红包", wx_keyword="138", since=NOON, until=NOON + timedelta(hours=1))
    return {
        "send": [send_body(30, 7, ["1001"], 6), send_body(30, 7, ["1001", "1002"], 3)],
        "group-send": [group_send_body(30, 7, ["5"], 6), group_send_body(30, 7, ["5", "6"], 6)],
        "resend": [resend_body(30, "51")],
        "update-status": [update_status_body(30, ["51"]), update_status_body(30, ["51", "52"])],
        "scan-send": [scan_send_body(30, 3, "obUMWuG0Ma9hDaJ0CiA9emuNektg")],
        "list-sends": [list_sends_body(30, SendsFilter(), 1, 20), list_sends_body(30, full, 2, 500)],
        "list-group-sends": [list_group_sends_body(30, cash_redpack_id=7, keyword="我我", since=NOON, until=NOON,
                                                   page=1, page_size=MAX_PAGE_SIZE)],
    }


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_each_request_sends_the_seeds_parameters_and_all_it_requires(endpoint: str) -> None:
    params = seed_params(endpoint)
    extra = UNLISTED_LIST_FILTERS if endpoint == "list-sends" else set()
    for body in _every_request()[endpoint]:
        assert set(body) <= set(params) | extra, set(body) - set(params)
        assert {name for name, param in params.items() if param.required} <= set(body)
        for name, value in body.items():
            type_limit = params[name].type_limit if name in params else "Integer(11)"
            if type_limit.startswith("Integer"):
                ok_types = (int, list) if type_limit.endswith("/Array") else (int,)
                assert isinstance(value, ok_types) and not isinstance(value, bool), (name, value)
            elif type_limit.startswith(("String", "varchar")):
                limit = int(type_limit.split("(")[1].rstrip(")"))
                assert isinstance(value, str) and len(value) <= limit, (name, value)
            else:  # sortStr: PHP's ['id'=>'desc']
                assert type_limit == "Array" and isinstance(value, dict), (name, value)
    assert _every_request()["list-sends"][1]["count"] <= 100  # 一次最多获取100个
    assert _every_request()["list-sends"][0]["page"] == 0  # 第一页值为0


def test_app_sign_adds_only_its_two_fields() -> None:
    signed = with_app_sign(send_body(30, 7, ["1001"], 6), moment=NOON, key="k", author_type="MD5")
    assert set(signed) - set(seed_params("send")) == {"AppSign", "AuthorType"}


# ---- what PROTOCOLS §4 quotes agrees with the seed's samples and with what the adapter sends ----


def test_the_protocols_quotes_describe_the_seeds_samples() -> None:
    page_keys = protocols_quote("list_page").split("page{")[1].split("}")[0].replace("(0-based)", "")
    assert [key.strip() for key in page_keys.split(",")] == list(SEED_LIST["page"]) == list(SEED_GROUP_LIST["page"])
    record_fields = protocols_quote("record_fields").strip("`").replace("\n", " ").split("`")[-1]
    named = {field.split("(")[0].strip() for part in record_fields.split(",") for field in part.split("/")}
    assert named <= set(SEED_SCAN["data"]["redpackData"]), named - set(SEED_SCAN["data"]["redpackData"])
    assert list(SEED_COUNTS["data"]) == ["send", "success"]
    assert "{send, success}" in protocols_quote("send_answers_counts")
    assert '"ok"' in protocols_quote("envelope_ok") and (SEED_LIST["errcode"], SEED_LIST["errmsg"]) == (0, "ok")


def test_requests_go_where_protocols_says() -> None:
    """`POST {prefix}/v1{path}?db=<PROJECTKEY>` with a JSON body."""
    assert "?db=<PROJECTKEY>" in protocols_quote("transport")
    settings = parse_settings({"baseUrl": "http://platform", "projectKey": "pk", "shopId": 30})
    assert settings.url(SEND) == "http://platform/v1/cash-redpack/send-cash-redpack"
