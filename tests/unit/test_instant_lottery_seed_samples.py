"""The adapter reads seed 003's samples as printed (tests/fixtures/seeds/instant-lottery/): every answer
table, the feeds with their rows directly in `content`, and requests of the same form as §8.2's sample."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ledger.domain.statuses import RewardStatus
from ledger.ports import Accepted, Rejected, Unknown
from providers.instant_lottery.answers import (
    AnswerUnreadable,
    AwardDetail,
    AwardSummary,
    PrizeRecord,
    StationCounter,
    award_details,
    award_summaries,
    prize_record,
    station_counter,
)
from providers.instant_lottery.signing import sign
from providers.instant_lottery.wire import GatewayReply, parse_reply, redemption_outcome, request_form
from tests.lottery_seed import ANSWERS, SEED_TIME, seed_answer, seed_answer_bytes, seed_login_request, seed_request


def read(name: str) -> GatewayReply:
    reply = parse_reply(200, seed_answer_bytes(name))
    assert reply is not None, name
    return reply


@pytest.mark.parametrize("name", ANSWERS)
def test_every_seed_answer_is_read_as_the_gateways_envelope(name: str) -> None:
    reply, printed = read(name), seed_answer(name)
    assert (reply.success, reply.ret, reply.msg) == (printed["success"], printed["ret"], printed["msg"])


def test_login_answer_gives_the_token() -> None:
    reply = read("login")
    assert reply.ret == "10000" and reply.get("token") == seed_answer("login")["content"]["token"]
    assert SEED_TIME.match(reply.get("serverTime"))


def test_redeemed_answer_is_accepted_with_the_prize_in_fen() -> None:
    outcome = redemption_outcome(read("thirdAward-1301"), "0120180507102344000001")
    assert isinstance(outcome, Accepted)
    assert (outcome.status, outcome.amount) == (RewardStatus.ISSUED, 5000)
    assert outcome.refs == {"transacId": "0120180507102344000001", "ticketNo": "00001-00002-12345678901"}


def test_already_redeemed_answer_names_the_first_transaction_and_station() -> None:
    outcome = redemption_outcome(read("thirdAward-1307"), "0120180507102344000002")
    assert isinstance(outcome, Rejected) and outcome.code == "1307"
    assert (outcome.details["transacIdOrg"], outcome.details["awardStation"], outcome.details["prizeFen"]) == (
        "0120180507102344000001", "21010001", 5000)
    assert outcome.details["awardTime"] == "2018-05-07 10:23:44"


def test_losing_ticket_answer_is_not_won() -> None:
    outcome = redemption_outcome(read("thirdAward-1305"), "0120180507102344000003")
    assert isinstance(outcome, Rejected)
    assert (outcome.code, outcome.status, outcome.details["ticketNo"]) == (
        "1305", RewardStatus.NOT_WON, "00001-00002-12345678902")


def test_over_the_limit_answer_shares_the_losing_tickets_table_and_is_refused() -> None:
    printed = seed_answer("thirdAward-1305")
    printed["ret"] = "1304"
    outcome = redemption_outcome(parse_reply(200, json.dumps(printed).encode()), "T")  # type: ignore[arg-type]
    assert isinstance(outcome, Rejected) and (outcome.code, outcome.status) == ("1304", RewardStatus.FAILED)


@pytest.mark.parametrize(("code", "expected"), [("17", Rejected), ("1002", Unknown), ("3202", Rejected)])
def test_error_envelope_is_read_by_its_code(code: str, expected: type) -> None:
    printed = seed_answer("error")
    printed["ret"] = code
    reply = parse_reply(200, json.dumps(printed, ensure_ascii=False).encode())
    assert reply is not None and reply.content == {} and not reply.success
    assert isinstance(redemption_outcome(reply, "T"), expected)


def test_counter_and_prize_record_answers() -> None:
    assert station_counter(read("getCount")) == StationCounter(tickets=3, amount_fen=12_000)
    assert prize_record(read("getPrize")) == PrizeRecord(level=3, prize_fen=5_000, station_id="21010001",
                                                          award_time="2018-05-07 10:23:44")
    assert read("resetCount").content == {} and read("password").content == {}


def test_report_answer_is_the_html_string() -> None:
    assert read("report").get("report").startswith("<html>")


def test_award_summary_as_printed_is_one_row() -> None:
    """Issue 10: the printed shape (the row's fields directly in content) used to read as no rows."""
    assert award_summaries(read("awardSummary")) == [
        AwardSummary(game_no="00000", batch_no="00000", tickets=3, amount_fen=12_000)]


def test_award_detail_rows_directly_in_content_are_read() -> None:
    expected = [AwardDetail(game_no="00001", batch_no="00002", pack_no="1234567", ticket_no="890",
                            transac_id="0120180507102344000001", time="2018-05-07 10:23:44")]
    assert award_details(read("awardDetail")) == expected
    one_object = seed_answer("awardDetail")
    one_object["content"] = one_object["content"][0]  # the row exactly as §8.8.2 prints it
    assert award_details(parse_reply(200, json.dumps(one_object).encode())) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("content", [{}, []])
def test_a_feed_with_nothing_to_report_has_no_rows(content: object) -> None:
    reply = parse_reply(200, json.dumps({**seed_answer("awardDetail"), "content": content}).encode())
    assert reply is not None and award_details(reply) == [] and award_summaries(reply) == []


@pytest.mark.parametrize("content", [{"rows": [{"transacId": "X"}]}, [{"gameNo": "00001"}], ["not a row"],
                                     {"gameNo": "00000", "batchNo": "00000", "tickets": "three", "amount": "1"}])
def test_a_feed_in_a_shape_the_seed_does_not_show_is_unreadable_not_empty(content: object) -> None:
    reply = parse_reply(200, json.dumps({**seed_answer("awardSummary"), "content": content}).encode())
    assert reply is not None
    with pytest.raises(AnswerUnreadable):
        award_details(reply) if isinstance(content, list) else award_summaries(reply)


def test_login_request_has_the_form_of_the_seeds_sample() -> None:
    printed = seed_login_request()
    business = json.loads(printed["param_json"])
    moment = datetime(2018, 5, 7, 2, 23, 44, tzinfo=UTC)  # the sample's 10:23:44, Beijing time
    ours = request_form(app_key=printed["app_key"], app_secret="secret", sign_method="SHA-1",
                        business={name: business[name] for name in business}, token=None, moment=moment)
    assert set(ours) == set(printed)  # sign_method is sent with SHA-1 (left out for MD5, PROTOCOLS.md §3)
    assert (ours["timestamp"], ours["v"], ours["format"]) == (printed["timestamp"], printed["v"], printed["format"])
    assert json.loads(ours["param_json"]) == business
    assert set(business) == {"stationId", "clerkId", "password", "type", "version", "serialNo"}


def test_third_award_request_sample_is_signed_as_the_adapter_signs() -> None:
    printed = seed_request("thirdAward")
    assert sign(printed, "test_app_secret_123", printed["sign_method"]) == printed["sign"]
    assert set(json.loads(printed["param_json"])) == {"userId", "userRealIp", "transacId", "type", "barCode"}
