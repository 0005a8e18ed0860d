"""The red packet platform's wire format without I/O (seed 004, PROTOCOLS.md §4): the status table, reading
the seed's sample answers, mapping them to outcomes, and building every endpoint's request. Settings,
AppSign and the code tables are in test_red_packet_settings_and_signing.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.red_packet import codes
from providers.red_packet.records import SendAnswer
from providers.red_packet.wire import (
    STATUS_TABLE,
    PlatformReply,
    group_page,
    parse_reply,
    record_from_row,
    record_outcome,
    record_page,
    resend_outcome,
    reward_status,
    scanned_record,
    send_answer,
)
from providers.red_packet.wire_requests import (
    OLDEST_FIRST,
    SendsFilter,
    group_send_body,
    list_group_sends_body,
    list_sends_body,
    resend_body,
    scan_send_body,
    send_body,
    update_status_body,
)
from tests.red_packet_seed import seed_answer

# The seed's own sample answers, read from tests/fixtures/seeds/red-packet/ as printed.
SEED_LIST = seed_answer("list-sends")
SEED_GROUP_LIST = seed_answer("list-group-sends")
SEED_COUNTS = seed_answer("send")
SEED_SCAN = seed_answer("scan-send")
NOON = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)


def reply(answer: dict[str, Any]) -> PlatformReply:
    parsed = parse_reply(200, json.dumps(answer, ensure_ascii=False).encode())
    assert parsed is not None
    return parsed


def row(**changes: Any) -> dict[str, Any]:
    return {**SEED_SCAN["data"]["redpackData"], **changes}  # type: ignore[index]


# ---- the status table ----


@pytest.mark.parametrize(("platform", "expected"), [
    (5, RewardStatus.PENDING), (2, RewardStatus.ISSUED), (3, RewardStatus.CLAIMED), (1, RewardStatus.FAILED),
    (4, RewardStatus.REFUNDED)])
def test_each_platform_status_maps_to_one_reward_status(platform: int, expected: RewardStatus) -> None:
    assert reward_status(platform) is expected
    assert record_from_row(row(status=str(platform))).reward_status is expected  # type: ignore[union-attr]


@pytest.mark.parametrize("platform", [0, 6, 7, -1, 99, None, True, False])
def test_any_other_status_is_unknown_never_a_success(platform: Any) -> None:
    assert reward_status(platform) is RewardStatus.UNKNOWN
    assert set(STATUS_TABLE) == {1, 2, 3, 4, 5}


def test_a_record_with_an_unmapped_status_is_kept_and_its_outcome_is_unknown() -> None:
    record = record_from_row(row(status=6))
    assert record is not None and record.status == 6 and record.reward_status is RewardStatus.UNKNOWN
    assert isinstance(record_outcome(record), Unknown)


# ---- reading answers ----


def test_the_seeds_list_sample_reads_as_one_record_on_page_one() -> None:
    page = record_page(reply(SEED_LIST), 20)
    assert page is not None
    assert (page.page, page.page_size, page.total_count, page.total_pages, page.has_next) == (1, 20, 1, 1, False)
    [record] = page.records
    assert (record.id, record.uid, record.status, record.reward_status, record.type) == (
        "1", "213", 2, RewardStatus.ISSUED, 1)
    # No send_amount in the sample: a fixed activity (min == max) still tells the amount, in fen.
    assert (record.amount_fen, record.min_value_fen, record.max_value_fen) == (100, 100, 100)
    assert (record.created_at, record.cash_redpack_id, record.act_name) == (None, None, "红包大派送")


def test_a_random_activity_without_send_amount_has_no_known_amount() -> None:
    """The seed's list rows carry min_value/max_value, never the amount paid: a RANDOM packet's amount is
    unknown, not its maximum (nor its minimum)."""
    record = record_from_row({**SEED_LIST["data"][0], "type": "2", "max_value": "500"})
    assert record is not None and record.amount_fen is None
    claimed = record_from_row({**SEED_LIST["data"][0], "type": "2", "max_value": "500", "status": "3"})
    assert claimed is not None and claimed.reward_status is RewardStatus.CLAIMED
    outcome = record_outcome(claimed)
    assert isinstance(outcome, Accepted) and outcome.amount is None


def test_every_seed_sample_reads() -> None:
    assert send_answer(reply(seed_answer("group-send"))) == SendAnswer(send=1, success=1)
    assert isinstance(resend_outcome(reply(seed_answer("resend")), "51"), Accepted)
    assert send_answer(reply(seed_answer("update-status"))) == SendAnswer(send=1, success=1)


def test_the_seeds_scan_sample_reads_every_field_and_its_notenough_is_informational() -> None:
    record = scanned_record(reply(SEED_SCAN))
    assert not isinstance(record, (Rejected, Unknown))
    assert (record.id, record.uid, record.cash_redpack_id, record.amount_fen, record.status, record.source) == (
        "51", "794", 3, 100, 2, 1)
    assert record.created_at == datetime(2016, 1, 8, 3, 10, 4, tzinfo=UTC)
    assert record.sent_at == datetime.fromtimestamp(1452234126, UTC)
    assert (record.fail_code, record.failure_code) == ("NOTENOUGH", None)  # status 2: not a failure
    assert (record.mch_billno, record.group_id, record.shop_id) == ("1260789701201601082222602541", 0, 30)
    assert "obUMWuG0" not in repr(record)  # personal data stays out of repr
    outcome = record_outcome(record)
    assert isinstance(outcome, Accepted) and (outcome.status, outcome.amount) == (RewardStatus.ISSUED, 100)
    assert outcome.refs["recordId"] == "51"


def test_the_seeds_group_list_sample_reads_as_a_summary() -> None:
    page = group_page(reply(SEED_GROUP_LIST), 20)
    assert page is not None and page.total_count == 1
    [group] = page.records
    assert (group.group_name, group.group_count, group.received, group.not_received, group.refunded,
            group.failed, group.type, group.min_value_fen) == ("我我", 7, 0, 0, 0, 0, 1, 100)
    assert group.sent_at == datetime.fromtimestamp(123123132, UTC)


@pytest.mark.parametrize(("status", "body"), [
    (500, b'{"errcode":0}'), (200, b"<html>502 Bad Gateway</html>"), (200, b'{"errcode":0'), (200, b"[]"),
    (200, b'{"errmsg":"ok"}'), (200, b'{"errcode":{"a":1}}'), (200, b"\xff\xfe")])
def test_a_body_that_is_not_the_envelope_is_unreadable(status: int, body: bytes) -> None:
    assert parse_reply(status, body) is None


def test_errcode_may_be_a_number_or_text() -> None:
    assert reply({"errcode": "0", "data": None}).ok and reply({"errcode": 0}).ok
    assert reply({"errcode": "40004"}).errcode == codes.NOT_FOUND


@pytest.mark.parametrize("rows", [[{"id": "x", "uid": "1", "status": "2"}], [{"uid": "1", "status": "2"}],
                                  [{"id": "1", "uid": "1"}], ["not a row"], {"id": "1"}])
def test_a_list_with_an_unreadable_row_is_unreadable_as_a_whole(rows: Any) -> None:
    assert record_page(reply({**SEED_LIST, "data": rows}), 20) is None


def test_a_list_without_its_page_block_is_unreadable() -> None:
    assert record_page(reply({**SEED_LIST, "page": None}), 20) is None
    assert record_page(reply({**SEED_LIST, "page": {"current_page": 0}}), 20) is None


# ---- mapping answers ----


def test_send_counts() -> None:
    assert send_answer(reply(SEED_COUNTS)) == SendAnswer(send=1, success=1)
    partial = send_answer(reply({"errcode": 0, "data": {"send": "3", "success": "2"}}))
    assert isinstance(partial, SendAnswer) and partial.failed == 1 and partial.refusal is None


@pytest.mark.parametrize("data", [None, {}, {"send": 1}, {"send": 1, "success": 2}, {"send": -1, "success": -1},
                                  {"send": 1.5, "success": 1}, []])
def test_success_without_readable_counts_is_unknown(data: Any) -> None:
    assert isinstance(send_answer(reply({"errcode": 0, "data": data})), Unknown)


def test_a_known_refusal_is_a_send_answer_with_nothing_sent() -> None:
    answer = send_answer(reply({"errcode": 50001, "errmsg": "余额不足"}))
    assert isinstance(answer, SendAnswer) and (answer.send, answer.success) == (0, 0)
    assert answer.refusal is not None and (answer.refusal.code, answer.refusal.retryable) == ("50001", True)
    bad = send_answer(reply({"errcode": "40001"}))
    assert isinstance(bad, SendAnswer) and bad.refusal is not None and not bad.refusal.retryable


def test_an_unknown_errcode_is_unknown_since_it_may_hide_work_done() -> None:
    assert isinstance(send_answer(reply({"errcode": 99999, "errmsg": "系统异常"})), Unknown)
    assert isinstance(resend_outcome(reply({"errcode": -1}), "7"), Unknown)
    assert isinstance(scanned_record(reply({"errcode": 12345})), Unknown)


def test_resend_outcomes() -> None:
    resent = resend_outcome(reply(SEED_COUNTS), "7")
    assert isinstance(resent, Accepted) and resent.status is RewardStatus.PENDING and resent.refs == {"recordId": "7"}
    not_resent = resend_outcome(reply({"errcode": 0, "data": {"send": 1, "success": 0}}), "7")
    assert isinstance(not_resent, Rejected) and not_resent.code == "NOT_RESENT" and not not_resent.retryable
    refused = resend_outcome(reply({"errcode": 40004}), "7")
    assert isinstance(refused, Rejected) and (refused.code, refused.retryable) == ("40004", False)
    # 40003 (not resendable) is only the sandbox's code: a real platform's 40003 may hide a resend.
    assert isinstance(resend_outcome(reply({"errcode": 40003}), "7"), Unknown)


@pytest.mark.parametrize(("fail_code", "retryable"), [("NOTENOUGH", True), ("SENDNUM_LIMIT", True),
                                                      ("MONEY_LIMIT", False), ("", False)])
def test_a_refused_failed_record_is_a_refusal_whose_retry_safety_follows_its_fail_code(fail_code: str,
                                                                                       retryable: bool) -> None:
    record = record_from_row(row(status=1, fail_code=fail_code))
    assert record is not None and record.failure_code == (fail_code or None)
    outcome = record_outcome(record)
    assert isinstance(outcome, Rejected) and outcome.status is RewardStatus.FAILED
    assert (outcome.code, outcome.retryable) == (fail_code or "FAILED", retryable)


@pytest.mark.parametrize("fail_code", ["SYSTEMERROR", "PROCESSING", "NOT_FOUND", "WHATEVER"])
def test_a_failed_record_whose_fail_code_may_hide_a_payment_is_unknown(fail_code: str) -> None:
    record = record_from_row(row(status=1, fail_code=fail_code))
    assert record is not None and record.reward_status is RewardStatus.UNKNOWN
    assert isinstance(record_outcome(record), Unknown)


# ---- requests ----


def test_send_bodies_use_one_number_for_one_and_an_array_for_many() -> None:
    assert send_body(30, 7, ["1001"], 6) == {"shop_id": 30, "cash_redpack_id": 7, "uid": 1001, "source": 6}
    assert send_body(30, 7, ["1001", "1002"], 3)["uid"] == [1001, 1002]
    assert group_send_body(30, 7, ["5"], 6)["wx_group_id"] == 5
    assert group_send_body(30, 7, ["5", "6"], 6)["wx_group_id"] == [5, 6]
    assert resend_body(30, "51") == {"id": 51, "shop_id": 30}
    assert update_status_body(30, ["51", "52"]) == {"id": [51, 52], "shop_id": 30}
    assert scan_send_body(30, 3, "obUMWuG0Ma9hDaJ0CiA9emuNektg") == {
        "cash_redpack_id": 3, "shop_id": 30, "open_id": "obUMWuG0Ma9hDaJ0CiA9emuNektg"}


@pytest.mark.parametrize("uids", [[], ["abc"], ["007"], ["-1"], ["0"], ["12345678901"], ["1.5"], "1001"])
def test_bad_member_ids_are_refused_before_sending(uids: Any) -> None:
    with pytest.raises(ValueError):
        send_body(30, 7, uids, 6)


@pytest.mark.parametrize("open_id", ["", "x" * 33, "含中文", "a\nb"])
def test_bad_open_ids_are_refused(open_id: str) -> None:
    with pytest.raises(ValueError):
        scan_send_body(30, 3, open_id)


def test_list_bodies_page_from_zero_cap_the_count_and_send_unix_seconds() -> None:
    since, until = NOON, NOON + timedelta(hours=1)
    body = list_sends_body(30, SendsFilter(uid="1001", cash_redpack_id=7, status=2, source=3, since=since,
                                           until=until, keyword="红包"), page=3, page_size=500)
    assert body == {"shop_id": 30, "page": 2, "count": 100, "sortStr": OLDEST_FIRST, "uid": 1001,
                    "cash_redpack_id": 7, "status": 2, "source": 3, "keyword": "红包",
                    "createStart": int(since.timestamp()), "createEnd": int(until.timestamp())}
    groups = list_group_sends_body(30, cash_redpack_id=None, keyword=None, since=None, until=None, page=1,
                                   page_size=20)
    assert groups == {"shop_id": 30, "page": 0, "count": 20, "sortStr": {"id": "asc"}}


@pytest.mark.parametrize("change", [{"page": 0}, {"page_size": 0}, {"filters": SendsFilter(keyword="x" * 31)},
                                    {"filters": SendsFilter(since=datetime(2026, 1, 1))}])
def test_bad_list_arguments_are_refused(change: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"filters": SendsFilter(), "page": 1, "page_size": 10, **change}
    with pytest.raises(ValueError):
        list_sends_body(30, arguments["filters"], arguments["page"], arguments["page_size"])
